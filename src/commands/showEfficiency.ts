/**
 * slurm.showEfficiency: how well a finished job used what it asked for (seff-like). ONE sacct with
 * the job's steps (src/slurm/efficiency.ts), figures and hints from src/session/efficiency.ts, shown
 * in the efficiency panel; the result is remembered so the job's tooltip can show it without a
 * call of its own. Returns the efficiency (scripted use and tests).
 */
import * as vscode from 'vscode';
import { logger } from '../core/logger';
import { runAccountingCall } from '../slurm/accounting';
import { usageCall } from '../slurm/efficiency';
import { efficiencyView, jobEfficiency, type Efficiency } from '../session/efficiency';
import { stateLook } from '../session/jobPresentation';
import { EfficiencyPanel } from '../vscode/efficiencyPanel';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

export function showEfficiencyCommand(services: Services) {
  // The one panel, created at first use and owned by this command.
  let panel: EfficiencyPanel | undefined;
  const thePanel = (): EfficiencyPanel => {
    if (!panel) {
      const created = new EfficiencyPanel(services.context.extensionUri);
      panel = created;
      services.context.subscriptions.push(created, { dispose: () => (panel = undefined) });
    }
    return panel;
  };
  return async (clicked?: unknown, _selected?: unknown, options?: { panel?: boolean }): Promise<Efficiency | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Show Job Efficiency', accept: (j) => stateLook(j.state).group === 'finished' });
    if (!target) return undefined;
    const { session } = target;
    const id = target.ids[0];
    const row = target.rows[0] ?? session.snapshot.jobs.find((j) => j.id === id || j.actionId === id);
    if (row && stateLook(row.state).group !== 'finished') {
      void vscode.window.showInformationMessage(`Job ${row.id} has not finished yet: its efficiency is known once it ends.`);
      return undefined;
    }
    try {
      const answer = await vscode.window.withProgress({ location: { viewId: 'slurm.jobs' } }, () =>
        runAccountingCall(session.transport, usageCall([row?.actionId ?? id]), { timeoutMs: services.commandTimeoutMs() }));
      if (!answer.available) {
        logger.warn(`[${session.profileName}] no efficiency for job ${id}: ${answer.notice}`);
        void vscode.window.showWarningMessage(`No efficiency for job ${id}: ${answer.notice}`);
        return undefined;
      }
      const usage = answer.value.find((u) => u.id.text === (row?.actionId ?? id)) ?? answer.value[0];
      if (!usage) {
        logger.warn(`[${session.profileName}] sacct has no record of job ${id} for its efficiency`);
        void vscode.window.showWarningMessage(`sacct on ${session.profileName} has no record of job ${id} (it may be older than the accounting database keeps, or not ended yet).`);
        return undefined;
      }
      const e = jobEfficiency(usage);
      services.efficiency.remember(session.profileName, { ...e, jobId: row?.id ?? e.jobId });
      // The tooltip shows remembered figures: re-render the items already shown (no new call).
      services.jobsTree.refreshMarks();
      if (options?.panel !== false) void thePanel().show(efficiencyView(e, row?.name));
      return e;
    } catch (err) {
      showActionError(`Reading the efficiency of job ${id}`, err);
      return undefined;
    }
  };
}
