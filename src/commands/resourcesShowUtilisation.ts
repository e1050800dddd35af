import type { UtilisationPanel } from '../vscode/utilisationPanel';
import { clusterArg } from './resourcesRefresh';

/** slurm.resources.showUtilisation: the per-partition bars, scrolled to the cluster it was run on. */
export function resourcesShowUtilisationCommand(panel: UtilisationPanel) {
  return (arg?: unknown): void => panel.show(clusterArg(arg));
}
