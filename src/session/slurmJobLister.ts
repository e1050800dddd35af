/**
 * Lists the user's jobs for the Jobs view: one `squeue` per poll (never a call per job), with the
 * cluster context (version, user, UTC offset) probed once per transport and reused.
 */
import { logger } from '../core/logger';
import { probeCluster, runCall, squeueCall, untestedVersionWarning, type ClusterContext } from '../slurm';
import { rowFromSqueue } from './jobTracker';
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

export async function listJobRows(transport: Transport, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<JobRow[]> {
  const ctx = await clusterContext(transport, options);
  const jobs = await runCall(transport, squeueCall(ctx), options);
  return jobs.map(rowFromSqueue);
}
