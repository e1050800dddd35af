/** slurm.cancelJob: scancel the selected jobs (array: all its tasks) after a plain-worded confirmation (jobActionWords.ts). */
import * as vscode from 'vscode';
import { runCall, scancelCall } from '../slurm';
import { stateLook } from '../session/jobPresentation';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';
import { cancelConfirmation } from './jobActionWords';
import { describeTargets, resolveJobTargets } from './jobTargets';

export function cancelJobsCommand(services: Services) {
  return async (clicked?: unknown, selected?: unknown, options?: { confirm?: boolean }): Promise<void> => {
    const targets = await resolveJobTargets(services.registry, clicked, selected, {
      title: 'Cancel Slurm Jobs',
      canPickMany: true,
      accept: (job) => stateLook(job.state).group !== 'finished',
    });
    if (targets.length === 0) return;
    if (options?.confirm !== false) {
      const jobs = targets.flatMap((t) => t.ids.map((id) => ({ id, name: t.rows.find((r) => r.id === id || r.id.startsWith(`${id}_`))?.name })));
      const allPending = targets.every((t) => t.rows.length > 0 && t.rows.every((r) => stateLook(r.state).group === 'pending'));
      const words = cancelConfirmation(jobs, allPending);
      // Modal; the safe choice is the close affordance, so Escape and closing the dialog keep the job(s).
      const answer = await vscode.window.showWarningMessage(
        words.message,
        { modal: true, detail: words.detail },
        { title: words.confirm },
        { title: words.keep, isCloseAffordance: true },
      );
      if (answer?.title !== words.confirm) return;
    }
    await Promise.all(
      targets.map(async (t) => {
        try {
          await runCall(t.session.transport, scancelCall(t.ids), { timeoutMs: services.commandTimeoutMs() });
        } catch (err) {
          showActionError(`Cancelling ${describeTargets([t])} on ${t.session.profileName}`, err);
        } finally {
          void t.session.awaitChange(t.ids, 'ended');
        }
      }),
    );
  };
}
