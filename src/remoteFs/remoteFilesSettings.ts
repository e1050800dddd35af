/**
 * `slurm.remoteFiles.*`, validated by zod; a bad value falls back to its default and is reported.
 * The schema is built on first use, not when the module loads (activation stays cheap).
 */
import { z } from 'zod';

let schema: ReturnType<typeof build> | undefined;
function build() {
  return z.object({
    /** Files bigger than this are not opened from the cluster (the whole file is transferred to open it). */
    maxFileSizeMB: z.number().min(1).max(2048).default(50),
    /** How often a watched remote file or folder is stat'ed while VS Code watches it. */
    watchIntervalSeconds: z.number().min(2).max(3600).default(10),
  });
}

export type RemoteFilesSettings = z.infer<ReturnType<typeof build>>;
export const REMOTE_FILES_SETTING_KEYS: readonly (keyof RemoteFilesSettings)[] = ['maxFileSizeMB', 'watchIntervalSeconds'];

export function parseRemoteFilesSettings(raw: Partial<Record<keyof RemoteFilesSettings, unknown>>): { settings: RemoteFilesSettings; problems: string[] } {
  schema ??= build();
  const problems: string[] = [];
  const clean: Record<string, unknown> = {};
  for (const key of REMOTE_FILES_SETTING_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    const one = schema.shape[key].safeParse(value);
    if (one.success) clean[key] = value;
    else problems.push(`slurm.remoteFiles.${key}: ${one.error.issues[0]?.message ?? 'invalid value'}; using the default.`);
  }
  return { settings: schema.parse(clean), problems };
}
