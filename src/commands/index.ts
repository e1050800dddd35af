/**
 * The command list (issue 22, point 3): command id → handler, one flat list, registered in one
 * place. A handler is built by its command's own file (one command per file) from what it needs:
 * the services, or a feature's controller that activation built first (logs, forwards, workflows,
 * terminals). Commands
 * sit above the features and vscode/ adapters (ARCHITECTURE.md), so no feature imports its
 * commands back. Building the list creates closures only: nothing here loads, reads or connects.
 */
import type { CommandRegistration } from '../vscode/entryHost';
import type { JobHistory } from '../session/jobHistory';
import type { LogsController } from '../vscode/logFeature';
import type { PortForwards } from '../vscode/portForwardFeature';
import type { Services } from '../vscode/services';
import { addProfileCommand } from './addProfile';
import { cancelJobsCommand } from './cancelJobs';
import { cancelWaitCommand } from './cancelWait';
import { cancelWorkflowRunCommand } from './cancelWorkflowRun';
import { copyJobIdCommand } from './copyJobId';
import { clearFilterCommand, filterJobsCommand } from './filterJobs';
import { followLogCommand } from './followLog';
import { forgetWorkflowRunCommand } from './forgetWorkflowRun';
import { forwardPortCommand } from './forwardPort';
import { listForwardsCommand } from './listForwards';
import { openForwardedLinkCommand } from './openForwardedLink';
import { openJobFolderCommand } from './openJobFolder';
import { openJobTerminalCommand } from './openJobTerminal';
import { openLogCommand } from './openLog';
import { openLoginTerminalCommand } from './openLoginTerminal';
import { openSampleCommand } from './openSample';
import { openSettingsCommand } from './openSettings';
import { previewSubmitCommand, type SubmitPreviewProvider } from './submitPreview';
import { connectCommand, editProfileCommand, removeProfileCommand, testConnectionCommand } from './profileCommands';
import { refreshCommand } from './refresh';
import { reopenInteractiveTerminalCommand } from './reopenInteractiveTerminal';
import type { ResourcesFeature } from './resourcesFeature';
import { resourcesRefreshCommand } from './resourcesRefresh';
import { resourcesShowUtilisationCommand } from './resourcesShowUtilisation';
import { resubmitJobCommand } from './resubmitJob';
import { retryFailedStepsCommand } from './retryFailedSteps';
import { revealJobCommand } from './revealJob';
import { runWorkflowCommand } from './runWorkflow';
import { scontrolJobActionCommand } from './scontrolJobAction';
import { setNotificationWebhookCommand } from './setNotificationWebhook';
import { setupBundledClusterCommand } from './setupBundledCluster';
import { showEfficiencyCommand } from './showEfficiency';
import { refreshJobDetailsCommand, showJobDetailsCommand } from './showJobDetails';
import { showJobHistoryCommand } from './showJobHistory';
import { showLogCommand } from './showLog';
import { showWorkflowGraphCommand } from './showWorkflowGraph';
import { startInteractiveSessionCommand } from './startInteractiveSession';
import { stopFollowingCommand } from './stopFollowing';
import { submitAfterCommand } from './submitAfter';
import { checkSubmitCommand } from './submitCheck';
import { submitScriptCommand, submitWithOptionsCommand } from './submitScript';
import type { JobsFeature } from './jobsFeature';
import type { TerminalsFeature } from './terminalsFeature';
import { waitForResourcesCommand } from './waitForResources';
import { watchJobCommand } from './watchJob';
import { whyPendingCommand } from './whyPending';
import type { WorkflowsFeature } from './workflowsFeature';
import { workflowStepCommand } from './workflowStepAction';

/** What the handlers are built from: the services, and the features built before the commands. */
export interface CommandDeps {
  services: Services;
  history: JobHistory;
  jobs: JobsFeature;
  resources: ResourcesFeature;
  submit: { preview: SubmitPreviewProvider };
  logs: LogsController;
  forwards: PortForwards;
  workflows: WorkflowsFeature;
  terminals: TerminalsFeature;
}

