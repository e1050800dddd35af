/** "Cancel Run" (a run in the Workflows view): scancels the run's jobs that have not ended. */
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import type { WorkflowNode } from '../vscode/workflowRuns';
import { cancelRun } from '../workflow/runner';
import { sessionOf } from './workflowTargets';

export function cancelWorkflowRunCommand(services: Services) {
  return async (node?: WorkflowNode): Promise<void> => {
    if (!node) return;
    try {
      const { session } = sessionOf(services, node.run.profile);
      await cancelRun(session.transport, node.run, { timeoutMs: services.commandTimeoutMs() });
      void session.refresh('manual');
    } catch (err) {
      showActionError('Cancel Run', err);
    }
  };
}
