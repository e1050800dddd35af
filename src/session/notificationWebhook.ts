/**
 * The job-notification webhook URL is a secret (Slack and ntfy URLs carry their token), so it lives
 * in VS Code's secret storage like the resource-watch one, under its own key. Older versions kept
 * it in the setting `slurm.notifications.webhookUrl`; a value found there is moved once: stored as
 * the secret, then removed from the settings it was in. Only the user's own settings (and a trusted
 * workspace's) are moved: an untrusted workspace could otherwise point notifications about your
 * jobs at any URL. The URL is never logged; messages name its host only.
 * VS Code-free: the settings and secret storage come in as a small interface.
 */
import { webhookHost, WebhookUrlSchema } from '../core/webhook';

/** Secret-storage key of the job-notification webhook URL. */
export const JOB_WEBHOOK_SECRET_KEY = 'slurm.notifications.webhookUrl';

/** The old setting, as VS Code's `inspect` reports it per scope. */
export type SettingScope = 'global' | 'workspace' | 'workspaceFolder';
export type WebhookSettingValues = Partial<Record<SettingScope, unknown>>;

export interface WebhookMigrationIo {
  /** The old setting's value in each scope. */
  read(): WebhookSettingValues;
  /** Removes the old setting from one scope. */
  clear(scope: SettingScope): Promise<void>;
  store(url: string): Promise<void>;
  workspaceTrusted: boolean;
}

export interface WebhookMigrationPlan {
  /** The URL to store as the secret, if any. */
  move?: string;
  /** Scopes to remove the old setting from. */
  clear: SettingScope[];
  /** Workspace-level values left alone because the workspace is not trusted. */
  untrusted: SettingScope[];
  /** Scopes whose value is not a usable URL (left in place, the user is told). */
  invalid: SettingScope[];
}

function present(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** The most specific trusted value wins, as VS Code would have applied it. */
export function planWebhookMigration(values: WebhookSettingValues, workspaceTrusted: boolean): WebhookMigrationPlan {
  const plan: WebhookMigrationPlan = { clear: [], untrusted: [], invalid: [] };
  for (const scope of ['global', 'workspace', 'workspaceFolder'] as const) {
    const value = values[scope];
    if (!present(value)) continue;
    if (scope !== 'global' && !workspaceTrusted) {
      plan.untrusted.push(scope);
      continue;
    }
    const url = WebhookUrlSchema.safeParse(value);
    if (!url.success) {
      plan.invalid.push(scope);
      continue;
    }
    plan.move = url.data;
    plan.clear.push(scope);
  }
  return plan;
}

/** Moves the old setting into secret storage; returns what to tell the user (never the URL), or undefined when there was nothing. */
export async function migrateWebhookSetting(io: WebhookMigrationIo): Promise<string | undefined> {
  const plan = planWebhookMigration(io.read(), io.workspaceTrusted);
  const notes: string[] = [];
  if (plan.move !== undefined) {
    await io.store(plan.move);
    for (const scope of plan.clear) await io.clear(scope);
    notes.push(`The job-notification webhook (${webhookHost(plan.move)}) now lives in VS Code's secret storage; it was removed from your settings.`);
  }
  if (plan.untrusted.length > 0) notes.push('The webhook URL in this untrusted workspace\'s settings is ignored.');
  if (plan.invalid.length > 0) notes.push('slurm.notifications.webhookUrl holds something that is not an http(s) URL; it was left in place and is not used.');
  return notes.length > 0 ? `${notes.join(' ')} Change it with "Slurm: Set Job Notification Webhook".` : undefined;
}
