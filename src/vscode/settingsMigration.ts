/** Applies followAfterSubmitMigration (config/settings.ts) at activation: old value → new setting, old one removed. */
import * as vscode from 'vscode';
import { followAfterSubmitMigration, type SettingLevel } from '../config/settings';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';

const TARGET: Record<SettingLevel, vscode.ConfigurationTarget> = {
  globalValue: vscode.ConfigurationTarget.Global,
  workspaceValue: vscode.ConfigurationTarget.Workspace,
  workspaceFolderValue: vscode.ConfigurationTarget.WorkspaceFolder,
};

export async function migrateFollowAfterSubmit(): Promise<void> {
  const config = vscode.workspace.getConfiguration('slurm');
  const old = config.inspect('logs.followAfterSubmit');
  const current = config.inspect('submit.followLog');
  if (!old || !current) return;
  for (const move of followAfterSubmitMigration(old, current)) {
    try {
      if (move.value !== undefined) await config.update('submit.followLog', move.value, TARGET[move.level]);
      await config.update('logs.followAfterSubmit', undefined, TARGET[move.level]);
      logger.info(`slurm.logs.followAfterSubmit (deprecated) ${move.value !== undefined ? `moved to slurm.submit.followLog = ${move.value}` : 'removed: slurm.submit.followLog is set'} (${move.level.replace('Value', '')} settings)`);
    } catch (err) {
      logger.warn(`Could not move slurm.logs.followAfterSubmit to slurm.submit.followLog: ${errorMessage(err)}`);
    }
  }
}
