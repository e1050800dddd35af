import * as vscode from 'vscode';
import { UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';

/** Shows a failed log command as an error that says what failed and how to fix it. */
export function reportLogError(what: string, err: unknown): void {
  const hint = err instanceof UserFacingError && err.hint ? ` ${err.hint}` : '';
  logger.warn(`${what}: ${errorMessage(err)}`);
  void vscode.window.showErrorMessage(`${what}: ${errorMessage(err)}${hint}`);
}
