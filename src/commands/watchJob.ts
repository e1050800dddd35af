/** slurm.watchJob / slurm.unwatchJob: notify about this job's start and end (jobs submitted from VS Code are watched). */
import * as vscode from 'vscode';
import type { JobHistory } from '../session/jobHistory';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

export function watchJobCommand(services: Services, history: JobHistory, watched: boolean) {
  return async (clicked?: unknown, selected?: unknown): Promise<void> => {
    const targets = await resolveJobTargets(services.registry, clicked, selected, { title: watched ? 'Watch Slurm Job' : 'Stop Watching Slurm Job', canPickMany: true, accept: () => true });
    for (const t of targets) {
      for (const id of t.ids) history.setWatched(t.session.profileName, id, t.rows.find((r) => r.id === id)?.name ?? '', watched);
    }
    const n = targets.reduce((a, t) => a + t.ids.length, 0);
    if (n > 0) services.jobsTree.refreshMarks();
    if (n > 0) vscode.window.setStatusBarMessage(watched ? `$(eye) Watching ${n} job(s): you will be told when they start and end.` : `$(eye-closed) Stopped watching ${n} job(s).`, 4000);
  };
}
