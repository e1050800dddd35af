/** slurm.showJobDetails: opens the job's `scontrol show job` in a read-only editor; slurm.refreshJobDetails re-reads it. */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { JOB_DETAILS_SCHEME, jobDetailsUri, type JobDetailsProvider } from '../vscode/jobDetailsProvider';
import { resolveJobTargets } from './jobTargets';

export function showJobDetailsCommand(services: Services) {
  return async (clicked?: unknown): Promise<vscode.TextEditor | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Show Slurm Job Details', accept: () => true });
    if (!target) return undefined;
    const doc = await vscode.workspace.openTextDocument(jobDetailsUri(target.session.profileName, target.ids[0]));
    return vscode.window.showTextDocument(doc, { preview: true });
  };
}

export function refreshJobDetailsCommand(provider: JobDetailsProvider) {
  return (uri?: vscode.Uri): void => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === JOB_DETAILS_SCHEME) provider.refresh(target);
  };
}
