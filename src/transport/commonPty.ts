/** What the ssh and local terminals share: the terminal type they announce and size clamping. */
import type { PtySize } from './types';

/** Colours (256) and the key sequences every modern terminal emulator, VS Code's included, speaks. */
export const PTY_TERM = 'xterm-256color';

/** Cells, clamped to what a terminal can be (a zero or absurd size from a UI must not reach sshd or ioctl). */
export function clampSize(size: PtySize): PtySize {
  const clamp = (n: number, fallback: number): number => (Number.isFinite(n) ? Math.min(1000, Math.max(1, Math.floor(n))) : fallback);
  return { cols: clamp(size.cols, 80), rows: clamp(size.rows, 24) };
}
