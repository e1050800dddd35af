/**
 * sacct over a time window for one user: the "Recently finished" history. Same fields, delimiter
 * and parser as the by-id call (sacct.ts); only the selection differs.
 *
 *   sacct -X --noheader --parsable2 --delimiter=<US> --user=<u> --starttime=now-<N>days
 *         --endtime=now --state=<finished states> --format=...
 *
 * Note (seen on 22.05): jobs that never started (held, then cancelled) are missing from -S windows;
 * the tracker confirms those by id when they leave the queue.
 */
import type { SlurmCall } from './call';
import type { ClusterContext } from './context';
import { SlurmArgumentError } from './errors';
import { parseSacct, sacctListingArgv, type AccountingJob } from './sacct';

/** Terminal states sacct accepts in --state (short codes are accepted by every release). */
export const FINISHED_STATE_CODES = ['BF', 'CA', 'CD', 'DL', 'F', 'NF', 'OOM', 'PR', 'TO'] as const;

export function sacctWindowArgv(user: string, days: number): string[] {
  if (!/^[^\s,=]+$/.test(user)) throw new SlurmArgumentError(`${JSON.stringify(user)} is not a user name.`);
  if (!Number.isFinite(days) || days <= 0 || days > 365) throw new SlurmArgumentError('The history window must be between 1 and 365 days.');
  return sacctListingArgv([
    `--user=${user}`,
    `--starttime=now-${Math.round(days * 24 * 3600)}seconds`,
    '--endtime=now',
    `--state=${FINISHED_STATE_CODES.join(',')}`,
  ]);
}

export function sacctWindowCall(ctx: Pick<ClusterContext, 'utcOffsetMinutes' | 'user'>, days: number): SlurmCall<AccountingJob[]> {
  return { name: 'sacct', argv: sacctWindowArgv(ctx.user, days), parse: (o) => parseSacct(o.stdout, ctx.utcOffsetMinutes) };
}
