/**
 * slurm.whyPending: a pending job's reason in plain words, with the facts behind it and what can be
 * done (session/whyPending.ts), in a modal whose buttons do it: Release, Show the job it depends on,
 * Cancel. Returns the explanation (scripted use and tests).
 */
import * as vscode from 'vscode';
import { stateLook } from '../session/jobPresentation';
import type { PendingExplanation } from '../session/pendingReason';
import { whyPending } from '../session/whyPending';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';
import { resolveJobTargets } from './jobTargets';

export function whyPendingCommand(services: Services) {
  return async (clicked?: unknown, _selected?: unknown, options?: { modal?: boolean }): Promise<(PendingExplanation & { reason: string }) | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Why Is This Job Pending?', accept: (j) => stateLook(j.state).group === 'pending' });
    if (!target) return undefined;
    const { session } = target;
    const id = target.ids[0];
    const row = target.rows[0] ?? session.snapshot.jobs.find((j) => j.id === id || j.actionId === id);
    if (!row) {
      void vscode.window.showWarningMessage(`Job ${id} is not in the job list of ${session.profileName} (any more).`);
      return undefined;
    }
    try {
      const why = await vscode.window.withProgress({ location: { viewId: 'slurm.jobs' } }, () =>
        whyPending(session.transport, row, session.snapshot.jobs, { timeoutMs: services.commandTimeoutMs() }));
      if (options?.modal === false) return why;
      const buttons: { title: string; run: () => unknown }[] = [];
      for (const a of why.advice) {
        if (a.action === 'release') buttons.push({ title: 'Release Job', run: () => vscode.commands.executeCommand('slurm.releaseJob', { cluster: session.profileName, jobId: row.actionId }) });
        if (a.action === 'cancel') buttons.push({ title: 'Cancel Job', run: () => vscode.commands.executeCommand('slurm.cancelJob', { cluster: session.profileName, jobId: row.actionId }) });
        if (a.action === 'showDependency') {
          const dep = /job (\d+(?:_\d+)?)/.exec(a.text)?.[1];
          if (dep) buttons.push({ title: `Show Job ${dep}`, run: () => vscode.commands.executeCommand('slurm.revealJob', session.profileName, dep) });
        }
      }
      const detail = [`Slurm's reason: ${why.reason}`, '', ...why.facts, ...(why.advice.length ? ['', ...why.advice.map((a) => `→ ${a.text}`)] : [])].join('\n');
      const choice = await vscode.window.showInformationMessage(`Job ${row.id} (${row.name}) is pending: ${why.summary}`, { modal: true, detail }, ...buttons.map((b) => ({ title: b.title })));
      await buttons.find((b) => b.title === choice?.title)?.run();
      return why;
    } catch (err) {
      showActionError(`Explaining why job ${id} is pending`, err);
      return undefined;
    }
  };
}
