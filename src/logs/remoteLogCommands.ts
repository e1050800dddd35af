/**
 * The remote commands a log follower runs, as argv arrays (the transport quotes them).
 *
 * - `tailFollowArgv`: ONE long-lived GNU `tail -F` per followed file. `-F` follows the name, so it
 *   waits for a file that does not exist yet, reopens a replaced file and restarts at a truncation
 *   (each announced on stderr, see tailMessages.ts). `-c +N` starts at byte N (1-based), which is
 *   how a follower resumes exactly where it stopped after a reconnect. `--sleep-interval` only
 *   matters where inotify cannot be used (NFS, Lustre): then it is the polling period.
 * - `logProbeArgv`: one short command that tells whether the file exists and is readable, its size,
 *   and where the last N lines of a big file start — in one round trip, measured on the same
 *   snapshot of the file so the start offset is exact.
 * - `logReadArgv`: the probe line followed by the file (or its last part) for the read-only viewer.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

/** Polling period of `tail` on file systems without inotify; bounds the latency there. */
export const DEFAULT_TAIL_SLEEP_SECONDS = 0.2;

export function tailFollowArgv(path: string, fromByte: number, sleepSeconds = DEFAULT_TAIL_SLEEP_SECONDS): string[] {
  if (!Number.isSafeInteger(fromByte) || fromByte < 0) throw new RangeError(`byte offset ${fromByte} is not a non-negative integer`);
  return ['tail', '-F', `--sleep-interval=${sleepSeconds}`, '-c', `+${fromByte + 1}`, '--', path];
}

/*
 * $1 = path, $2 = lines to keep of a big file, $3 = size above which a file is "big".
 * Prints "missing", "unreadable", "notfile" or "size <bytes> <start offset>". For a big file the
 * start is the beginning of its last $2 lines within its last $3 bytes (bounded read: `tail -c +K`
 * seeks, `head -c` stops at the size measured first, so a growing file cannot shift the answer).
 * With `read` set, the bytes from the start offset up to the measured size follow that line.
 */
function probeScript(read: boolean): string {
  return [
    'f=$1; n=$2; limit=$3',
    'if [ ! -e "$f" ]; then echo missing; exit 0; fi',
    'if [ -d "$f" ]; then echo notfile; exit 0; fi',
    'if [ ! -r "$f" ]; then echo unreadable; exit 0; fi',
    's=$(wc -c < "$f" | tr -d " ")',
    'if [ "$s" -le "$limit" ] || [ "$n" -le 0 ]; then',
    '  echo "size $s 0"',
    read ? '  head -c "$s" -- "$f"' : '',
    '  exit 0',
    'fi',
    'k=$(tail -c +$((s - limit + 1)) -- "$f" | head -c "$limit" | tail -n "$n" | wc -c | tr -d " ")',
    'echo "size $s $((s - k))"',
    read ? 'tail -c +$((s - k + 1)) -- "$f" | head -c "$k"' : '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

const PROBE_SCRIPT = probeScript(false);
const READ_SCRIPT = probeScript(true);

function probeArgs(path: string, tailLines: number, bigFileBytes: number): string[] {
  return [path, String(Math.max(0, Math.floor(tailLines))), String(Math.max(1, Math.floor(bigFileBytes)))];
}

export function logProbeArgv(path: string, tailLines: number, bigFileBytes: number): string[] {
  return ['sh', '-c', PROBE_SCRIPT, 'swb-log-probe', ...probeArgs(path, tailLines, bigFileBytes)];
}

/** The probe's answer line, then the file's bytes from the start offset (for the read-only viewer). */
export function logReadArgv(path: string, tailLines: number, bigFileBytes: number): string[] {
  return ['sh', '-c', READ_SCRIPT, 'swb-log-read', ...probeArgs(path, tailLines, bigFileBytes)];
}

export type LogProbe =
  | { kind: 'missing' | 'unreadable' | 'notfile' }
  | { kind: 'file'; size: number; startOffset: number };

const ProbeLine = lazySchema(() => z.union([
  z.enum(['missing', 'unreadable', 'notfile']).transform((kind) => ({ kind })),
  z
    .string()
    .regex(/^size \d+ \d+$/)
    .transform((line) => {
      const [, size, start] = line.split(' ');
      return { kind: 'file' as const, size: Number(size), startOffset: Number(start) };
    }),
]));

/** Parses the probe's first line; throws a plain Error naming what came back otherwise. */
export function parseLogProbe(line: string): LogProbe {
  const parsed = ProbeLine.safeParse(line.trim());
  if (!parsed.success) throw new Error(`unexpected answer from the log probe: ${JSON.stringify(line.slice(0, 200))}`);
  const probe = parsed.data as LogProbe;
  if (probe.kind === 'file' && probe.startOffset > probe.size) throw new Error(`log probe start ${probe.startOffset} beyond size ${probe.size}`);
  return probe;
}
