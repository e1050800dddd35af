/** slurm.cancelJob: scancel the selected jobs (array: all its tasks) after a confirmation. */
import * as vscode from 'vscode';
import { runCall, scancelCall } from '../slurm';
import { stateLook } from '../session/jobPresentation';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';
import { describeTargets, resolveJobTargets } from './jobTargets';

export function cancelJobsCommand(services: Services) {
  return async (clicked?: unknown, selected?: unknown, options?: { confirm?: boolean }): Promise<void> => {
    const targets = await resolveJobTargets(services.registry, clicked, selected, {
      title: 'Cancel Slurm Jobs',
      canPickMany: true,
      accept: (job) => stateLook(job.state).group !== 'finished',
    });
    if (targets.length === 0) return;
    const what = describeTargets(targets);
    if (options?.confirm !== false) {
      const answer = await vscode.window.showWarningMessage(`Cancel ${what}?`, { modal: true, detail: 'scancel cannot be undone; running jobs are killed.' }, 'Cancel Jobs');
      if (answer !== 'Cancel Jobs') return;
    }
    await Promise.all(
      targets.map(async (t) => {
        try {
          await runCall(t.session.transport, scancelCall(t.ids), { timeoutMs: services.settings().commandTimeoutSeconds * 1000 });
        } catch (err) {
          showActionError(`Cancelling ${describeTargets([t])} on ${t.session.profileName}`, err);
        } finally {
          void t.session.refresh('action');
        }
      }),
    );
  };
}
