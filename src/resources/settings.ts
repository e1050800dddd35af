/** `slurm.resources.*`: the Resources view's view of the one settings schema (config/settings.ts). */
import { parseSection, type SettingsSection } from '../config/settings';
import { DEFAULT_TIMING, type PollerTiming } from '../poller/poller';

export type ResourcesSettings = SettingsSection<'resources'>;

export function parseResourcesSettings(raw: Partial<Record<keyof ResourcesSettings, unknown>>): { settings: ResourcesSettings; problems: string[] } {
  return parseSection('resources', raw);
}

export function resourcesTiming(settings: ResourcesSettings): PollerTiming {
  return { ...DEFAULT_TIMING, intervalMs: settings.pollIntervalSeconds * 1000 };
}
