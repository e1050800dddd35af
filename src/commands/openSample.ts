/**
 * slurm.openSample: copies one of the sample scripts shipped in media/samples/ into the workspace
 * (or, with no folder open, into the extension's storage) and opens it. Never overwrites a file: an
 * identical copy is reopened, a different file of the same name is left alone (see copySample).
 * Argument: the sample's file name (walkthrough links pass "hello.sbatch"); none: a picker.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { copySample, listSamples, SAMPLE_NAME } from '../onboarding/samples';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';

export function openSampleCommand(services: Services) {
  return async (name?: unknown): Promise<vscode.Uri | undefined> => {
    const samplesDir = path.join(services.context.extensionPath, 'media', 'samples');
    try {
      let chosen = typeof name === 'string' && SAMPLE_NAME.test(name) ? name : undefined;
      if (!chosen) {
        const samples = await listSamples(samplesDir);
        const pick = await vscode.window.showQuickPick(
          samples.map((s) => ({ label: s.name, detail: s.description })),
          { title: 'Open a Sample Slurm Script', placeHolder: 'A copy goes into your workspace; nothing is overwritten' },
        );
        if (!pick) return undefined;
        chosen = pick.label;
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const dir = folder?.scheme === 'file' ? folder.fsPath : path.join(services.context.globalStorageUri.fsPath, 'samples');
      const target = await copySample(samplesDir, chosen, dir);
      const uri = vscode.Uri.file(target.file);
      await vscode.window.showTextDocument(uri, { preview: false });
      if (target.action === 'create' && path.basename(target.file) !== chosen) {
        void vscode.window.showInformationMessage(`Your ${chosen} was left as it is; the sample was copied as ${path.basename(target.file)}.`);
      }
      return uri;
    } catch (err) {
      showActionError(`Opening the sample ${String(name ?? '')}`.trimEnd(), err);
      return undefined;
    }
  };
}
