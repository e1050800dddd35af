/**
 * The two ways a Slurm call fails, both typed so callers can tell "Slurm said no" (command error,
 * with Slurm's own words) from "Slurm said something we do not understand" (parse error).
 */
import { CommandTimeoutError, UserFacingError } from '../core/errors';

/** Slurm ran and exited non-zero (or died from a signal). `stderr` is Slurm's text, verbatim. */
export class SlurmCommandError extends UserFacingError {
  constructor(
    readonly call: string,
    readonly argv: readonly string[],
    readonly code: number | null,
    readonly stderr: string,
    readonly stdout: string,
    hint?: string,
  ) {
    const said = stderr.trim() || stdout.trim() || '(no output)';
    const how = code === null ? 'was killed by a signal' : `exited with code ${code}`;
    super(`${call} ${how}: ${said}`, hint ?? hintFor(stderr));
    this.name = 'SlurmCommandError';
  }
}

/** Output that does not have the shape the call's parser expects. Never thrown for unknown extras. */
export class SlurmParseError extends Error {
  constructor(
    readonly call: string,
    readonly reason: string,
    /** The offending line (or record), verbatim; truncated to keep messages readable. */
    readonly line: string,
    /** 1-based line (or record) number in the output, when known. */
    readonly lineNumber?: number,
  ) {
    const where = lineNumber === undefined ? '' : ` (line ${lineNumber})`;
    super(`Could not read the output of ${call}${where}: ${reason}. Offending line: ${JSON.stringify(clip(line))}`);
    this.name = 'SlurmParseError';
  }
}

function clip(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function hintFor(stderr: string): string | undefined {
  if (/command not found|No such file or directory/i.test(stderr) && /squeue|sacct|sinfo|scontrol|sbatch|scancel/.test(stderr)) {
    return 'The Slurm commands are not on PATH for this connection: add e.g. `module load slurm` to the profile prelude.';
  }
  if (/accounting storage is disabled/i.test(stderr)) {
    return 'This cluster has no Slurm accounting (sacct); finished jobs cannot be looked up.';
  }
  if (/Rate limit exceeded/i.test(stderr)) {
    return 'The Slurm controller is rate-limiting requests (SlurmctldParameters=rl_enable); Slurm Workbench backs off and keeps the last data. Try again shortly.';
  }
  if (/Unable to contact slurm controller|Socket timed out|Connection refused/i.test(stderr)) {
    return 'The Slurm controller did not answer; the cluster may be down or busy. Try again shortly.';
  }
  if (/Invalid job id/i.test(stderr)) return 'The job may have finished and left the queue; refresh the job list.';
  return undefined;
}

/**
 * Answers of a busy or rate-limiting slurmctld: worth asking again LATER (with backoff), never at
 * once. Texts from Slurm's slurm_errno.c (24.11) and strerror, as the commands print them, e.g.
 * "slurm_load_jobs error: Rate limit exceeded, please retry momentarily":
 *   SLURMCTLD_COMMUNICATIONS_BACKOFF    "Rate limit exceeded, please retry momentarily" (rl_enable, 23.02+)
 *   SLURMCTLD_COMMUNICATIONS_HARD_DROP  "Rate limit exceeded, please retry later"
 *   SLURM_PROTOCOL_SOCKET_IMPL_TIMEOUT  "Socket timed out on send/recv operation" (slurmctld overloaded)
 *   SLURMCTLD_COMMUNICATIONS_*_ERROR    "Unable to contact slurm controller (connect failure)" etc.
 *   EAGAIN                              "Resource temporarily unavailable"
 *   sbatch                              "Slurm temporarily unable to accept job, sleeping and retrying"
 *   wrappers and proxies in front of Slurm commands  "Too many requests"
 */
const TRANSIENT_RE =
  /Rate limit exceeded|RPC rate limited|Socket timed out on send\/recv|Unable to contact slurm controller|Resource temporarily unavailable|temporarily unable to accept job|Too many requests/i;

/** A Slurm answer that says "busy, try later" (see TRANSIENT_RE), as opposed to "no" or "broken". */
export function isTransientSlurmError(err: unknown): boolean {
  // Slurm 24.11's client sleeps and retries by itself when slurmctld says "back off" (seen with
  // rl_enable: 12 parallel squeue took up to 22 s, all exit 0): rate limiting mostly shows as a
  // command that runs out of time.
  if (err instanceof CommandTimeoutError) return true;
  if (!(err instanceof SlurmCommandError)) return false;
  return TRANSIENT_RE.test(`${err.stderr}\n${err.stdout}`);
}

/** A rate-limit answer specifically (slurmctld's rl_enable), for messages that say so. */
export function isRateLimited(err: unknown): boolean {
  return err instanceof SlurmCommandError && /Rate limit exceeded|RPC rate limited|Too many requests/i.test(`${err.stderr}\n${err.stdout}`);
}

/** A builder was given something that must not reach Slurm (bad job id, empty list, bad key). */
export class SlurmArgumentError extends UserFacingError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'SlurmArgumentError';
  }
}
