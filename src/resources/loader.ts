/**
 * Reads one cluster's resources: one `sinfo` (every node and partition) and one
 * `scontrol show reservation`, run side by side over the cluster's one connection. Never a call
 * per node or per partition.
 */
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { clusterContext } from '../session/slurmJobLister';
import { runCall } from '../slurm/call';
import { sinfoCall } from '../slurm/sinfo';
import type { Transport } from '../transport/types';
import { buildClusterResources, type ClusterResources } from './model';
import { scontrolShowReservationsCall, type Reservation } from '../slurm/reservations';

export interface LoadOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  now?: () => number;
}

export async function loadClusterResources(cluster: string, transport: Transport, options: LoadOptions = {}): Promise<ClusterResources> {
  const callOptions = { signal: options.signal, timeoutMs: options.timeoutMs };
  const reservations = (async (): Promise<{ list: Reservation[]; error?: string }> => {
    try {
      const ctx = await clusterContext(transport, callOptions);
      return { list: await runCall(transport, scontrolShowReservationsCall(ctx.utcOffsetMinutes), callOptions) };
    } catch (e) {
      if (options.signal?.aborted) throw e;
      logger.warn(`[${cluster}] reservations unavailable: ${errorMessage(e)}`);
      return { list: [], error: errorMessage(e) };
    }
  })();
  const [info, res] = await Promise.all([runCall(transport, sinfoCall(), callOptions), reservations]);
  const out = buildClusterResources(cluster, info, res.list, (options.now ?? Date.now)());
  if (res.error !== undefined) out.reservationsError = res.error;
  return out;
}
