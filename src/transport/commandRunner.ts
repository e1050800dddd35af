/**
 * Pieces both transports share: rendering argv + prelude into one shell script, a deadline that
 * merges a timeout with the caller's AbortSignal, and the error for a dropped connection.
 */
import { CancelledError, CommandTimeoutError, UserFacingError } from '../core/errors';
import { commandLine } from '../core/shellQuote';
import type { CommandEnvironment } from './types';

export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/**
 * Variables of the user's environment that change what Slurm's commands PRINT (formats, sorting,
 * time format, which clusters or states are listed). A `.bashrc` that exports SQUEUE_FORMAT or
 * SLURM_TIME_FORMAT=relative is common; our parsers need Slurm's own defaults, so these are unset
 * for every command we parse. Input variables (SBATCH_ACCOUNT, SBATCH_PARTITION, ...) and
 * SLURM_CONF (which cluster to talk to) are the user's intent and stay.
 */
export const SLURM_OUTPUT_VARIABLES = [
  'SQUEUE_FORMAT', 'SQUEUE_FORMAT2', 'SQUEUE_SORT', 'SQUEUE_ALL', 'SQUEUE_ARRAY', 'SQUEUE_ARRAY_ID',
  'SQUEUE_ACCOUNT', 'SQUEUE_FEDERATION', 'SQUEUE_LICENSES', 'SQUEUE_LOCAL', 'SQUEUE_NAMES',
  'SQUEUE_PARTITION', 'SQUEUE_PRIORITY', 'SQUEUE_QOS', 'SQUEUE_SIBLING', 'SQUEUE_STATES', 'SQUEUE_USERS',
  'SACCT_FORMAT', 'SACCT_FEDERATION', 'SACCT_LOCAL',
  'SINFO_FORMAT', 'SINFO_SORT', 'SINFO_ALL', 'SINFO_FEDERATION', 'SINFO_LOCAL', 'SINFO_PARTITION',
  'SCONTROL_ALL', 'SCONTROL_FEDERATION', 'SCONTROL_FUTURE', 'SCONTROL_LOCAL', 'SCONTROL_SIBLING',
  'SACCTMGR_FEDERATION', 'SACCTMGR_LOCAL', 'SPRIO_FORMAT', 'SSHARE_FORMAT', 'SSTAT_FORMAT',
  'SLURM_TIME_FORMAT', 'SLURM_CLUSTERS',
] as const;

/**
 * The script a shell runs for argv. The prelude (e.g. `module load slurm`) runs first in the same
 * shell, with its stdout sent to stderr so that nothing it prints can corrupt the command's
 * parsed output; where `module` is not defined in sh (it is a shell function of the login shell),
 * Environment Modules' and Lmod's own sh initialisation is sourced first.
 */
export function renderCommand(argv: readonly string[], prelude?: string, environment: CommandEnvironment = 'pinned'): string {
  const lines: string[] = [];
  if (prelude !== undefined && prelude.trim() !== '') {
    lines.push(
      'if ! command -v module >/dev/null 2>&1 && [ -r "${MODULESHOME:-/nonexistent}/init/sh" ]; then . "$MODULESHOME/init/sh"; fi 1>&2',
      `{\n${prelude}\n} 1>&2`,
    );
  }
  if (environment === 'pinned') lines.push(`unset ${SLURM_OUTPUT_VARIABLES.join(' ')}; LC_ALL=C; export LC_ALL`);
  lines.push(commandLine(argv));
  return lines.join('\n');
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
