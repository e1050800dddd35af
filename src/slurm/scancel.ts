/**
 * scancel: cancel jobs (or signal them). Seen on 22.05: cancelling an id that does not exist exits
 * 0 and prints nothing (recorded in test/fixtures/slurm-22.05), so success does not prove the job
 * existed; refresh the listing afterwards.
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
