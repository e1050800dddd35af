/**
 * Lists the user's jobs for the Jobs view: one `squeue` per poll (never a call per job), with the
 * cluster context (version, user, UTC offset) probed once per transport and reused.
 */
import { logger } from '../core/logger';
import { probeCluster, runAccountingCall, runCall, sacctCall, squeueCall, untestedVersionWarning, type ClusterContext } from '../slurm';
import { rowFromController, rowFromSacct } from './jobTracker';
import type { Transport } from '../transport/types';
import type { JobRow } from './jobRow';

const contexts = new WeakMap<Transport, Promise<ClusterContext>>();

export function clusterContext(transport: Transport, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<ClusterContext> {
  let ctx = contexts.get(transport);
  if (!ctx) {
    ctx = probeCluster(transport, options);
    contexts.set(transport, ctx);
    // Once per connection: a Slurm release without recorded fixtures is read tolerantly, but say so.
    void ctx.then((c) => {
      const warning = untestedVersionWarning(c.version);
      if (warning !== undefined) logger.warn(`${transport.label}: ${warning}`);
    }, () => undefined);
    // A failed probe is not cached: the next poll probes again.
    ctx.catch(() => contexts.delete(transport));
  }
  return ctx;
}

/**
 * These jobs as Slurm sees them now, whatever their state: ONE `squeue --states=all --array` for
 * all the ids (slurmctld knows finished jobs for MinJobAge), then, only for ids it no longer knows,
 * ONE sacct (skipped on a cluster without accounting). Never a call per job. Array ids bring their
 * tasks. Used where a decision must not rest on the last poll (Retry Failed).
 */
export async function listJobRowsByIds(transport: Transport, ids: readonly string[], options: { signal?: AbortSignal; timeoutMs?: number }): Promise<{ rows: JobRow[]; calls: string[] }> {
  if (ids.length === 0) return { rows: [], calls: [] };
  const ctx = await clusterContext(transport, options);
  const calls = ['squeue'];
  const rows = (await runCall(transport, squeueCall(ctx, { jobIds: ids, includeFinished: true, expandArrays: true }), options)).map((j) => rowFromController(j));
  const seen = (id: string) => rows.some((r) => r.id === id || r.actionId === id || r.arrayJobId === id);
  const missing = ids.filter((id) => !seen(id));
  if (missing.length > 0) {
    calls.push('sacct');
    const answer = await runAccountingCall(transport, sacctCall(ctx, missing), options);
    if (answer.available) rows.push(...answer.value.map((rec) => rowFromSacct(rec)));
  }
  return { rows, calls };
}
