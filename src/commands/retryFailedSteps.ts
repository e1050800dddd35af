/**
 * "Retry Failed" (a run in the Workflows view): resubmits the failed steps and what depends on
 * them. It plans on states asked of Slurm at that moment (one squeue for the run), not on the last
 * poll, and reads the workflow file again (the run names it).
 */
import * as vscode from 'vscode';
import { UserFacingError } from '../core/errors';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import type { WorkflowNode, WorkflowRunsProvider } from '../vscode/workflowRuns';
import { freshStepStates } from '../workflow/freshStates';
import { retryFailed } from '../workflow/runner';
import { loadWorkflow, sessionOf } from './workflowTargets';

export function retryFailedStepsCommand(services: Services, runs: WorkflowRunsProvider) {
  return async (node?: WorkflowNode) => {
    if (!node) return;
    try {
      if (!node.run.file) throw new UserFacingError('This run does not say which file it came from.', 'Run the workflow again from its file.');
      const loaded = await loadWorkflow(vscode.Uri.parse(node.run.file));
      const { session } = sessionOf(services, node.run.profile);
      const run = runs.all().find((r) => r.runId === node.run.runId && r.profile === node.run.profile && r.workflow === node.run.workflow) ?? node.run;
      const updated = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Retry Failed: ${run.workflow} ${run.runId}` }, async (progress) => {
        const options = { timeoutMs: services.commandTimeoutMs(), onProgress: (message: string) => progress.report({ message }) };
        // The poll may be a cycle behind or stopped: what to resubmit is decided on Slurm's answer now.
        progress.report({ message: 'Reading the run\'s states from Slurm…' });
        const fresh = await freshStepStates(session.transport, run, options);
        runs.takeFresh(fresh.seen);
        return retryFailed(session.transport, { run, workflow: loaded.workflow, scriptTexts: loaded.scriptTexts, states: fresh.states }, options);
      });
      await runs.save(updated);
      void session.refresh('manual');
      return updated;
    } catch (err) {
      showActionError('Retry Failed', err);
      return undefined;
    }
  };
}
