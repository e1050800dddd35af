/**
 * Pieces both transports share: rendering argv + prelude into one shell script, a deadline that
 * merges a timeout with the caller's AbortSignal, and the error for a dropped connection.
 */
import { CancelledError, CommandTimeoutError, UserFacingError } from '../core/errors';
import { commandLine } from '../core/shellQuote';

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/**
 * The script a shell runs for argv. The prelude (e.g. `module load slurm`) runs first in the same
 * shell, with its stdout sent to stderr so that nothing it prints can corrupt the command's
 * parsed output.
 */
export function renderCommand(argv: readonly string[], prelude?: string): string {
  const cmd = commandLine(argv);
  if (prelude === undefined || prelude.trim() === '') return cmd;
  return `{\n${prelude}\n} 1>&2\n${cmd}`;
}

/** The connection went away while a command ran: it may or may not have run. */
export class ConnectionLostError extends UserFacingError {
  constructor(what: string, target: string, detail?: string) {
    super(
      `The connection to ${target} was lost while running ${what}${detail ? ` (${detail})` : ''}; it may or may not have completed.`,
      'The connection is re-established automatically; check the result and run it again if needed.',
    );
    this.name = 'ConnectionLostError';
  }
}

export interface Deadline {
  /** Aborts on timeout or on the caller's signal; `signal.reason` is the error to throw. */
  signal: AbortSignal;
  dispose(): void;
}

export function startDeadline(what: string, timeoutMs: number | undefined, outer?: AbortSignal): Deadline {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)) {
    timer = setTimeout(() => ctl.abort(new CommandTimeoutError(what, timeoutMs)), timeoutMs);
  }
  const onOuter = (): void => ctl.abort(new CancelledError(what));
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return {
    signal: ctl.signal,
    dispose() {
      if (timer) clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

export function abortReason(signal: AbortSignal, what: string): Error {
  return signal.reason instanceof Error ? signal.reason : new CancelledError(what);
}

/** Races a promise against a signal (the underlying work is left to finish or fail on its own). */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** `~/x` → `x` (relative to the login directory), `~` → `.`; other paths unchanged. */
export function stripHome(path: string): string {
  if (path === '~' || path === '~/') return '.';
  if (path.startsWith('~/')) return path.slice(2);
  return path;
}

/** `WriteFileOptions.mtimeMs` as whole seconds since the epoch (SFTP v3 carries no fraction), or undefined. */
export function wholeSecondsStamp(mtimeMs: number | undefined): number | undefined {
  return mtimeMs === undefined ? undefined : Math.max(0, Math.floor(mtimeMs / 1000));
}
