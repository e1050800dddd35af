/** The submit feature: its commands and the preview document provider, registered from extension.ts. */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { checkSubmitCommand } from './submitCheck';
import { submitAfterCommand } from './submitAfter';
import { PREVIEW_SCHEME, SubmitPreviewProvider, previewSubmitCommand } from './submitPreview';
import { submitScriptCommand, submitWithOptionsCommand } from './submitScript';
import { registerSbatchLanguage } from '../vscode/sbatchLanguage';

export function registerSubmit(services: Services): void {
  const preview = new SubmitPreviewProvider();
  services.context.subscriptions.push(
    preview,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
    vscode.commands.registerCommand('slurm.submit', submitScriptCommand(services)),
    vscode.commands.registerCommand('slurm.submitWithOptions', submitWithOptionsCommand(services)),
    vscode.commands.registerCommand('slurm.submitAfter', submitAfterCommand(services)),
    vscode.commands.registerCommand('slurm.checkSubmit', checkSubmitCommand(services)),
    vscode.commands.registerCommand('slurm.previewSubmit', previewSubmitCommand(services, preview)),
  );
  registerSbatchLanguage(services);
}
