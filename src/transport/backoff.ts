/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), capped, for a
 * bounded number of attempts. Pure so it can be tested without clocks.
 */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Attempts after the drop before giving up (state `failed`); the next use starts over. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, maxAttempts: 6 };

/** Delay before reconnect attempt `attempt` (1-based). `random` is in [0, 1). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  if (attempt < 1) return 0;
  const exp = Math.min(policy.maxMs, policy.initialMs * policy.factor ** (attempt - 1));
  const half = exp / 2;
  return Math.round(half + random() * half);
}

/** Sleeps, waking early (and rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
