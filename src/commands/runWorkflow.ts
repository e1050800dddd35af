/**
 * "Run Workflow" (CodeLens, editor title, explorer): saves the file if it is dirty, parses it (a
 * problem stops the run before anything reaches the cluster), asks which cluster when there are
 * several, submits every step and records the run in the Workflows view.
 */
import * as vscode from 'vscode';
import { CancelledError, UserFacingError } from '../core/errors';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import { startRun } from '../workflow/runner';
import type { WorkflowsFeature } from './workflowsFeature';
import { loadWorkflow, sessionOf, targetUri } from './workflowTargets';

async function pickProfile(services: Services, title: string): Promise<string> {
  const names = services.registry.all().map((s) => s.profileName);
  if (names.length === 0) throw new UserFacingError('No cluster profile is configured.', 'Add one with "Slurm: Add Cluster Profile".');
  if (names.length === 1) return names[0];
  const name = await vscode.window.showQuickPick(names, { title, ignoreFocusOut: true });
  if (name === undefined) throw new CancelledError('Run Workflow');
  return name;
}

export function runWorkflowCommand(services: Services, { runs, files }: WorkflowsFeature) {
  return async (arg?: unknown) => {
    try {
      const uri = targetUri(arg, files);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) await doc.save();
      const loaded = await loadWorkflow(uri);
      const profile = await pickProfile(services, `Run ${loaded.workflow.name} on which cluster?`);
      const { session, remoteRoot } = sessionOf(services, profile);
      const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Run Workflow ${loaded.workflow.name}`, cancellable: true }, (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return startRun(session.transport, { workflow: loaded.workflow, scriptTexts: loaded.scriptTexts, remoteRoot, profile, file: uri.toString() }, { timeoutMs: services.commandTimeoutMs(), signal: abort.signal, onProgress: (message) => progress.report({ message }) });
      });
      await runs.save(run);
      void session.refresh('manual');
      void vscode.window.showInformationMessage(`Workflow ${run.workflow} run ${run.runId}: ${run.steps.length} jobs submitted on ${profile} (${run.steps.map((s) => `${s.name} ${s.jobId}`).join(', ')}).`);
      return run;
    } catch (err) {
      if (err instanceof CancelledError) return undefined;
      showActionError('Run Workflow', err);
      return undefined;
    }
  };
}
