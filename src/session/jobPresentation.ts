/**
 * How a job state looks in the UI (codicon + theme colour id + context value), as plain data so it
 * is unit-testable; the view turns it into ThemeIcons.
 */
import { interactiveWords, isInteractiveJob } from './interactiveRow';
import { durationSeconds, parseDuration } from '../slurm/duration';
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

/** What the extension is doing about a job, beyond its Slurm state. */
export interface JobMarks {
  /** Its log streams into an output channel. */
  followed?: boolean;
  /** Start and end are notified. */
  watched?: boolean;
}

/**
 * contextValue encodes what actions make sense, so package.json menus can use regexes like
 * `viewItem =~ /cancellable/`: `job:<running|pending|finished>`, then `cancellable`, `held` or
 * `holdable`, `hasLogs`, `followed`, `watched`, `interactive` (a session of Start Interactive Session) — each flag only when it applies.
 */
export function jobContextValue(job: JobRow, marks: JobMarks = {}): string {
  const look = stateLook(job.state);
  const flags = [`job:${look.group}`];
  if (look.group !== 'finished') flags.push('cancellable');
  if (job.state === 'PENDING') flags.push(isHeld(job) ? 'held' : 'holdable');
  if (look.group === 'running' || look.group === 'finished') flags.push('hasLogs');
  if (marks.followed) flags.push('followed');
  if (marks.watched) flags.push('watched');
  if (isInteractiveJob(job)) flags.push('interactive');
  return flags.join(' ');
}

export function isHeld(job: JobRow): boolean {
  return job.reason === 'JobHeldUser' || job.reason === 'JobHeldAdmin';
}

/** Longest job name shown in a label (id, name and the state word fit the default sidebar width); the full name is in the tooltip and the accessibility label. */
export const LABEL_NAME_MAX = 14;

/** The item's label: id and (short) name, which the default sidebar width shows whole. */
export function jobLabel(job: Pick<JobRow, 'id' | 'name'>): string {
  const name = job.name.length > LABEL_NAME_MAX ? `${job.name.slice(0, LABEL_NAME_MAX - 1)}…` : job.name;
  return `${job.id} ${name}`;
}

const BAR_CELLS = 5;

function secondsOf(text: string): number | undefined {
  try {
    return durationSeconds(parseDuration(text));
  } catch {
    return undefined;
  }
}

/**
 * The time a running job has used against its limit, as five cells ("▰▰▱▱▱" at 40 %): seen at a
 * glance down the tree, where "1:02:03 / 2:00:00" has to be read. Undefined without a finite limit.
 * A partly used cell counts as used, so a job near its limit shows a full bar before it is killed.
 */
export function timeUsedBar(elapsed: string, timeLimit: string): string | undefined {
  const used = secondsOf(elapsed);
  const limit = secondsOf(timeLimit);
  if (used === undefined || limit === undefined || limit <= 0) return undefined;
  const filled = Math.min(BAR_CELLS, Math.ceil((used / limit) * BAR_CELLS - 1e-9));
  return '▰'.repeat(filled) + '▱'.repeat(BAR_CELLS - filled);
}

/**
 * Short description after the label: the state, then the one detail that matters for it (elapsed /
 * limit while running, why it waits while pending, the exit code of a failed job). Partition, nodes
 * and the rest are in the tooltip.
 */
export function jobDescription(job: JobRow): string {
  const parts: string[] = [job.state];
  const group = stateLook(job.state).group;
  // An interactive session shows the time it has left (its limit is what ends it when forgotten); its label already says "interactive".
  if (isInteractiveJob(job) && group !== 'finished') {
    const words = interactiveWords(job, group === 'running');
    if (words) parts.push(words);
    if (group === 'pending' && job.reason && job.reason !== 'None') parts.push(job.reason);
    return parts.join(' · ');
  }
  if (group === 'running') {
    if (job.elapsed) {
      const bar = job.timeLimit ? timeUsedBar(job.elapsed, job.timeLimit) : undefined;
      parts.push(job.timeLimit ? `${bar ? `${bar} ` : ''}${job.elapsed} / ${job.timeLimit}` : job.elapsed);
    }
  } else if (group === 'pending') {
    if (isHeld(job)) parts.push('held');
    else if (job.reason && job.reason !== 'None') parts.push(job.reason);
  } else if (job.exitCode && job.exitCode !== '0:0') {
    parts.push(`exit ${job.exitCode}`);
  }
  return parts.join(' · ');
}
