/**
 * The poller's cadence for one cluster session: the defaults, with the interval from the profile or
 * else the general setting. It lives with the session (which owns the poller) so that config/ stays
 * below poller/ in the import floors (ARCHITECTURE.md). VS Code-free.
 */
import type { Settings } from '../config/settings';
import { DEFAULT_TIMING, type PollerTiming } from '../poller/poller';

export function pollerTiming(settings: Pick<Settings, 'pollIntervalSeconds'>, profileIntervalSeconds?: number): PollerTiming {
  return { ...DEFAULT_TIMING, intervalMs: Math.round((profileIntervalSeconds ?? settings.pollIntervalSeconds) * 1000) };
}
