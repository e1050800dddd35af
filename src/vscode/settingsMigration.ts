/** Applies followAfterSubmitMigration (config/settings.ts) at activation: old value → new setting, old one removed. */
import { followAfterSubmitMigration, type SettingLevel } from '../config/settings';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { Configuration, SettingScope } from './configuration';

const SCOPE: Record<SettingLevel, SettingScope> = {
  globalValue: 'global',
  workspaceValue: 'workspace',
  workspaceFolderValue: 'workspaceFolder',
};

export async function migrateFollowAfterSubmit(configuration: Configuration): Promise<void> {
  const old = configuration.inspect('logs.followAfterSubmit');
  const current = configuration.inspect('submit.followLog');
  for (const move of followAfterSubmitMigration(old, current)) {
    try {
      if (move.value !== undefined) await configuration.update('submit.followLog', move.value, SCOPE[move.level]);
      await configuration.update('logs.followAfterSubmit', undefined, SCOPE[move.level]);
      logger.info(`slurm.logs.followAfterSubmit (deprecated) ${move.value !== undefined ? `moved to slurm.submit.followLog = ${move.value}` : 'removed: slurm.submit.followLog is set'} (${move.level.replace('Value', '')} settings)`);
    } catch (err) {
      logger.warn(`Could not move slurm.logs.followAfterSubmit to slurm.submit.followLog: ${errorMessage(err)}`);
    }
  }
}
