/**
 * Which job events become notifications, and their text. Finishes come only from `finished` events,
 * which the tracker emits once accounting confirmed the final state — never from a job vanishing.
 */
import type { JobEvent } from './jobTracker';
import { stateLook } from './jobPresentation';

export type NotifyMode = 'watched' | 'all' | 'off';

export interface JobNotification {
  cluster: string;
  jobId: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
  event: 'started' | 'finished';
  state: string;
  exitCode?: string;
}

const FAILURES = new Set(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED']);

export function notificationsFor(
  cluster: string,
  events: readonly JobEvent[],
  mode: NotifyMode,
  isWatched: (id: string) => boolean,
): JobNotification[] {
  if (mode === 'off') return [];
  const out: JobNotification[] = [];
  for (const e of events) {
    if (mode === 'watched' && !isWatched(e.job.id)) continue;
    const label = `Job ${e.job.id} "${e.job.name}" on ${cluster}`;
    if (e.kind === 'stateChanged' && stateLook(e.before.state).group === 'pending' && e.job.state === 'RUNNING') {
      out.push({ cluster, jobId: e.job.id, severity: 'info', event: 'started', state: e.job.state, message: `${label} started${e.job.nodes ? ` on ${e.job.nodes}` : ''}.` });
    } else if (e.kind === 'finished') {
      const s = e.job.state;
      const exit = e.job.exitCode && e.job.exitCode !== '0:0' ? ` (exit code ${e.job.exitCode})` : '';
      const severity = FAILURES.has(s) ? 'error' : s === 'CANCELLED' ? 'warning' : 'info';
      const verb =
        s === 'COMPLETED' ? 'completed' : s === 'TIMEOUT' ? 'hit its time limit' : s === 'OUT_OF_MEMORY' ? 'ran out of memory' : s === 'CANCELLED' ? 'was cancelled' : `ended ${s}`;
      out.push({ cluster, jobId: e.job.id, severity, event: 'finished', state: s, exitCode: e.job.exitCode, message: `${label} ${verb}${exit}.` });
    }
  }
  return out;
}

/** The JSON a webhook receives (Slack-style `text` plus structured fields). */
export function webhookPayload(n: JobNotification): Record<string, unknown> {
  return { text: `Slurm: ${n.message}`, cluster: n.cluster, jobId: n.jobId, event: n.event, state: n.state, exitCode: n.exitCode ?? null };
}
