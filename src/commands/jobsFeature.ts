/**
 * The Jobs view's feature: job details documents, history, notifications and finished jobs'
 * efficiency. Its commands (job actions, details, history, watch) are in commands/index.ts.
 */
import * as vscode from 'vscode';
import { FinishedEfficiencyReader } from '../session/finishedEfficiency';
import type { JobHistory } from '../session/jobHistory';
import { JobDetailsProvider, JOB_DETAILS_SCHEME } from '../vscode/jobDetailsProvider';
import { JobNotifier } from '../vscode/jobNotifier';
import type { Services } from '../vscode/services';

export interface JobsFeature {
  details: JobDetailsProvider;
}

export function registerJobsFeature(services: Services, history: JobHistory): JobsFeature {
  const details = new JobDetailsProvider(services);
  services.context.subscriptions.push(
    details,
    vscode.workspace.registerTextDocumentContentProvider(JOB_DETAILS_SCHEME, details),
    new JobNotifier(services, history),
    // Finished jobs get their efficiency badge from one sacct per poll that saw them end.
    new FinishedEfficiencyReader(services.registry.onDidJobEvents, services.efficiency, {
      transportOf: (cluster) => services.registry.get(cluster)?.transport,
      timeoutMs: () => services.commandTimeoutMs(),
      onLearned: () => services.jobsTree.refreshMarks(),
    }),
    { dispose: () => void history.flush() },
  );
  return { details };
}
