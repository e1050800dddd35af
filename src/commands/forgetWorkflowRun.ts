/** "Forget Run" (a run in the Workflows view): drops its record; its jobs are left alone. */
import type { WorkflowNode, WorkflowRunsProvider } from '../vscode/workflowRuns';

export function forgetWorkflowRunCommand(runs: WorkflowRunsProvider) {
  return async (node?: WorkflowNode): Promise<void> => {
    if (node) await runs.forget(node.run);
  };
}
