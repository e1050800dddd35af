/**
 * slurm.previewSubmit: the exact script that Submit would send, in a read-only editor (a virtual
 * document), plus the sbatch options that override the file's directives, if any.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { describeFileOverrides } from '../submit/oneClick';
import { describeSbatchEnvironment } from '../slurm';
import { clusterContext } from '../session/slurmJobLister';
import type { Services } from '../vscode/services';
import { describePendingSync, folderSyncFor, optionsFromArgs, prepareSubmission, reportSubmitError } from './submitFlow';

export const PREVIEW_SCHEME = 'slurm-submit-preview';

/** Serves preview documents; each preview has its own URI so several can be open. */
export class SubmitPreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  show(name: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${name}` });
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}

export function previewSubmitCommand(services: Services, provider: SubmitPreviewProvider) {
  return async (arg?: unknown): Promise<{ ok: true; uri: string; script: string; overrides?: string; sync?: string; sbatchEnvironment?: string } | { ok: false; error: string; cancelled?: boolean }> => {
    try {
      const prepared = await prepareSubmission(services, optionsFromArgs(arg));
      const uri = provider.show(`Preview ${prepared.job.scriptName}`, prepared.job.script);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'shellscript');
      await vscode.window.showTextDocument(doc, { preview: true });
      if (prepared.job.overrides.length > 0) {
        void vscode.window.showInformationMessage(`sbatch will also get ${describeFileOverrides(prepared.job.overrides, prepared.fileOptions)}: your answers override the file's directives for this submission.`);
      }
      // The preview shows even when comparing with the cluster fails: the failure is the note.
      let syncNote = '';
      try {
        const sync = folderSyncFor(services, prepared);
        if (sync) syncNote = await describePendingSync(prepared.session.transport, sync, { timeoutMs: Math.max(services.commandTimeoutMs(), 30_000) });
      } catch (err) {
        syncNote = `Folder sync: ${errorMessage(err)}`;
      }
      if (syncNote) void vscode.window.showInformationMessage(syncNote);
      // sbatch also reads SBATCH_* variables from the login's environment (a .bashrc may set them).
      const timeoutMs = services.commandTimeoutMs();
      const inputs = describeSbatchEnvironment((await clusterContext(prepared.session.transport, { timeoutMs }).catch(() => undefined))?.sbatchEnvironment);
      if (inputs) void vscode.window.showInformationMessage(`Your login on ${prepared.session.profileName} sets ${inputs}: sbatch applies these unless the script or your answers say otherwise.`);
      const overrides = prepared.job.overrides.length > 0 ? { overrides: describeFileOverrides(prepared.job.overrides, prepared.fileOptions) } : {};
      return { ok: true, uri: uri.toString(), script: prepared.job.script, ...overrides, ...(syncNote ? { sync: syncNote } : {}), ...(inputs ? { sbatchEnvironment: inputs } : {}) };
    } catch (err) {
      return reportSubmitError('Previewing the submission', err);
    }
  };
}
