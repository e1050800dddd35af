/**
 * How a job state looks in the UI (codicon + theme colour id + context value), as plain data so it
 * is unit-testable; the view turns it into ThemeIcons.
 */
import type { JobRow } from './jobRow';

export type StateGroup = 'running' | 'pending' | 'finished';

export interface StateLook {
  icon: string;
  color?: string;
  group: StateGroup;
}

const LOOKS: Record<string, StateLook> = {
  RUNNING: { icon: 'sync~spin', color: 'charts.blue', group: 'running' },
  COMPLETING: { icon: 'loading~spin', color: 'charts.blue', group: 'running' },
  CONFIGURING: { icon: 'gear~spin', color: 'charts.blue', group: 'running' },
  SIGNALING: { icon: 'zap', color: 'charts.blue', group: 'running' },
  STAGE_OUT: { icon: 'cloud-upload', color: 'charts.blue', group: 'running' },
  SUSPENDED: { icon: 'debug-pause', color: 'charts.yellow', group: 'running' },
  STOPPED: { icon: 'debug-pause', color: 'charts.yellow', group: 'running' },
  RESIZING: { icon: 'arrow-both', color: 'charts.blue', group: 'running' },
  PENDING: { icon: 'clock', color: 'charts.yellow', group: 'pending' },
  REQUEUED: { icon: 'debug-restart', color: 'charts.yellow', group: 'pending' },
  REQUEUE_HOLD: { icon: 'debug-restart', color: 'charts.yellow', group: 'pending' },
  REQUEUE_FED: { icon: 'debug-restart', color: 'charts.yellow', group: 'pending' },
  RESV_DEL_HOLD: { icon: 'lock', color: 'charts.yellow', group: 'pending' },
  SPECIAL_EXIT: { icon: 'warning', color: 'charts.orange', group: 'pending' },
  COMPLETED: { icon: 'pass', color: 'testing.iconPassed', group: 'finished' },
  FAILED: { icon: 'error', color: 'testing.iconFailed', group: 'finished' },
  CANCELLED: { icon: 'circle-slash', color: 'disabledForeground', group: 'finished' },
  TIMEOUT: { icon: 'watch', color: 'testing.iconFailed', group: 'finished' },
  OUT_OF_MEMORY: { icon: 'flame', color: 'testing.iconFailed', group: 'finished' },
  NODE_FAIL: { icon: 'server', color: 'testing.iconFailed', group: 'finished' },
  BOOT_FAIL: { icon: 'server', color: 'testing.iconFailed', group: 'finished' },
  DEADLINE: { icon: 'watch', color: 'testing.iconFailed', group: 'finished' },
  PREEMPTED: { icon: 'debug-stop', color: 'charts.orange', group: 'finished' },
  REVOKED: { icon: 'debug-stop', color: 'charts.orange', group: 'finished' },
};

export function stateLook(state: string): StateLook {
  return LOOKS[state] ?? { icon: 'question', group: 'finished' };
}

/**
 * contextValue encodes what actions make sense, so package.json menus can use regexes like
 * `viewItem =~ /job:.*cancellable/`.
 */
export function jobContextValue(job: JobRow): string {
  const look = stateLook(job.state);
  const flags = [`job:${look.group}`];
  if (look.group !== 'finished') flags.push('cancellable');
  if (job.state === 'PENDING') flags.push(isHeld(job) ? 'held' : 'holdable');
  if (look.group === 'running' || look.group === 'finished') flags.push('hasLogs');
  return flags.join(' ');
}

export function isHeld(job: JobRow): boolean {
  return job.reason === 'JobHeldUser' || job.reason === 'JobHeldAdmin';
}

/** One-line description: partition · elapsed/limit · reason. */
export function jobDescription(job: JobRow): string {
  const parts: string[] = [];
  parts.push(job.state);
  if (job.partition) parts.push(job.partition);
  if (job.elapsed && job.timeLimit) parts.push(`${job.elapsed} / ${job.timeLimit}`);
  else if (job.timeLimit) parts.push(`limit ${job.timeLimit}`);
  if (job.state === 'PENDING' && job.reason && job.reason !== 'None') parts.push(job.reason);
  if (job.exitCode && stateLook(job.state).group === 'finished') parts.push(`exit ${job.exitCode}`);
  return parts.join(' · ');
}
