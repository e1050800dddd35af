/**
 * Where a followed job stands, learned from Slurm — never guessed from a silent log.
 *
 * One watcher per cluster asks about ALL followed jobs in one call per cycle: `squeue --states=all
 * --array --jobs=...` (knows pending/running jobs and finished ones for MinJobAge, with their exit
 * code), then `sacct` for the ids squeue no longer knows. A job neither knows is reported as
 * `undefined` (the follower decides how long to wait for it). On a cluster without accounting
 * sacct is asked once per connection (slurm/accounting.ts): squeue's answer is all there is.
 */
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { formatExitCode, runAccountingCall, runCall, sacctCall, squeueCall, type ClusterContext, type JobPhase } from '../slurm';
import type { Transport } from '../transport/types';

export interface JobStatus {
  /** As Slurm prints ids: 123, 123_4. */
  id: string;
  /** Base state, e.g. RUNNING, COMPLETED. */
  state: string;
  phase: JobPhase;
  reason?: string;
  /** "N:S" for finished jobs. */
  exitCode?: string;
  source: 'squeue' | 'sacct';
}

/** Statuses of the given ids; ids missing from the map are unknown to Slurm right now. */
export type JobStatusLookup = (ids: readonly string[], signal: AbortSignal) => Promise<Map<string, JobStatus>>;

export function slurmJobStatusLookup(
  transport: Transport,
  context: (signal: AbortSignal) => Promise<ClusterContext>,
  options: { timeoutMs?: number } = {},
): JobStatusLookup {
  return async (ids, signal) => {
    const ctx = await context(signal);
    const out = new Map<string, JobStatus>();
    const wanted = new Set(ids);
    try {
      const jobs = await runCall(transport, squeueCall(ctx, { jobIds: ids, includeFinished: true, expandArrays: true }), { signal, timeoutMs: options.timeoutMs });
      for (const job of jobs) {
        if (!wanted.has(job.id.text)) continue;
        out.set(job.id.text, {
          id: job.id.text,
          state: job.state.name,
          phase: job.state.phase,
          reason: job.reason,
          exitCode: job.state.phase === 'finished' && job.exitCode ? formatExitCode(job.exitCode) : undefined,
          source: 'squeue',
        });
      }
    } catch (err) {
      // squeue fails outright when the only id asked for has left slurmctld ("Invalid job id").
      if (!/Invalid job id/i.test(errorMessage(err))) throw err;
    }
    const missing = ids.filter((id) => !out.has(id));
    if (missing.length > 0) {
      const answer = await runAccountingCall(transport, sacctCall(ctx, missing), { signal, timeoutMs: options.timeoutMs });
      for (const job of answer.available ? answer.value : []) {
        if (!wanted.has(job.id.text) || out.has(job.id.text)) continue;
        out.set(job.id.text, {
          id: job.id.text,
          state: job.state.name,
          phase: job.state.phase,
          reason: job.reason,
          exitCode: job.exitCode ? formatExitCode(job.exitCode) : undefined,
          source: 'sacct',
        });
      }
    }
    return out;
  };
}

export type JobStatusListener = (status: JobStatus | undefined) => void;

/**
 * Polls the statuses of the watched jobs with ONE lookup per cycle: a self-rescheduling timeout,
 * one lookup in flight, nothing while nobody watches. A failed lookup is logged and retried with
 * exponential backoff (a busy or rate-limiting slurmctld; the follower keeps streaming meanwhile).
 */
/** After a new job is watched: the first check at once, then three more a quarter period apart (QUICK_CHECKS counts all four). */
const QUICK_CHECKS = 4;

export class JobStatusWatcher {
  private readonly listeners = new Map<string, Set<JobStatusListener>>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private disposed = false;
  private urgent = false;

  /**
   * Checks in a row that found every watched job pending. A pending job may wait for hours, so the
   * period doubles from `intervalMs` up to `pendingIntervalMs` — yet a job that starts within
   * seconds (an idle cluster) is still seen within seconds. The Jobs view's poll also calls
   * `pollSoon` when it sees a watched job change state.
   */
  private pendingChecks = 0;
  /**
   * Checks left at a quarter of `intervalMs` after a job was newly watched: a job just submitted to
   * an idle cluster starts within a second, and its first log line should not wait a whole period.
   */
  private quickChecks = 0;
  /** Lookups in a row that failed (a busy or rate-limiting slurmctld): the period doubles each time. */
  private failures = 0;

  constructor(
    private readonly lookup: JobStatusLookup,
    private readonly intervalMs = 2_000,
    /** Period while every watched job is pending (the Jobs view's own default period). */
    private readonly pendingIntervalMs = Math.max(intervalMs, 15_000),
  ) {}

  /** The wait before the next status check. */
  get currentIntervalMs(): number {
    if (this.failures > 0) return Math.min(Math.max(this.pendingIntervalMs, 60_000), this.intervalMs * 2 ** Math.min(this.failures, 20));
    if (this.quickChecks > 0) return Math.round(this.intervalMs / 4);
    if (this.pendingChecks === 0) return this.intervalMs;
    return Math.min(this.pendingIntervalMs, this.intervalMs * 2 ** Math.min(this.pendingChecks - 1, 20));
  }

  /** Ids being watched now. */
  get watchedIds(): string[] {
    return [...this.listeners.keys()];
  }

  watch(id: string, listener: JobStatusListener): { dispose(): void } {
    let set = this.listeners.get(id);
    if (!set) {
      this.listeners.set(id, (set = new Set()));
      this.quickChecks = QUICK_CHECKS;
    }
    set.add(listener);
    this.pollSoon();
    return {
      dispose: () => {
        set.delete(listener);
        if (set.size === 0) this.listeners.delete(id);
        if (this.listeners.size === 0) this.cancel();
      },
    };
  }

  /** Asks now (e.g. a log went quiet and we want to know whether the job ended). */
  pollSoon(): void {
    if (this.disposed) return;
    if (this.inFlight) {
      this.urgent = true;
      return;
    }
    // Backing off after failures: the scheduled check stays where it is.
    if (this.failures > 0 && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), 0);
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.cancel();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight?.abort();
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    const ids = [...this.listeners.keys()];
    if (ids.length === 0 || this.disposed) return;
    const controller = new AbortController();
    this.inFlight = controller;
    try {
      const statuses = await this.lookup(ids, controller.signal);
      if (controller.signal.aborted) return;
      this.failures = 0;
      const allPending = ids.every((id) => statuses.get(id)?.phase === 'pending');
      // Quick checks do not count towards the pending back-off: after them the period starts from `intervalMs`.
      if (allPending && this.quickChecks > 0) this.quickChecks--;
      else {
        this.pendingChecks = allPending ? this.pendingChecks + 1 : 0;
        if (!allPending) this.quickChecks = 0;
      }
      for (const id of ids) {
        for (const l of [...(this.listeners.get(id) ?? [])]) l(statuses.get(id));
      }
    } catch (err) {
      if (!controller.signal.aborted) {
        this.failures++;
        logger.warn(`job status check failed (${ids.length} job(s), ${this.failures} in a row; next in ${Math.round(this.currentIntervalMs / 1000)} s): ${errorMessage(err)}`);
      }
    } finally {
      if (this.inFlight === controller) this.inFlight = undefined;
      if (!this.disposed && this.listeners.size > 0) {
        // After a failure even an urgent request waits for the backed-off period: no retry storm.
        const delay = this.urgent && this.failures === 0 ? 0 : this.currentIntervalMs;
        this.urgent = false;
        this.timer = setTimeout(() => void this.poll(), delay);
      }
    }
  }
}
