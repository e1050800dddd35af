/** `slurm.remoteFiles.*`: the remote files' view of the one settings schema (config/settings.ts). */
import { parseSection, type SettingsSection } from '../config/settings';

export type RemoteFilesSettings = SettingsSection<'remoteFiles'>;

export function parseRemoteFilesSettings(raw: Partial<Record<keyof RemoteFilesSettings, unknown>>): { settings: RemoteFilesSettings; problems: string[] } {
  return parseSection('remoteFiles', raw);
}
