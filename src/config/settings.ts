/**
 * The `slurm.*` settings (except profiles, see profile.ts), validated into one typed object.
 * Invalid values fall back to defaults and are reported, never thrown at the user mid-poll.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

/** Folder sync's default exclusions (gitignore-like globs), also package.json's default. */
export const DEFAULT_SYNC_EXCLUDE = ['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints', '.DS_Store', '*.pyc', '*.swp'];

/**
 * Every `slurm.*` setting but the profiles (profile.ts) and the deprecated ones (migrated, never
 * read: `logs.followAfterSubmit`, and `notifications.webhookUrl`, now in secret storage), keyed as in
 * package.json without the `slurm.` prefix. The one place their types, bounds and defaults live;
 * a unit test keeps it in step with package.json.
 */
export const SettingsSchema = lazySchema(() => z.object({
  pollIntervalSeconds: z.number().min(2).default(15),
  commandTimeoutSeconds: z.number().min(1).default(30),
  'jobs.groupBy': z.enum(['state', 'none']).default('state'),
  'jobs.sortBy': z.enum(['id', 'name', 'state', 'submitTime']).default('id'),
  'jobs.historyDays': z.number().min(0).max(60).default(2),
  'notifications.on': z.enum(['watched', 'all', 'off']).default('watched'),
  /** Partitions and nodes change more slowly than jobs: a calmer default than the Jobs view's 15 s. */
  'resources.pollIntervalSeconds': z.number().min(5).max(3600).default(30),
  /** Files bigger than this are not opened from the cluster (the whole file is transferred to open it). */
  'remoteFiles.maxFileSizeMB': z.number().min(1).max(2048).default(50),
  /** How often a watched remote file or folder is stat'ed while VS Code watches it. */
  'remoteFiles.watchIntervalSeconds': z.number().min(2).max(3600).default(10),
  /** Logs followed at once across all clusters. */
  'logs.maxFollowed': z.number().int().min(1).max(50).default(8),
  /** Both streams in one channel (stderr lines marked) or a second "(stderr)" channel. */
  'logs.stderr': z.enum(['interleave', 'separateChannel']).default('interleave'),
  /** A file bigger than this opens (and starts following) at its last `tailLines` lines. */
  'logs.bigFileKb': z.number().int().min(1).max(1024 * 1024).default(2048),
  'logs.tailLines': z.number().int().min(1).max(1_000_000).default(1000),
  /** Finished (no longer followed) jobs whose output channel stays open; older ones are closed. */
  'logs.maxFinishedChannels': z.number().int().min(0).max(50).default(5),
  'submit.unsavedChanges': z.enum(['submitBuffer', 'saveFirst']).default('submitBuffer'),
  'submit.followLog': z.boolean().default(true),
  /** off: only the rendered script is uploaded; scriptFolder / workspaceFolder: that folder is mirrored first. */
  'submit.syncFolder': z.enum(['off', 'scriptFolder', 'workspaceFolder']).default('off'),
  /** Globs (gitignore-like): without "/" they match a file or folder name anywhere, with "/" the path from the synced folder. */
  'submit.syncExclude': z.array(z.string().min(1)).default(DEFAULT_SYNC_EXCLUDE),
  /** Files above this size are skipped (and named): big data belongs on the cluster already. */
  'submit.syncMaxFileMb': z.number().positive().max(100_000).default(50),
  /** The user's header templates (absolute, ~/…, or relative to the first workspace folder); '' = none. */
  'templates.folder': z.string().default(''),
  /** An interactive session's time limit until the user picks another (finite: it ends a forgotten session). */
  'interactive.defaultTimeLimit': z.string().trim().regex(/^(?:\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+)$/, 'a finite Slurm time limit such as 60, 1:00:00 or 1-00:00:00').default('1:00:00'),
  /** Which files are workflows (CodeLens, diagnostics, menus): a glob over the workspace-relative path (workflow/filePattern.ts). */
  'workflows.filePattern': z.string().trim().min(1).default('**/*.slurm.{yaml,yml}'),
}));
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;

/** Every key of the schema, to read them from VS Code's configuration (listed, not read off it: that would build the schema when the module loads). */
export const SETTING_KEYS: readonly SettingKey[] = [
  'pollIntervalSeconds', 'commandTimeoutSeconds', 'jobs.groupBy', 'jobs.sortBy', 'jobs.historyDays', 'notifications.on',
  'resources.pollIntervalSeconds', 'remoteFiles.maxFileSizeMB', 'remoteFiles.watchIntervalSeconds',
  'logs.maxFollowed', 'logs.stderr', 'logs.bigFileKb', 'logs.tailLines', 'logs.maxFinishedChannels',
  'submit.unsavedChanges', 'submit.followLog', 'submit.syncFolder', 'submit.syncExclude', 'submit.syncMaxFileMb', 'templates.folder',
  'interactive.defaultTimeLimit', 'workflows.filePattern',
];

export interface SettingsProblem {
  setting: string;
  message: string;
}

/**
 * Validates each key on its own, so one bad value falls back to its default (and is reported)
 * without discarding the others. Keys not given (undefined or null) take their defaults.
 */
export function parseSettings(raw: Partial<Record<SettingKey, unknown>>): { settings: Settings; problems: SettingsProblem[] } {
  const schema = SettingsSchema;
  const defaults = schema.parse({});
  const out: Record<string, unknown> = { ...defaults };
  const problems: SettingsProblem[] = [];
  for (const key of SETTING_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null) continue;
    const r = (schema.shape[key] as z.ZodType).safeParse(value);
    if (r.success) out[key] = r.data;
    else problems.push({ setting: `slurm.${key}`, message: `${r.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(value)}); using ${JSON.stringify(defaults[key])}` });
  }
  return { settings: out as Settings, problems };
}

/** The settings a feature reads, without their section prefix: `SettingsSection<'logs'>` has `maxFollowed`, … */
export type SectionName = 'jobs' | 'notifications' | 'resources' | 'remoteFiles' | 'logs' | 'submit' | 'templates';
export type SettingsSection<P extends SectionName> = {
  [K in SettingKey as K extends `${P}.${infer R}` ? R : never]: Settings[K];
};

export function sectionOf<P extends SectionName>(settings: Settings, prefix: P): SettingsSection<P> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = settings[key];
  return out as SettingsSection<P>;
}

/** One section parsed from its own keys (`{ maxFollowed: 0 }` for 'logs'); problems as one line each. */
export function parseSection<P extends SectionName>(prefix: P, raw: Record<string, unknown>): { settings: SettingsSection<P>; problems: string[] } {
  const prefixed = Object.fromEntries(Object.entries(raw).map(([k, v]) => [`${prefix}.${k}`, v]));
  const { settings, problems } = parseSettings(prefixed);
  return { settings: sectionOf(settings, prefix), problems: problems.map(describeProblem) };
}

export function describeProblem(p: SettingsProblem): string {
  return `${p.setting}: ${p.message}`;
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
