/**
 * Turns confirmed job events into notifications (with "Show Log" / "Show Details") and, when
 * configured, a JSON POST to a webhook. The webhook URL comes from secret storage (moved there once
 * from the old setting, session/notificationWebhook.ts) and is never logged. Secrets never go into
 * the payload: it holds job facts only.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { JobHistory } from '../session/jobHistory';
import type { JobEvent } from '../session/jobTracker';
import { JOB_WEBHOOK_SECRET_KEY, migrateWebhookSetting } from '../session/notificationWebhook';
import type { Configuration } from './configuration';
import { notificationsFor, webhookPayload, type JobNotification } from '../session/notifications';
import type { Services } from './services';

/** Moves a webhook URL left in the old setting into secret storage (once: the setting is then removed). */
export async function migrateJobWebhookSetting(secrets: vscode.SecretStorage, configuration: Configuration): Promise<void> {
  const note = await migrateWebhookSetting({
    read: () => {
      const i = configuration.inspect<string>('notifications.webhookUrl');
      return { global: i.globalValue, workspace: i.workspaceValue, workspaceFolder: i.workspaceFolderValue };
    },
    clear: (scope) => configuration.update('notifications.webhookUrl', undefined, scope),
    store: (url) => Promise.resolve(secrets.store(JOB_WEBHOOK_SECRET_KEY, url)),
    workspaceTrusted: vscode.workspace.isTrusted,
  });
  if (note) {
    logger.info(note);
    void vscode.window.showInformationMessage(note);
  }
}

export class JobNotifier implements vscode.Disposable {
  private readonly subs: vscode.Disposable[];
  /** The secret, read once and again whenever it changes (a notification must not wait for it). */
  private webhookUrl: string | undefined;

  constructor(
    private readonly services: Services,
    private readonly history: JobHistory,
  ) {
    const secrets = services.context.secrets;
    const load = (): Promise<void> =>
      Promise.resolve(secrets.get(JOB_WEBHOOK_SECRET_KEY)).then(
        (url) => void (this.webhookUrl = url || undefined),
        (err: unknown) => logger.warn(`Could not read the job-notification webhook from secret storage: ${errorMessage(err)}`),
      );
    this.subs = [
      new vscode.Disposable(services.registry.onDidJobEvents((e) => this.onEvents(e.cluster, e.events)).dispose),
      secrets.onDidChange((e) => void (e.key === JOB_WEBHOOK_SECRET_KEY ? load() : undefined)),
    ];
    void migrateJobWebhookSetting(secrets, services.configuration)
      .catch((err: unknown) => logger.warn(`Could not move the job-notification webhook into secret storage: ${errorMessage(err)}`))
      .then(load);
  }

  private onEvents(cluster: string, events: JobEvent[]): void {
    this.history.record(cluster, events);
    const settings = this.services.settings();
    const notes = notificationsFor(cluster, events, settings['notifications.on'], (id) => this.history.isWatched(cluster, id));
    for (const n of notes) {
      void this.show(n);
      if (this.webhookUrl) void this.post(this.webhookUrl, n);
    }
  }

  private async show(n: JobNotification): Promise<void> {
    const show = n.severity === 'error' ? vscode.window.showErrorMessage : n.severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const action = await show(n.message, 'Show Log', 'Show Details');
    const ref = { cluster: n.cluster, jobId: n.jobId };
    if (action === 'Show Details') await vscode.commands.executeCommand('slurm.showJobDetails', ref);
    else if (action === 'Show Log') {
      const commands = new Set(await vscode.commands.getCommands(true));
      const command = n.event === 'started' && commands.has('slurm.followLog') ? 'slurm.followLog' : commands.has('slurm.openStdout') ? 'slurm.openStdout' : 'slurm.showJobDetails';
      await vscode.commands.executeCommand(command, ref);
    }
  }

  private async post(url: string, n: JobNotification): Promise<void> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webhookPayload(n)),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) logger.warn(`Webhook at ${safeOrigin(url)} answered ${res.status} ${res.statusText} for job ${n.jobId}`);
    } catch (err) {
      // The URL may hold a token: log only its origin.
      logger.warn(`Webhook POST to ${safeOrigin(url)} failed: ${errorMessage(err).split(url).join('<webhook URL>')}`);
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
