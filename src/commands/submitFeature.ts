/** The submit feature: the preview document provider; its commands are in commands/index.ts (the #SBATCH language help is the entry's). */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { PREVIEW_SCHEME, SubmitPreviewProvider } from './submitPreview';

export function registerSubmit(services: Services): { preview: SubmitPreviewProvider } {
  const preview = new SubmitPreviewProvider();
  services.context.subscriptions.push(
    preview,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, preview),
  );
  return { preview };
}
