import type { ClusterResourcesState, ResourcesMonitor } from '../resources/monitor';

/** Cluster name from a command argument: a name, or a Resources tree node ({ cluster }). */
export function clusterArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { cluster?: unknown }).cluster === 'string') return (arg as { cluster: string }).cluster;
  return undefined;
}

/**
 * slurm.resources.refresh: reads partitions and nodes now (one cluster from the tree, or all).
 * Resolves with the fresh states, which the in-VS Code tests compare with sinfo.
 */
export function resourcesRefreshCommand(monitor: ResourcesMonitor) {
  return async (arg?: unknown): Promise<ClusterResourcesState[]> => {
    const cluster = clusterArg(arg);
    await monitor.refresh(cluster);
    return (cluster === undefined ? monitor.clusters() : [cluster]).flatMap((c) => {
      const s = monitor.state(c);
      return s ? [s] : [];
    });
  };
}
