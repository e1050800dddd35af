/**
 * The two ways a Slurm call fails, both typed so callers can tell "Slurm said no" (command error,
 * with Slurm's own words) from "Slurm said something we do not understand" (parse error).
 */
import { UserFacingError } from '../core/errors';

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
  if (/Unable to contact slurm controller|Socket timed out|Connection refused/i.test(stderr)) {
    return 'The Slurm controller did not answer; the cluster may be down or busy. Try again shortly.';
  }
  if (/Invalid job id/i.test(stderr)) return 'The job may have finished and left the queue; refresh the job list.';
  return undefined;
}

/** A builder was given something that must not reach Slurm (bad job id, empty list, bad key). */
export class SlurmArgumentError extends UserFacingError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'SlurmArgumentError';
  }
}
