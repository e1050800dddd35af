/** slurm.holdJob / slurm.releaseJob / slurm.requeueJob: one scontrol call per cluster for all selected jobs. */
import * as vscode from 'vscode';
import { runCall, scontrolActionCall, type ScontrolJobAction } from '../slurm';
import { isHeld, stateLook } from '../session/jobPresentation';
import type { JobRow } from '../session/jobRow';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';
import { describeTargets, resolveJobTargets } from './jobTargets';

const ELIGIBLE: Record<'hold' | 'release' | 'requeue', (job: JobRow) => boolean> = {
  hold: (job) => job.state === 'PENDING' && !isHeld(job),
  release: (job) => isHeld(job),
  requeue: (job) => stateLook(job.state).group !== 'pending',
};

const PAST: Record<'hold' | 'release' | 'requeue', string> = { hold: 'Held', release: 'Released', requeue: 'Requeued' };

export function scontrolJobActionCommand(services: Services, action: 'hold' | 'release' | 'requeue') {
  return async (clicked?: unknown, selected?: unknown): Promise<void> => {
    const title = `${action[0].toUpperCase()}${action.slice(1)} Slurm Jobs`;
    const targets = await resolveJobTargets(services.registry, clicked, selected, { title, canPickMany: true, accept: ELIGIBLE[action] });
    for (const t of targets) {
      try {
        await runCall(t.session.transport, scontrolActionCall(action as ScontrolJobAction, t.ids), { timeoutMs: services.commandTimeoutMs() });
        vscode.window.setStatusBarMessage(`$(check) ${PAST[action]} ${describeTargets([t])}`, 4000);
      } catch (err) {
        showActionError(`${title.replace(' Slurm Jobs', '')} of ${describeTargets([t])} on ${t.session.profileName}`, err);
      } finally {
        void t.session.awaitChange(t.ids, 'changed');
      }
    }
  };
}
