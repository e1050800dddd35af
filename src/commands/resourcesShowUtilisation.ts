import type { UtilisationPanel } from '../vscode/utilisationPanel';
import { clusterArg } from './resourcesRefresh';

/**
 * slurm.resources.showUtilisation: the per-partition bars, scrolled to the cluster it was run on.
 * Resolves with the number of partitions drawn once the page shows them (tests wait on it).
 */
export function resourcesShowUtilisationCommand(panel: UtilisationPanel) {
  return (arg?: unknown): Promise<number | undefined> => panel.show(clusterArg(arg));
}
