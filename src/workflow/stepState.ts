/**
 * A step's state from the rows the existing poll already has (no call of our own): the job's row,
 * or for an array step its tasks' rows summed up; and the plain-words line the Workflows view
 * shows for it. Pure; VS Code-free.
 */
import type { JobRow } from '../session/jobRow';
import { isFailedState } from './retryPlan';

export interface SeenState {
  state: string;
  reason?: string;
}

/** The step's state from the poll's rows, or undefined when no row is about its job. */
export function stepStateFromRows(jobId: number, rows: readonly JobRow[]): SeenState | undefined {
  const id = String(jobId);
  const mine = rows.filter((r) => r.actionId === id || r.id === id || r.arrayJobId === id);
  if (mine.length === 0) return undefined;
  if (mine.length === 1) return { state: mine[0].state, ...(mine[0].reason ? { reason: mine[0].reason } : {}) };
  // An array: any task running or waiting keeps it going; then any failure fails it; else all completed.
  const going = mine.find((r) => !['COMPLETED'].includes(r.state) && !isFailedState(r.state));
  if (going) return { state: going.state, ...(going.reason ? { reason: going.reason } : {}) };
  const failed = mine.find((r) => isFailedState(r.state));
  return failed ? { state: failed.state } : { state: 'COMPLETED' };
}

/** What the view says about a step, in plain words. */
export function describeStepState(seen: SeenState | undefined): string {
  if (!seen) return 'not seen by the poll yet';
  if (seen.state === 'PENDING' && seen.reason === 'DependencyNeverSatisfied') return 'PENDING: will never start, a step it needs failed (Retry Failed replaces it)';
  if (seen.state === 'PENDING' && seen.reason === 'Dependency') return 'PENDING: waiting for the steps it needs';
  // Only a waiting job's reason says something: a finished row may still carry the last one it had (JobHeldUser).
  return seen.state === 'PENDING' && seen.reason && seen.reason !== 'None' ? `${seen.state} (${seen.reason})` : seen.state;
}

/** One line for a run: "3 completed, 1 failed, 1 waiting". */
export function summariseRun(states: readonly (SeenState | undefined)[]): string {
  const count = (pred: (s: SeenState | undefined) => boolean) => states.filter(pred).length;
  const parts: string[] = [];
  const done = count((s) => s?.state === 'COMPLETED');
  const failed = count((s) => isFailedState(s?.state));
  const never = count((s) => s?.reason === 'DependencyNeverSatisfied');
  const running = count((s) => s?.state === 'RUNNING' || s?.state === 'COMPLETING');
  const waiting = count((s) => s?.state === 'PENDING' && s.reason !== 'DependencyNeverSatisfied');
  if (done) parts.push(`${done} completed`);
  if (running) parts.push(`${running} running`);
  if (waiting) parts.push(`${waiting} waiting`);
  if (failed) parts.push(`${failed} failed`);
  if (never) parts.push(`${never} blocked`);
  return parts.join(', ') || 'submitted';
}

/** Each step's long state name from rows (fresh from Slurm or the poll's); undefined where no row is about its job. */
export function runStepStates(steps: readonly { name: string; jobId: number }[], rows: readonly JobRow[]): Map<string, string | undefined> {
  return new Map(steps.map((s) => [s.name, stepStateFromRows(s.jobId, rows)?.state]));
}
