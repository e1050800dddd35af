/** `slurm.resources.*` settings, validated; a bad value falls back to the default and is reported. */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { DEFAULT_TIMING, type PollerTiming } from '../poller/poller';

export const ResourcesSettingsSchema = lazySchema(() => z.object({
  /** Partitions and nodes change more slowly than jobs: a calmer default than the Jobs view's 15 s. */
  pollIntervalSeconds: z.number().min(5).max(3600).default(30),
}));
export type ResourcesSettings = z.infer<typeof ResourcesSettingsSchema>;

export function parseResourcesSettings(raw: { pollIntervalSeconds?: unknown }): { settings: ResourcesSettings; problems: string[] } {
  const defaults = ResourcesSettingsSchema.parse({});
  if (raw.pollIntervalSeconds === undefined) return { settings: defaults, problems: [] };
  const r = ResourcesSettingsSchema.shape.pollIntervalSeconds.safeParse(raw.pollIntervalSeconds);
  if (r.success) return { settings: { pollIntervalSeconds: r.data }, problems: [] };
  return { settings: defaults, problems: [`slurm.resources.pollIntervalSeconds: ${r.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(raw.pollIntervalSeconds)}); using ${defaults.pollIntervalSeconds}`] };
}

export function resourcesTiming(settings: ResourcesSettings): PollerTiming {
  return { ...DEFAULT_TIMING, intervalMs: settings.pollIntervalSeconds * 1000 };
}
