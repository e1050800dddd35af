/** slurm.resubmitJob: submits the job's own batch script again from its work dir. */
import * as vscode from 'vscode';
import { remoteRootOf, parseProfiles } from '../config/profile';
import { resubmitJob } from '../session/resubmit';
import { readProfilesSetting } from '../vscode/configuration';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';
import { resolveJobTargets } from './jobTargets';

export function resubmitJobCommand(services: Services) {
  return async (clicked?: unknown): Promise<string | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Resubmit Slurm Job', accept: () => true });
    if (!target) return undefined;
    const id = target.ids[0];
    const row = target.rows[0] ?? target.session.snapshot.jobs.find((j) => j.id === id);
    const profile = parseProfiles(readProfilesSetting().raw).profiles.find((p) => p.name === target.session.profileName);
    const root = profile ? remoteRootOf(profile) : '~/.slurm-workbench';
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Resubmitting job ${id}…`, cancellable: true },
        (_p, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return resubmitJob(target.session.transport, { id, workDir: row?.workDir }, root, { timeoutMs: services.commandTimeoutMs(), signal: abort.signal });
        },
      );
      const newId = String(result.jobId);
      target.session.expectJob(newId);
      void target.session.awaitChange([newId], 'started');
      void vscode.window.showInformationMessage(`Resubmitted job ${id} as ${newId}.`, 'Show').then((a) => {
        if (a) void vscode.commands.executeCommand('slurm.revealJob', target.session.profileName, newId);
      });
      return newId;
    } catch (err) {
      showActionError(`Resubmitting job ${id}`, err);
      return undefined;
    }
  };
}
