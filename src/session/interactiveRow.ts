/**
 * How the Jobs view recognises an interactive session (src/interactive: the placeholder job named
 * `interactive`) and what it says about it: the time it has left. Here, on the session floor, so the
 * job presentation can use it; pure.
 */
import type { JobRow } from './jobRow';

/** The job name of every interactive session: what the Jobs view recognises. */
export const INTERACTIVE_JOB_NAME = 'interactive';

/** A job the Jobs view shows as an interactive session. */
export function isInteractiveJob(job: Pick<JobRow, 'name'>): boolean {
  return job.name === INTERACTIVE_JOB_NAME;
}

/** `1:02:03` for 3723 s, `2-01:00:00` past a day, `4:05` under an hour. */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}-${two(h)}:${two(m)}:${two(sec)}`;
  if (h > 0) return `${h}:${two(m)}:${two(sec)}`;
  return `${m}:${two(sec)}`;
}

/** Seconds printed by squeue as elapsed or limit (`M:SS`, `H:MM:SS`, `D-HH:MM:SS`); undefined otherwise. */
function squeueSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** What is left of a running session's limit, as of the last poll (`0:42:10`), or undefined when squeue did not say. */
export function timeLeft(job: Pick<JobRow, 'elapsed' | 'timeLimit'>): string | undefined {
  const limit = squeueSeconds(job.timeLimit);
  const used = squeueSeconds(job.elapsed);
  if (limit === undefined || used === undefined) return undefined;
  return formatSeconds(limit - used);
}

/**
 * The Jobs view's words for an interactive session, after its state: `42:10 left` while it runs,
 * `limit 1:00:00` while it waits. The label already says "interactive" (the job's name), and the
 * default sidebar width cuts a longer description (seen in the extension test's screenshot).
 */
export function interactiveWords(job: Pick<JobRow, 'state' | 'elapsed' | 'timeLimit'>, running: boolean): string | undefined {
  if (running) {
    const left = timeLeft(job);
    return left !== undefined ? `${left} left` : undefined;
  }
  return job.timeLimit ? `limit ${job.timeLimit}` : undefined;
}
