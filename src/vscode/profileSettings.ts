/**
 * Reads `slurm.profiles` the one way: what VS Code applies, minus the workspace-level profiles an
 * untrusted workspace may not apply (config/profileTrust.ts), which the user hears about once.
 */
import * as vscode from 'vscode';
import { logger } from '../core/logger';
import { ignoredProfilesMessage } from '../config/profileTrust';

/** Read in configuration.ts, the one reader of settings; here for the features that import it from here. */
export { readProfilesSetting } from './configuration';

const announced = new Set<string>();

/** Says once per window which workspace profiles are ignored, with a way to trust the workspace. */
export function announceIgnoredProfiles(ignored: readonly string[]): void {
  const key = ignored.join('\n');
  if (ignored.length === 0 || announced.has(key)) return;
  announced.add(key);
  const message = ignoredProfilesMessage(ignored);
  logger.warn(message);
  void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then((a) => {
    if (a) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
