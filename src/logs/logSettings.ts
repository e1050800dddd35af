/** `slurm.logs.*`: the log feature's view of the one settings schema (config/settings.ts). */
import { parseSection, type SettingsSection } from '../config/settings';

export type LogSettings = SettingsSection<'logs'>;

export function parseLogSettings(raw: Partial<Record<keyof LogSettings, unknown>>): { settings: LogSettings; problems: string[] } {
  return parseSection('logs', raw);
}
