/**
 * `slurm.logs.*` settings, validated by zod; a bad value falls back to its default and is reported.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

export const LogSettingsSchema = lazySchema(() => z.object({
  /** Logs followed at once across all clusters. */
  maxFollowed: z.number().int().min(1).max(50).default(8),
  /** Both streams in one channel (stderr lines marked) or a second "(stderr)" channel. */
  stderr: z.enum(['interleave', 'separateChannel']).default('interleave'),
  /** A file bigger than this opens (and starts following) at its last `tailLines` lines. */
  bigFileKb: z.number().int().min(1).max(1024 * 1024).default(2048),
  tailLines: z.number().int().min(1).max(1_000_000).default(1000),
  /** Finished (no longer followed) jobs whose output channel stays open; older ones are closed. */
  maxFinishedChannels: z.number().int().min(0).max(50).default(5),
}));

export type LogSettings = z.infer<typeof LogSettingsSchema>;

/** Every key of the schema (listed, not read off it: that would build the schema when the module loads). */
export const LOG_SETTING_KEYS: readonly (keyof LogSettings)[] = ['maxFollowed', 'stderr', 'bigFileKb', 'tailLines', 'maxFinishedChannels'];

export function parseLogSettings(raw: Partial<Record<keyof LogSettings, unknown>>): { settings: LogSettings; problems: string[] } {
  const problems: string[] = [];
  const clean: Record<string, unknown> = {};
  for (const key of LOG_SETTING_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    const one = LogSettingsSchema.shape[key].safeParse(value);
    if (one.success) clean[key] = value;
    else problems.push(`slurm.logs.${key}: ${one.error.issues[0]?.message ?? 'invalid value'}; using the default.`);
  }
  return { settings: LogSettingsSchema.parse(clean), problems };
}
