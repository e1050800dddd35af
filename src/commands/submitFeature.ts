/** The submit feature: the preview document provider and the sbatch language; its commands are in commands/index.ts. */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { PREVIEW_SCHEME, SubmitPreviewProvider } from './submitPreview';
import { registerSbatchLanguage } from '../vscode/sbatchLanguage';

export function registerSubmit(services: Services): { preview: SubmitPreviewProvider } {
  const preview = new SubmitPreviewProvider();
  services.context.subscriptions.push(
    preview,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
  );
  registerSbatchLanguage(services);
  return { preview };
}
