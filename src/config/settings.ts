/**
 * The `slurm.*` settings (except profiles, see profile.ts), validated into one typed object.
 * Invalid values fall back to defaults and are reported, never thrown at the user mid-poll.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { PollerTiming } from '../poller/poller';
import { DEFAULT_TIMING } from '../poller/poller';

export const GeneralSettingsSchema = lazySchema(() => z.object({
  pollIntervalSeconds: z.number().min(2).default(15),
  commandTimeoutSeconds: z.number().min(1).default(30),
  'jobs.groupBy': z.enum(['state', 'none']).default('state'),
  'jobs.sortBy': z.enum(['id', 'name', 'state', 'submitTime']).default('id'),
  'jobs.historyDays': z.number().min(0).max(60).default(2),
  'notifications.on': z.enum(['watched', 'all', 'off']).default('watched'),
  'notifications.webhookUrl': z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).default(''),
}));
export type GeneralSettings = z.infer<typeof GeneralSettingsSchema>;

export interface SettingsProblem {
  setting: string;
  message: string;
}

/** Parses each field on its own so one bad value does not discard the others. */
export function parseGeneralSettings(raw: Record<string, unknown>): { settings: GeneralSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const defaults = GeneralSettingsSchema.parse({});
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(GeneralSettingsSchema.shape)) {
    const value = raw[key];
    if (value === undefined) continue;
    const r = (schema as z.ZodType).safeParse(value);
    if (r.success) out[key] = r.data;
    else problems.push({ setting: `slurm.${key}`, message: `${r.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)}); using ${JSON.stringify((defaults as Record<string, unknown>)[key])}` });
  }
  return { settings: { ...defaults, ...out } as GeneralSettings, problems };
}

/** Every key of the schema, for reading them from VS Code's configuration (listed, not read off it: that would build the schema when the module loads). */
export const GENERAL_SETTING_KEYS: readonly (keyof GeneralSettings)[] = [
  'pollIntervalSeconds', 'commandTimeoutSeconds', 'jobs.groupBy', 'jobs.sortBy', 'jobs.historyDays', 'notifications.on', 'notifications.webhookUrl',
];

export function pollerTiming(settings: GeneralSettings, profileIntervalSeconds?: number): PollerTiming {
  return { ...DEFAULT_TIMING, intervalMs: Math.round((profileIntervalSeconds ?? settings.pollIntervalSeconds) * 1000) };
}

/** A setting's explicit values per level, as VS Code's `inspect()` reports them. */
export interface SettingLevels {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}
export type SettingLevel = keyof SettingLevels;

export interface SettingMove {
  level: SettingLevel;
  /** The value to write to the new setting at this level; undefined: the new one is set there already. */
  value?: boolean;
}

/**
 * `slurm.logs.followAfterSubmit` (deprecated, never read) and `slurm.submit.followLog` said the same
 * thing. An explicit boolean of the old one is honoured once: copied to the new one at the same level
 * unless the new one is set there, after which the caller removes the old one (so it happens once).
 */
export function followAfterSubmitMigration(old: SettingLevels, current: SettingLevels): SettingMove[] {
  const moves: SettingMove[] = [];
  for (const level of ['globalValue', 'workspaceValue', 'workspaceFolderValue'] as const) {
    const value = old[level];
    if (value === undefined) continue;
    moves.push(typeof value === 'boolean' && current[level] === undefined ? { level, value } : { level });
  }
  return moves;
}
