/**
 * Turns confirmed job events into notifications (with "Show Log" / "Show Details") and, when
 * configured, a JSON POST to a webhook. Secrets never go into the payload: it holds job facts only.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { JobHistory } from '../session/jobHistory';
import type { JobEvent } from '../session/jobTracker';
import { notificationsFor, webhookPayload, type JobNotification } from '../session/notifications';
import type { Services } from './services';

export class JobNotifier implements vscode.Disposable {
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly services: Services,
    private readonly history: JobHistory,
  ) {
    this.sub = new vscode.Disposable(services.registry.onDidJobEvents((e) => this.onEvents(e.cluster, e.events)).dispose);
  }

  private onEvents(cluster: string, events: JobEvent[]): void {
    this.history.record(cluster, events);
    const settings = this.services.settings();
    const notes = notificationsFor(cluster, events, settings['notifications.on'], (id) => this.history.isWatched(cluster, id));
    for (const n of notes) {
      void this.show(n);
      if (settings['notifications.webhookUrl']) void this.post(settings['notifications.webhookUrl'], n);
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
      if (!res.ok) logger.warn(`Webhook answered ${res.status} ${res.statusText} for job ${n.jobId}`);
    } catch (err) {
      // The URL may hold a token: log only its origin.
      logger.warn(`Webhook POST to ${safeOrigin(url)} failed: ${errorMessage(err)}`);
    }
  }

  dispose(): void {
    this.sub.dispose();
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