/** Every command in the list, grouped by feature. */
export function commandList({ services, history, jobs, resources, submit, logs, forwards, workflows, terminals }: CommandDeps): CommandRegistration[] {
  const { registry } = services;
  return [
    // General
    ['slurm.refresh', refreshCommand(registry)],
    ['slurm.openSettings', openSettingsCommand()],
    ['slurm.showLog', showLogCommand(services.channel)],
    // Profiles
    ['slurm.addProfile', addProfileCommand(services.configuration)],
    ['slurm.testConnection', testConnectionCommand(services)],
    ['slurm.connect', connectCommand(services, true)],
    ['slurm.disconnect', connectCommand(services, false)],
    ['slurm.editProfile', editProfileCommand()],
    ['slurm.removeProfile', removeProfileCommand(services)],
    // Jobs
    ['slurm.cancelJob', cancelJobsCommand(services)],
    ['slurm.holdJob', scontrolJobActionCommand(services, 'hold')],
    ['slurm.releaseJob', scontrolJobActionCommand(services, 'release')],
    ['slurm.requeueJob', scontrolJobActionCommand(services, 'requeue')],
    ['slurm.showJobDetails', showJobDetailsCommand(services)],
    ['slurm.refreshJobDetails', refreshJobDetailsCommand(jobs.details)],
    ['slurm.copyJobId', copyJobIdCommand(services)],
    ['slurm.resubmitJob', resubmitJobCommand(services)],
    ['slurm.revealJob', revealJobCommand(services)],
    ['slurm.filterJobs', filterJobsCommand(services)],
    ['slurm.clearFilter', clearFilterCommand(services)],
    ['slurm.whyPending', whyPendingCommand(services)],
    ['slurm.showEfficiency', showEfficiencyCommand(services)],
    ['slurm.showJobHistory', showJobHistoryCommand(services)],
    ['slurm.watchJob', watchJobCommand(services, history, true)],
    ['slurm.unwatchJob', watchJobCommand(services, history, false)],
    ['slurm.notifications.setWebhook', setNotificationWebhookCommand(services.context.secrets)],
    // Submit
    ['slurm.submit', submitScriptCommand(services)],
    ['slurm.submitWithOptions', submitWithOptionsCommand(services)],
    ['slurm.submitAfter', submitAfterCommand(services)],
    ['slurm.checkSubmit', checkSubmitCommand(services)],
    ['slurm.previewSubmit', previewSubmitCommand(services, submit.preview)],
    // Resources
    ['slurm.resources.refresh', resourcesRefreshCommand(resources.monitor)],
    ['slurm.resources.showUtilisation', resourcesShowUtilisationCommand(resources.panel)],
    ['slurm.resources.waitFor', waitForResourcesCommand(resources.monitor, resources.watches, services.context.secrets)],
    ['slurm.resources.cancelWait', cancelWaitCommand(resources.watches)],
    // Logs
    ['slurm.followLog', followLogCommand(logs, registry)],
    ['slurm.openStdout', openLogCommand(logs, registry, 'stdout')],
    ['slurm.openStderr', openLogCommand(logs, registry, 'stderr')],
    ['slurm.stopFollowingLog', stopFollowingCommand(logs)],
    // Forwarded ports
    ['slurm.forwardPort', forwardPortCommand(services, forwards)],
    ['slurm.listForwards', listForwardsCommand(forwards)],
    ['slurm.openForwardedLink', openForwardedLinkCommand(forwards)],
    // Terminals and interactive sessions (their shells are job terminals)
    ['slurm.openLoginTerminal', openLoginTerminalCommand(services, terminals.terminals)],
    ['slurm.openJobTerminal', openJobTerminalCommand(services, terminals.terminals)],
    ['slurm.startInteractiveSession', startInteractiveSessionCommand(services, terminals.interactive)],
    ['slurm.reopenInteractiveTerminal', reopenInteractiveTerminalCommand(services, terminals.interactive)],
    // Workflows
    ['slurm.runWorkflow', runWorkflowCommand(services, workflows)],
    ['slurm.workflow.cancelRun', cancelWorkflowRunCommand(services)],
    ['slurm.workflow.retryFailed', retryFailedStepsCommand(services, workflows.runs)],
    ['slurm.workflow.showGraph', showWorkflowGraphCommand(workflows)],
    ['slurm.workflow.step.showLog', workflowStepCommand('showLog')],
    ['slurm.workflow.step.showDetails', workflowStepCommand('showDetails')],
    ['slurm.workflow.step.cancelStep', workflowStepCommand('cancelStep')],
    ['slurm.workflow.forgetRun', forgetWorkflowRunCommand(workflows.runs)],
    // Remote files
    ['slurm.openJobFolder', openJobFolderCommand(services)],
    // Onboarding (the walkthrough)
    ['slurm.openSample', openSampleCommand(services)],
    ['slurm.setupBundledCluster', setupBundledClusterCommand(services)],
  ];
}

