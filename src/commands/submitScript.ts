/**
 * slurm.submit: the current script (or the one right-clicked) is composed, uploaded and submitted;
 * then the Jobs view polls at once, reveals the job, its log follow starts (setting), and a
 * notification offers Cancel (and Follow log when it is not followed already). Returns the outcome (for scripted use and tests).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { runCall, scancelCall } from '../slurm';
import { submitRemote } from '../submit/remoteSubmit';
import { describeFileOverrides } from '../submit/oneClick';
import type { Services } from '../vscode/services';
import { confirmWithinLimits } from './submitLimits';
import { ensureSavedForSync, folderSyncFor, optionsFromArgs, prepareSubmission, rememberCluster, remoteRootFor, reportSubmitError, syncFolderWithProgress, type FolderSyncDone, type SubmitCommandOptions } from './submitFlow';

export type SubmitOutcome =
  | { ok: true; cluster: string; jobId: number; remoteDir: string; workDir: string; script: string; overrides: string[]; synced?: { remoteDir: string; uploaded: number; notes: string[] } }
  | { ok: false; error: string; cancelled?: boolean };

export function submitScriptCommand(services: Services) {
  return async (arg?: unknown): Promise<SubmitOutcome> => submitWith(services, optionsFromArgs(arg));
}

/** slurm.submitWithOptions: the full prompt flow (cluster, template, every field), prefilled from the file. */
export function submitWithOptionsCommand(services: Services) {
  return async (arg?: unknown): Promise<SubmitOutcome> => submitWith(services, { ...optionsFromArgs(arg), ask: 'all' });
}

export async function submitWith(services: Services, options: SubmitCommandOptions): Promise<SubmitOutcome> {
  const started = Date.now();
  try {
    const prepared = await prepareSubmission(services, options);
    const preparedAt = Date.now();
    await confirmWithinLimits(prepared, options);
    const { session, job } = prepared;
    const sync = folderSyncFor(services, prepared);
    if (sync) await ensureSavedForSync(sync, options);
    const timeoutMs = Math.max(services.commandTimeoutMs(), 60_000);
    let synced: FolderSyncDone | undefined;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Submitting ${job.scriptName} to ${session.profileName}…`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        // The folder first (a failure there submits nothing); the script still goes to its own job folder.
        if (sync) synced = await syncFolderWithProgress(session.transport, sync, progress, { timeoutMs, signal: abort.signal });
        return submitRemote(session.transport, {
          chdir: synced?.chdir,
          remoteRoot: remoteRootFor(prepared.profile),
          files: job.files,
          scriptName: job.scriptName,
          sbatchArgs: job.overrides,
          label: prepared.answers.jobName ?? job.scriptName,
          context: { options: prepared.options, ...(prepared.cluster ?? {}) },
        }, { timeoutMs, signal: abort.signal });
      },
    );
    const cluster = session.profileName;
    const jobId = String(result.jobId);
    // Only a cluster that took the job becomes the one the next click goes to.
    await rememberCluster(services, cluster);
    const overrides = job.overrides.length ? describeFileOverrides(job.overrides, prepared.fileOptions) : undefined;
    // Where the seconds of a submit go (prepare: file, cluster, templates, sinfo; then upload + sbatch).
    logger.info(`[${cluster}] submitted ${job.scriptName} as job ${jobId} in ${result.workDir}${overrides ? ` with ${overrides}` : ''} (${Date.now() - started} ms: prepared in ${preparedAt - started} ms, uploaded and sbatch in ${Date.now() - preparedAt} ms)`);
    // sbatch's answer was lost but the job was found by its marker: say so with the usual note.
    void afterSubmit(services, cluster, jobId, result.warnings, [overrides ? `With ${overrides}.` : undefined, result.recovered].filter(Boolean).join(' ') || undefined);
    for (const note of synced?.notes ?? []) void vscode.window.showWarningMessage(`Folder sync: ${note}`);
    const syncedInfo = synced ? { synced: { remoteDir: synced.remoteDir, uploaded: synced.uploaded, notes: synced.notes } } : {};
    return { ok: true, cluster, jobId: result.jobId, remoteDir: result.remoteDir, workDir: result.workDir, script: job.script, overrides: job.overrides, ...syncedInfo };
  } catch (err) {
    return reportSubmitError('Submitting', err);
  }
}

async function afterSubmit(services: Services, cluster: string, jobId: string, warnings: string[], recovered?: string): Promise<void> {
  const session = services.registry.get(cluster);
  // Poll now and fast until the job leaves PENDING: the tree and the status bar show it start within seconds.
  session?.expectJob(jobId);
  void session?.awaitChange([jobId], 'started');
  // Both commands are this extension's own (registered at activation): no getCommands round trip
  // before the toast. The log first: its follow starts watching the job at once.
  const followsItself = services.settings()['submit.followLog'];
  if (followsItself) {
    void Promise.resolve(vscode.commands.executeCommand('slurm.followLog', { profileName: cluster, jobId })).catch((err: unknown) => logger.debug(`followLog: ${errorMessage(err)}`));
  }
  void Promise.resolve(vscode.commands.executeCommand('slurm.revealJob', cluster, jobId)).catch((err: unknown) => logger.debug(`revealJob: ${errorMessage(err)}`));
  // Offer only what is not already happening: the log is followed by itself when the setting is on.
  const actions = !followsItself ? ['Follow log', 'Cancel job'] : ['Cancel job'];
  const note = `${warnings.length ? ` (sbatch: ${warnings.join(' ')})` : ''}${recovered ? ` ${recovered}` : ''}`;
  const choice = await vscode.window.showInformationMessage(`Submitted job ${jobId} to ${cluster}.${note}`, ...actions);
  if (choice === 'Follow log') void vscode.commands.executeCommand('slurm.followLog', { profileName: cluster, jobId });
  if (choice === 'Cancel job' && session) {
    try {
      await runCall(session.transport, scancelCall([jobId]), { timeoutMs: services.commandTimeoutMs() });
      void session.awaitChange([jobId], 'ended');
      void vscode.window.showInformationMessage(`Cancelled job ${jobId}.`);
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not cancel job ${jobId}: ${errorMessage(err)}`);
    }
  }
}
