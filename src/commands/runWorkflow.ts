/**
 * Run Workflow (CodeLens, editor title, explorer), Show Graph (a run, or a file: its last run or its
 * plan), Cancel Run and Retry Failed (Workflows view), and each step's Show Log / Job Details /
 * Cancel Step (view and graph), which are the Jobs view's own commands on the step's job.
 * The file is parsed first: a problem (with its line and column) stops the run before anything
 * reaches the cluster. Scripts named by steps are read relative to the workflow file. Retry Failed
 * plans on states asked of Slurm at that moment (one squeue for the run), not on the last poll.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfiles, remoteRootOf } from '../config/profile';
import { readProfilesSetting } from '../vscode/profileSettings';
import { CancelledError, UserFacingError } from '../core/errors';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import { WorkflowFiles } from '../vscode/workflowFiles';
import { WorkflowGraphPanels } from '../vscode/workflowGraphPanel';
import { problemRange, registerWorkflowLanguage } from '../vscode/workflowLanguage';
import { WorkflowRunsProvider, type WorkflowNode } from '../vscode/workflowRuns';
import { freshStepStates } from '../workflow/freshStates';
import type { StepAction } from '../workflow/graphView';
import { parseWorkflow } from '../workflow/parse';
import type { RunStep, WorkflowRun } from '../workflow/runRecord';
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

function targetUri(arg: unknown, files: WorkflowFiles): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && files.isWorkflow(doc.uri)) return doc.uri;
  throw new UserFacingError('No workflow file is open.', `Open a workflow file (slurm.workflows.filePattern: ${files.pattern()}; the samples have diamond.slurm.yaml) and use its CodeLens or the editor title.`);
}

const ACTION_COMMANDS: Record<StepAction, { title: string; run: (run: WorkflowRun, step: RunStep) => Thenable<unknown> }> = {
  // The Jobs view's commands, given the step's job: the log command takes { profileName, jobId }, the job commands { cluster, jobId }.
  showLog: { title: 'Show Log', run: (run, step) => vscode.commands.executeCommand('slurm.followLog', { profileName: run.profile, jobId: String(step.jobId) }) },
  showDetails: { title: 'Job Details', run: (run, step) => vscode.commands.executeCommand('slurm.showJobDetails', { cluster: run.profile, jobId: String(step.jobId) }) },
  // slurm.cancelJob asks for confirmation (modal, Keep is the default) and scancels that one job.
  cancelStep: { title: 'Cancel Step', run: (run, step) => vscode.commands.executeCommand('slurm.cancelJob', { cluster: run.profile, jobId: String(step.jobId) }) },
};

async function runStepAction(action: StepAction, run: WorkflowRun, step: RunStep): Promise<void> {
  try {
    await ACTION_COMMANDS[action].run(run, step);
  } catch (err) {
    showActionError(`${ACTION_COMMANDS[action].title} (${run.workflow} ${run.runId}, step ${step.name})`, err);
  }
}

function stepOf(node: WorkflowNode | undefined): { run: WorkflowRun; step: RunStep } | undefined {
  return node?.kind === 'step' ? { run: node.run, step: node.step } : undefined;
}

export function registerWorkflows(services: Services): void {
  const runs = new WorkflowRunsProvider(services.context.globalState, services.registry);
  const view = vscode.window.createTreeView('slurm.workflows', { treeDataProvider: runs, showCollapseAll: true });
  const files = new WorkflowFiles(services);
  const graphs = new WorkflowGraphPanels(services.context.extensionUri, runs, runStepAction);
  const timeoutMs = () => services.settings().commandTimeoutSeconds * 1000;
  services.context.subscriptions.push(
    runs,
    view,
    files,
    graphs,
    vscode.commands.registerCommand('slurm.runWorkflow', async (arg?: unknown) => {
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
        const run = runs.all().find((r) => r.runId === node.run.runId && r.profile === node.run.profile && r.workflow === node.run.workflow) ?? node.run;
        const updated = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Retry Failed: ${run.workflow} ${run.runId}` }, async (progress) => {
          const options = { timeoutMs: timeoutMs(), onProgress: (message: string) => progress.report({ message }) };
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
    }),
    vscode.commands.registerCommand('slurm.workflow.showGraph', async (arg?: unknown) => {
      try {
        if (arg && typeof arg === 'object' && (arg as WorkflowNode).kind !== undefined && 'run' in (arg as object)) {
          return await graphs.show({ kind: 'run', run: (arg as WorkflowNode).run });
        }
        const uri = targetUri(arg, files);
        const loaded = await loadWorkflow(uri);
        return await graphs.show({ kind: 'file', uri: uri.toString(), workflow: loaded.workflow });
      } catch (err) {
        showActionError('Show Graph', err);
        return undefined;
      }
    }),
    ...(['showLog', 'showDetails', 'cancelStep'] as const).map((action) =>
      vscode.commands.registerCommand(`slurm.workflow.step.${action}`, async (node?: WorkflowNode) => {
        const target = stepOf(node);
        if (target) await runStepAction(action, target.run, target.step);
      }),
    ),
    vscode.commands.registerCommand('slurm.workflow.forgetRun', async (node?: WorkflowNode) => {
      if (node) await runs.forget(node.run);
    }),
  );
  registerWorkflowLanguage(services.context, files);
}
