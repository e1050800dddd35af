import type { SessionRegistry } from '../session/sessionRegistry';

/** slurm.refresh: a manual refresh runs at once (joining a poll already in flight). */
export function refreshCommand(registry: SessionRegistry) {
  return async (clusterName?: unknown): Promise<void> => {
    if (typeof clusterName === 'string') await registry.get(clusterName)?.refresh('manual');
    else await registry.refreshAll();
  };
}
