/** The Jobs view's feature: job actions, details documents, history and notifications. */
import * as vscode from 'vscode';
import { FinishedEfficiencyReader } from '../session/finishedEfficiency';
import type { JobHistory } from '../session/jobHistory';
import { JobDetailsProvider, JOB_DETAILS_SCHEME } from '../vscode/jobDetailsProvider';
import { JobNotifier } from '../vscode/jobNotifier';
import type { Services } from '../vscode/services';
import { cancelJobsCommand } from './cancelJobs';
import { copyJobIdCommand } from './copyJobId';
import { clearFilterCommand, filterJobsCommand } from './filterJobs';
import { resubmitJobCommand } from './resubmitJob';
import { revealJobCommand } from './revealJob';
import { scontrolJobActionCommand } from './scontrolJobAction';
import { setNotificationWebhookCommand } from './setNotificationWebhook';
import { refreshJobDetailsCommand, showJobDetailsCommand } from './showJobDetails';
import { showEfficiencyCommand } from './showEfficiency';
import { showJobHistoryCommand } from './showJobHistory';
import { watchJobCommand } from './watchJob';
import { whyPendingCommand } from './whyPending';

export function registerJobCommands(history: JobHistory) {
  return (services: Services): void => {
    const details = new JobDetailsProvider(services);
    const commands: [string, (...args: never[]) => unknown][] = [
      ['slurm.cancelJob', cancelJobsCommand(services)],
      ['slurm.holdJob', scontrolJobActionCommand(services, 'hold')],
      ['slurm.releaseJob', scontrolJobActionCommand(services, 'release')],
      ['slurm.requeueJob', scontrolJobActionCommand(services, 'requeue')],
      ['slurm.showJobDetails', showJobDetailsCommand(services)],
      ['slurm.refreshJobDetails', refreshJobDetailsCommand(details)],
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
    ];
    services.context.subscriptions.push(
      details,
      vscode.workspace.registerTextDocumentContentProvider(JOB_DETAILS_SCHEME, details),
      new JobNotifier(services, history),
      // Finished jobs get their efficiency badge from one sacct per poll that saw them end.
      new FinishedEfficiencyReader(services.registry.onDidJobEvents, services.efficiency, {
        transportOf: (cluster) => services.registry.get(cluster)?.transport,
        timeoutMs: () => services.settings().commandTimeoutSeconds * 1000,
        onLearned: () => services.jobsTree.refreshMarks(),
      }),
      { dispose: () => void history.flush() },
      ...commands.map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
    );
  };
}
