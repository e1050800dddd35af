import * as vscode from 'vscode';
import { logger } from './core/logger';

export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Slurm Workbench', { log: true });
  context.subscriptions.push(channel);
  logger.setSink({
    log(level, message) {
      channel[level](message);
    },
  });
  logger.info('Slurm Workbench activated');
}

export function deactivate(): void {
  logger.setSink(undefined);
}
