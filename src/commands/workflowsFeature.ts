/**
 * The workflows feature (issue 21), built by extension.ts: the Workflows view and its runs, which
 * files are workflows (slurm.workflows.filePattern), the graph panels and the workflow language
 * (CodeLens, diagnostics). Its commands (Run Workflow, Show Graph, Cancel Run, Retry Failed, the
 * steps' actions, Forget Run) are in commands/index.ts.
 */
import type { Services } from '../vscode/services';
import { WorkflowFiles } from '../vscode/workflowFiles';
import { WorkflowGraphPanels } from '../vscode/workflowGraphPanel';
import { registerWorkflowLanguage } from '../vscode/workflowLanguage';
import { WorkflowRunsProvider } from '../vscode/workflowRuns';
import { runStepAction } from './workflowStepAction';

/** What the workflow commands (commands/index.ts) act on. */
export interface WorkflowsFeature {
  runs: WorkflowRunsProvider;
  files: WorkflowFiles;
  graphs: WorkflowGraphPanels;
}

export function registerWorkflows(services: Services): WorkflowsFeature {
  const runs = new WorkflowRunsProvider(services.context.globalState, services.registry);
  const view = services.entry.treeView('slurm.workflows', runs);
  const files = new WorkflowFiles(services);
  // A click on a step in the graph runs the same action as the step's command in the view.
  const graphs = new WorkflowGraphPanels(services.context.extensionUri, runs, runStepAction);
  services.context.subscriptions.push(runs, view, files, graphs);
  registerWorkflowLanguage(services.context, files);
  return { runs, files, graphs };
}
