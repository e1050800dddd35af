/**
 * Errors the user sees. Every one says what failed and what to do about it.
 * `hint` is the "how to fix it" part, kept apart so the UI can show it as a second line.
 */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UserFacingError';
  }
}

/** A remote (or local) command exceeded its time budget. */
export class CommandTimeoutError extends UserFacingError {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s.`, 'The cluster may be slow or unreachable; try again, or raise slurm.commandTimeoutSeconds.');
    this.name = 'CommandTimeoutError';
  }
}

export class CancelledError extends Error {
  constructor(what = 'Operation') {
    super(`${what} was cancelled.`);
    this.name = 'CancelledError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
