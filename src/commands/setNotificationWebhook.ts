/**
 * slurm.notifications.setWebhook: asks for the job-notification webhook URL and keeps it in VS
 * Code's secret storage (it may carry a token, so it is never a setting); an empty answer removes it.
 */
import * as vscode from 'vscode';
import { WebhookUrlSchema, webhookHost } from '../core/webhook';
import { JOB_WEBHOOK_SECRET_KEY } from '../session/notificationWebhook';

export function setNotificationWebhookCommand(secrets: vscode.SecretStorage) {
  return async (): Promise<'saved' | 'removed' | undefined> => {
    const saved = await secrets.get(JOB_WEBHOOK_SECRET_KEY);
    const url = await vscode.window.showInputBox({
      title: 'Job notification webhook',
      prompt: `Receives a JSON POST for each job notification. Kept in VS Code's secret storage, not in settings.${saved ? ` Now: ${webhookHost(saved)}. Leave empty to remove it.` : ''}`,
      placeHolder: 'https://hooks.slack.com/services/…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' || WebhookUrlSchema.safeParse(v).success ? undefined : 'An http:// or https:// URL, or empty to remove it.'),
    });
    if (url === undefined) return undefined;
    if (url.trim() === '') {
      await secrets.delete(JOB_WEBHOOK_SECRET_KEY);
      void vscode.window.showInformationMessage('The job notification webhook was removed.');
      return 'removed';
    }
    await secrets.store(JOB_WEBHOOK_SECRET_KEY, url.trim());
    void vscode.window.showInformationMessage(`Job notifications will also be posted to ${webhookHost(url.trim())}.`);
    return 'saved';
  };
}
