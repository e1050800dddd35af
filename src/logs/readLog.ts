/**
 * Reads a log for the read-only viewer in ONE command: the whole file, or for a big file its last
 * `tailLines` lines (within its last `bigFileBytes`), with the facts needed for a note on top.
 */
import { UserFacingError } from '../core/errors';
import type { Transport } from '../transport/types';
import { formatBytes } from './jobLogFollower';
import { logReadArgv, parseLogProbe } from './remoteLogCommands';

export interface LogContent {
  path: string;
  text: string;
  size: number;
  /** Byte the text starts at (0 = the whole file). */
  startOffset: number;
}

export async function readLog(
  transport: Transport,
  path: string,
  options: { tailLines: number; bigFileBytes: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<LogContent> {
  const result = await transport.exec(logReadArgv(path, options.tailLines, options.bigFileBytes), {
    timeoutMs: options.timeoutMs ?? 60_000,
    signal: options.signal,
    label: `read ${path}`,
    idempotent: true,
  });
  if (result.code !== 0) {
    throw new UserFacingError(`Could not read ${path} on ${transport.label}: ${result.stderr.trim() || `exit ${result.code}`}.`, 'Check that the file exists and is readable.');
  }
  const nl = result.stdout.indexOf('\n');
  const probe = parseLogProbe(nl < 0 ? result.stdout : result.stdout.slice(0, nl));
  switch (probe.kind) {
    case 'missing':
      throw new UserFacingError(`The log file ${path} does not exist on ${transport.label}.`, 'A pending job has not written it yet; a job with --output=/dev/null or a removed file has none.');
    case 'unreadable':
      throw new UserFacingError(`The log file ${path} on ${transport.label} is not readable (permission denied).`, 'Check the file permissions on the cluster.');
    case 'notfile':
      throw new UserFacingError(`${path} on ${transport.label} is a directory, not a log file.`, "Check the job's --output/--error settings.");
    case 'file':
      return { path, text: nl < 0 ? '' : result.stdout.slice(nl + 1), size: probe.size, startOffset: probe.startOffset };
  }
}

/** The note shown above a log that opened at its tail. */
export function partialLogNote(content: LogContent, tailLines: number): string | undefined {
  if (content.startOffset === 0) return undefined;
  return `[${content.path} is ${formatBytes(content.size)}; showing its last ${tailLines} lines, from byte ${content.startOffset}. Follow the log or open it on the cluster for the rest.]`;
}
