/** "Show Graph": of a run (Workflows view), or of a file (its last run, else its plan). */
import { showActionError } from '../vscode/errors';
import type { WorkflowNode } from '../vscode/workflowRuns';
import type { WorkflowsFeature } from './workflowsFeature';
import { loadWorkflow, targetUri } from './workflowTargets';

export function showWorkflowGraphCommand({ files, graphs }: WorkflowsFeature) {
  return async (arg?: unknown) => {
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
  };
}
