/** slurm.checkSubmit: `sbatch --test-only` on the composed script — would it be accepted, and when would it start? */
import * as vscode from 'vscode';
import { checkRemote, type TestOnlyResult } from '../submit/remoteSubmit';
import type { Services } from '../vscode/services';
import { describePendingSync, folderSyncFor, optionsFromArgs, prepareSubmission, remoteRootFor, reportSubmitError } from './submitFlow';

export function checkSubmitCommand(services: Services) {
  return async (arg?: unknown): Promise<({ ok: true; sync?: string } & TestOnlyResult) | { ok: false; error: string; cancelled?: boolean }> => {
    try {
      const options = optionsFromArgs(arg);
      const prepared = await prepareSubmission(services, options);
      const { session, job } = prepared;
      const sync = folderSyncFor(services, prepared);
      let syncNote = '';
      const timeoutMs = Math.max(services.commandTimeoutMs(), 60_000);
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Checking ${job.scriptName} on ${session.profileName}…`, cancellable: true },
        async (_p, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          // Check only says what a sync would upload; it uploads nothing of the folder.
          if (sync) syncNote = await describePendingSync(session.transport, sync, { timeoutMs, signal: abort.signal });
          return checkRemote(session.transport, {
            remoteRoot: remoteRootFor(prepared.profile),
            files: job.files,
            scriptName: job.scriptName,
            sbatchArgs: job.overrides,
            label: 'check',
            context: { options: prepared.options, ...(prepared.cluster ?? {}) },
          }, { timeoutMs, signal: abort.signal });
        },
      );
      const when = result.start ? `would start at ${result.start} on ${result.nodes} (${result.partition})` : result.message;
      if (options.announce !== false) void vscode.window.showInformationMessage(`Check passed: ${job.scriptName} ${when}. Nothing was submitted.${syncNote ? ` ${syncNote}` : ''}`);
      return { ok: true, ...result, ...(syncNote ? { sync: syncNote } : {}) };
    } catch (err) {
      return reportSubmitError('Checking the submission', err);
    }
  };
}
