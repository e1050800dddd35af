/**
 * The one way an action's failure reaches the user: what failed, the cause in its own words (Slurm's
 * message verbatim), and the hint that says how to fix it — in the notification itself, because a
 * notification does not show a message's `detail` — plus Show Log. A cancelled action is not an error.
 */
import * as vscode from 'vscode';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';

/** `what` names the action ("Cancelling job 12"); the message reads "Cancelling job 12 failed: …". */
export function showActionError(what: string, err: unknown): void {
  if (err instanceof CancelledError) {
    logger.info(`${what}: cancelled`);
    return;
  }
  const message = `${what} failed: ${errorMessage(err)}`;
  logger.error(message);
  const hint = err instanceof UserFacingError && err.hint ? ` — ${err.hint}` : '';
  void vscode.window.showErrorMessage(`${message}${hint}`, 'Show Log').then((a) => {
    if (a) void vscode.commands.executeCommand('slurm.showLog');
  });
}
