/** slurm.revealJob(cluster, jobId): polls at once if needed, then selects the job in the Jobs view. */
import type { Services } from '../vscode/services';

export function revealJobCommand(services: Services) {
  return async (cluster?: unknown, jobId?: unknown): Promise<boolean> => {
    if (typeof cluster !== 'string' || (typeof jobId !== 'string' && typeof jobId !== 'number')) return false;
    const id = String(jobId);
    const session = services.registry.get(cluster);
    if (!session) return false;
    if (!session.snapshot.jobs.some((j) => j.id === id)) {
      session.expectJob(id);
      await session.awaitChange([id], 'started');
    }
    const node = services.jobsTree.findJob(cluster, id);
    if (!node) return false;
    await services.jobsView.reveal(node, { select: true, focus: false, expand: true });
    return true;
  };
}
