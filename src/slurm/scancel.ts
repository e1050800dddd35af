/**
 * scancel: cancel jobs (or signal them). 22.05 exits non-zero and names the job on stderr when an
 * id is unknown ("scancel: error: Kill job error on job id 5: Invalid job id specified").
 */
import type { SlurmCall } from './call';
import { SlurmArgumentError } from './errors';
import { assertJobIdArg } from './jobId';

export interface ScancelOptions {
  /** e.g. "TERM", "USR1"; default: Slurm's cancel. */
  signal?: string;
  /** Only the batch shell (`--batch`), with `signal`. */
  batchOnly?: boolean;
}

export function scancelCall(jobIds: readonly string[], o: ScancelOptions = {}): SlurmCall<void> {
  if (jobIds.length === 0) throw new SlurmArgumentError('scancel needs at least one job id.');
  const argv = ['scancel'];
  if (o.signal !== undefined) {
    if (!/^(SIG)?[A-Z0-9]+$/.test(o.signal)) throw new SlurmArgumentError(`${JSON.stringify(o.signal)} is not a signal name.`);
    argv.push(`--signal=${o.signal}`);
  }
  if (o.batchOnly) argv.push('--batch');
  argv.push(...jobIds.map(assertJobIdArg));
  return { name: 'scancel', argv, parse: () => undefined };
}
