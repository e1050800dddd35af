/**
 * A workflow step's Show Log / Job Details / Cancel Step (its item in the Workflows view, and a
 * click in the graph): the Jobs view's own commands, on the step's job.
 */
import * as vscode from 'vscode';
import { showActionError } from '../vscode/errors';
import type { WorkflowNode } from '../vscode/workflowRuns';
import type { StepAction } from '../workflow/graphView';
import type { RunStep, WorkflowRun } from '../workflow/runRecord';

const ACTION_COMMANDS: Record<StepAction, { title: string; run: (run: WorkflowRun, step: RunStep) => Thenable<unknown> }> = {
  // The Jobs view's commands, given the step's job: the log command takes { profileName, jobId }, the job commands { cluster, jobId }.
  showLog: { title: 'Show Log', run: (run, step) => vscode.commands.executeCommand('slurm.followLog', { profileName: run.profile, jobId: String(step.jobId) }) },
  showDetails: { title: 'Job Details', run: (run, step) => vscode.commands.executeCommand('slurm.showJobDetails', { cluster: run.profile, jobId: String(step.jobId) }) },
  // slurm.cancelJob asks for confirmation (modal, Keep is the default) and scancels that one job.
  cancelStep: { title: 'Cancel Step', run: (run, step) => vscode.commands.executeCommand('slurm.cancelJob', { cluster: run.profile, jobId: String(step.jobId) }) },
};

/** Also the graph panel's handler for a step's action (workflowsFeature.ts hands it over). */
export async function runStepAction(action: StepAction, run: WorkflowRun, step: RunStep): Promise<void> {
  try {
    await ACTION_COMMANDS[action].run(run, step);
  } catch (err) {
    showActionError(`${ACTION_COMMANDS[action].title} (${run.workflow} ${run.runId}, step ${step.name})`, err);
  }
}

/** `slurm.workflow.step.<action>`: a step item of the Workflows view; anything else is ignored. */
export function workflowStepCommand(action: StepAction) {
  return async (node?: WorkflowNode): Promise<void> => {
    if (node?.kind === 'step') await runStepAction(action, node.run, node.step);
  };
}
