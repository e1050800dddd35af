/**
 * Run Workflow (CodeLens, editor title, explorer), Cancel Run and Retry Failed (Workflows view).
 * The file is parsed first: a problem (with its line and column) stops the run before anything
 * reaches the cluster. Scripts named by steps are read relative to the workflow file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfiles, remoteRootOf } from '../config/profile';
import { readProfilesSetting } from '../vscode/profileSettings';
import { CancelledError, UserFacingError } from '../core/errors';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import { isWorkflowDocument, problemRange, registerWorkflowLanguage } from '../vscode/workflowLanguage';
import { WorkflowRunsProvider, type WorkflowNode } from '../vscode/workflowRuns';
import { parseWorkflow } from '../workflow/parse';
import { cancelRun, retryFailed, startRun } from '../workflow/runner';
import type { Workflow } from '../workflow/schema';

interface LoadedWorkflow {
  uri: vscode.Uri;
  workflow: Workflow;
  scriptTexts: Map<string, string>;
}

async function loadWorkflow(uri: vscode.Uri): Promise<LoadedWorkflow> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const r = parseWorkflow(doc.getText(), uri.path);
  if (!r.ok) {
    const first = r.problems[0];
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(problemRange(first).start, problemRange(first).end);
    editor.revealRange(problemRange(first));
    throw new UserFacingError(
      `${path.basename(uri.fsPath)} line ${first.line}, column ${first.column}: ${first.message}${r.problems.length > 1 ? ` (and ${r.problems.length - 1} more)` : ''}. Nothing was submitted.`,
      'Fix the file (the Problems view lists every problem) and run it again.',
    );
  }
  const scriptTexts = new Map<string, string>();
  for (const step of r.workflow.steps) {
    if (step.script === undefined || scriptTexts.has(step.script)) continue;
    const scriptUri = vscode.Uri.joinPath(uri, '..', step.script);
    try {
      scriptTexts.set(step.script, new TextDecoder().decode(await vscode.workspace.fs.readFile(scriptUri)));
    } catch {
      throw new UserFacingError(`Step ${step.name}'s script ${step.script} was not found next to ${path.basename(uri.fsPath)}.`, 'Script paths are relative to the workflow file. Fix the path and run again.');
    }
  }
  return { uri, workflow: r.workflow, scriptTexts };
}

async function pickProfile(services: Services, title: string): Promise<string> {
  const names = services.registry.all().map((s) => s.profileName);
  if (names.length === 0) throw new UserFacingError('No cluster profile is configured.', 'Add one with "Slurm: Add Cluster Profile".');
  if (names.length === 1) return names[0];
  const name = await vscode.window.showQuickPick(names, { title, ignoreFocusOut: true });
  if (name === undefined) throw new CancelledError('Run Workflow');
  return name;
}

function sessionOf(services: Services, profile: string) {
  const session = services.registry.get(profile);
  const p = parseProfiles(readProfilesSetting().raw).profiles.find((x) => x.name === profile);
  if (!session || !p) throw new UserFacingError(`There is no cluster profile named "${profile}".`, 'Check slurm.profiles in settings.');
  return { session, remoteRoot: remoteRootOf(p) };
}

function targetUri(arg: unknown): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isWorkflowDocument(doc)) return doc.uri;
  throw new UserFacingError('No workflow file is open.', 'Open a *.slurm.yaml file (the samples have diamond.slurm.yaml) and run it from its CodeLens or the editor title.');
}

export function registerWorkflows(services: Services): void {
  const runs = new WorkflowRunsProvider(services.context.globalState, services.registry);
  const view = vscode.window.createTreeView('slurm.workflows', { treeDataProvider: runs, showCollapseAll: true });
  const timeoutMs = () => services.settings().commandTimeoutSeconds * 1000;
  services.context.subscriptions.push(
    runs,
    view,
    vscode.commands.registerCommand('slurm.runWorkflow', async (arg?: unknown) => {
      try {
        const uri = targetUri(arg);
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc?.isDirty) await doc.save();
        const loaded = await loadWorkflow(uri);
        const profile = await pickProfile(services, `Run ${loaded.workflow.name} on which cluster?`);
        const { session, remoteRoot } = sessionOf(services, profile);
        const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Run Workflow ${loaded.workflow.name}`, cancellable: true }, (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return startRun(session.transport, { workflow: loaded.workflow, scriptTexts: loaded.scriptTexts, remoteRoot, profile, file: uri.toString() }, { timeoutMs: timeoutMs(), signal: abort.signal, onProgress: (message) => progress.report({ message }) });
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
    }),
    vscode.commands.registerCommand('slurm.workflow.cancelRun', async (node?: WorkflowNode) => {
      if (!node) return;
      try {
        const { session } = sessionOf(services, node.run.profile);
        await cancelRun(session.transport, node.run, { timeoutMs: timeoutMs() });
        void session.refresh('manual');
      } catch (err) {
        showActionError('Cancel Run', err);
      }
    }),
    vscode.commands.registerCommand('slurm.workflow.retryFailed', async (node?: WorkflowNode) => {
      if (!node) return;
      try {
        if (!node.run.file) throw new UserFacingError('This run does not say which file it came from.', 'Run the workflow again from its file.');
        const loaded = await loadWorkflow(vscode.Uri.parse(node.run.file));
        const { session } = sessionOf(services, node.run.profile);
        const updated = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Retry Failed: ${node.run.workflow} ${node.run.runId}` }, (progress) =>
          retryFailed(session.transport, { run: node.run, workflow: loaded.workflow, scriptTexts: loaded.scriptTexts, states: runs.statesOf(node.run) }, { timeoutMs: timeoutMs(), onProgress: (message) => progress.report({ message }) }),
        );
        await runs.save(updated);
        void session.refresh('manual');
      } catch (err) {
        showActionError('Retry Failed', err);
      }
    }),
    vscode.commands.registerCommand('slurm.workflow.forgetRun', async (node?: WorkflowNode) => {
      if (node) await runs.forget(node.run);
    }),
  );
  registerWorkflowLanguage(services.context);
}
