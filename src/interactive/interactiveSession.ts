/**
 * The life of an interactive session, VS Code-free: submit the placeholder job, wait (through the
 * Jobs view's own poll, which the submit hurries) until it runs or the wait is cancelled, watch for
 * its end, end it. Waiting and watching read the cluster session's snapshots, so they cost no
 * squeue of their own; submit and end are one sbatch / scancel with the caller's timeout and signal.
 */
import { CancelledError, UserFacingError } from '../core/errors';
import type { Event, IDisposable } from '../core/disposable';
import { isTransientSlurmError } from '../slurm/errors';
import { runCall, type RunCallOptions } from '../slurm/call';
import { sbatchCall } from '../slurm/sbatch';
import { scancelCall } from '../slurm/scancel';
import type { ClusterSnapshot } from '../session/clusterSession';
import type { JobRow } from '../session/jobRow';
import { stateLook } from '../session/jobPresentation';
import { explainPending } from '../session/pendingReason';
import { jobPlaceCall } from '../terminal/jobShell';
import type { Transport } from '../transport/types';
import { interactiveSbatchOptions, type InteractiveAnswers } from './interactiveJob';

/** What the waiting and watching need of a ClusterSession (its snapshots). */
export interface JobSource {
  readonly snapshot: ClusterSnapshot;
  readonly onDidChange: Event<{ snapshot: ClusterSnapshot }>;
}

/** Submits the placeholder job; resolves with its id. */
export async function submitInteractiveJob(transport: Transport, answers: InteractiveAnswers, options: RunCallOptions = {}): Promise<string> {
  const r = await runCall(transport, sbatchCall(interactiveSbatchOptions(answers)), options);
  return String(r.jobId);
}

/**
 * Ends the session's allocation (scancel; the shell in it ends with it) and waits, up to `settleMs`,
 * until squeue no longer lists it: right after scancel it shows COMPLETING for a moment (seen:
 * under a second on 22.05) while its steps are killed. So the poll the caller then hurries shows
 * the session gone, not "completing".
 */
export async function endInteractiveJob(transport: Transport, jobId: string, options: RunCallOptions & { settleMs?: number } = {}): Promise<void> {
  // A busy controller times scancel out ("Socket timed out on send/recv", seen on the 24.11 bed under
  // load); cancelling twice is harmless, so that one is tried again (three times in all).
  for (let attempt = 1; ; attempt++) {
    try {
      await runCall(transport, scancelCall([jobId]), options);
      break;
    } catch (err) {
      if (attempt >= 3 || !isTransientSlurmError(err) || options.signal?.aborted) throw err;
      await new Promise((r) => setTimeout(r, 1_000 * attempt));
    }
  }
  const deadline = Date.now() + (options.settleMs ?? 10_000);
  while (Date.now() < deadline && !options.signal?.aborted) {
    const place = await runCall(transport, jobPlaceCall(jobId), options);
    if (!place || stateLook(place.state).group === 'finished') return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The wait in plain words, from the job's pending reason: "Waiting for a free node: It is next in line but …". */
export function waitingWords(row: Pick<JobRow, 'id' | 'state' | 'reason'> | undefined): string {
  if (!row) return 'Submitted; waiting for the queue to list it…';
  if (stateLook(row.state).group !== 'pending') return `${row.state}…`;
  const e = explainPending({ id: row.id, reason: row.reason });
  return `Waiting (${e.code || 'None'}): ${e.summary}`;
}

/** Where a watched job is, as far as a fresh snapshot tells: `waiting`, `running`, `ended` (with the state it ended in), or `unknown` (not listed yet, or the snapshot is stale). */
export type JobPhase = { kind: 'waiting'; row: JobRow } | { kind: 'running'; row: JobRow } | { kind: 'ended'; state: string } | { kind: 'unknown' };

/** `seen`: the job was listed in an earlier snapshot, so missing now means it left the queue. */
export function jobPhase(snapshot: ClusterSnapshot, jobId: string, seen: boolean): JobPhase {
  if (snapshot.error !== undefined || snapshot.stale || snapshot.loading) return { kind: 'unknown' };
  const row = snapshot.jobs.find((j) => j.id === jobId);
  if (!row) return seen ? { kind: 'ended', state: 'gone from the queue' } : { kind: 'unknown' };
  const group = stateLook(row.state).group;
  if (group === 'finished') return { kind: 'ended', state: row.state };
  // COMPLETING: its steps (the shell among them) are being killed. The tracker also shows a job that
  // left the queue as COMPLETING ("left the queue; …") until accounting confirms how it ended.
  if (row.state === 'COMPLETING') return { kind: 'ended', state: row.reason?.startsWith('left the queue') ? 'gone from the queue' : 'ending' };
  return group === 'running' ? { kind: 'running', row } : { kind: 'waiting', row };
}

/**
 * Resolves with the job's row once a snapshot shows it running. `onWaiting` hears each snapshot's
 * row (the pending reason moves). Rejects with UserFacingError if the job ends first, and with
 * CancelledError when `signal` aborts (the caller then ends the job).
 */
export function waitUntilRunning(source: JobSource, jobId: string, options: { signal?: AbortSignal; onWaiting?: (row: JobRow | undefined) => void } = {}): Promise<JobRow> {
  return new Promise<JobRow>((resolve, reject) => {
    let seen = false;
    const subs: IDisposable[] = [];
    const done = (fn: () => void) => {
      for (const sub of subs.splice(0)) sub.dispose();
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => done(() => reject(new CancelledError('Interactive session')));
    const look = (snapshot: ClusterSnapshot): boolean => {
      const phase = jobPhase(snapshot, jobId, seen);
      if (phase.kind === 'running') {
        done(() => resolve(phase.row));
        return true;
      }
      if (phase.kind === 'ended') {
        done(() => reject(new UserFacingError(`Interactive session job ${jobId} ended before it started (${phase.state}).`, 'The Jobs view shows its details; start a new session, perhaps with fewer resources or another partition.')));
        return true;
      }
      if (phase.kind === 'waiting') seen = true;
      options.onWaiting?.(phase.kind === 'waiting' ? phase.row : undefined);
      return false;
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (look(source.snapshot)) return;
    subs.push(source.onDidChange(({ snapshot }) => void look(snapshot)));
  });
}

/**
 * Calls `onEnded` once, when a fresh snapshot shows the (running) job finished or gone from the
 * queue: scancel, its time limit, a cancel from the tree. Dispose to stop watching.
 */
export function watchForEnd(source: JobSource, jobId: string, onEnded: (state: string) => void): IDisposable {
  let fired = false;
  const look = (snapshot: ClusterSnapshot) => {
    if (fired) return;
    const phase = jobPhase(snapshot, jobId, true);
    if (phase.kind !== 'ended') return;
    fired = true;
    sub.dispose();
    onEnded(phase.state);
  };
  const sub = source.onDidChange(({ snapshot }) => look(snapshot));
  look(source.snapshot);
  return { dispose: () => sub.dispose() };
}
