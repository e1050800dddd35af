/** Shows an action's failure: what failed, Slurm's own message verbatim, and the hint to fix it. */
import * as vscode from 'vscode';
import { UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';

export function showActionError(what: string, err: unknown): void {
  const message = `${what} failed: ${errorMessage(err)}`;
  logger.error(message);
  const hint = err instanceof UserFacingError ? err.hint : undefined;
  void vscode.window.showErrorMessage(message, { detail: hint }, 'Show Log').then((a) => {
    if (a) void vscode.commands.executeCommand('slurm.showLog');
  });
}
