/** slurm.copyJobId: copies the selected jobs' ids (space-separated, ready for scancel/sacct). */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

export function copyJobIdCommand(services: Services) {
  return async (clicked?: unknown, selected?: unknown): Promise<void> => {
    const targets = await resolveJobTargets(services.registry, clicked, selected, { title: 'Copy Slurm Job Id', accept: () => true });
    const ids = targets.flatMap((t) => t.ids);
    if (ids.length === 0) return;
    await vscode.env.clipboard.writeText(ids.join(' '));
    vscode.window.setStatusBarMessage(`$(copy) Copied ${ids.join(' ')}`, 3000);
  };
}
