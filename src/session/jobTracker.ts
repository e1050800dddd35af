/**
 * The state behind the Jobs view for one cluster, and the poll cycle that feeds it:
 *
 *   every cycle   ONE squeue (the user's active jobs);
 *   if any left   ONE sacct for exactly the ids that left the queue since the last cycle (and those
 *                 still unconfirmed): their final state and exit code come from accounting, never
 *                 guessed from disappearance;
 *   history       ONE sacct over the last N days, only on the first poll, on manual refresh and
 *                 every `historyEveryMs` — not every cycle.
 *
 * Without accounting (sacct: "Slurm accounting storage is disabled", common on small clusters) the
 * first sacct says so, sacct is never asked again on this tracker (nor on its connection, see
 * slurm/accounting.ts), one notice is raised, and slurmctld is asked instead: ONE
 * `squeue --states=all --jobs=...` for the ids that left the queue, and in place of the history
 * window ONE `squeue --states=all` of the user's jobs. slurmctld knows finished jobs with their
 * final state and exit code for MinJobAge (5 minutes by default).
 *
 * It emits typed events computed by diffing snapshots. VS Code-free; the transport is the only I/O.
 */
import { formatDuration, formatExitCode, resolveLogPaths, runCall, sacctCall, sacctWindowCall, squeueCall, type AccountingJob, type ClusterContext, type Job, type JobId, type SlurmCall, accountingAnswer, runAccountingCall, type AccountingAnswer } from '../slurm';
import { SqueueListingCache } from '../slurm/squeueListing';
import type { SnapshotDiff } from '../poller/diff';
import type { RefreshReason } from '../poller/poller';
import type { Transport } from '../transport/types';
import { sameJobRow, type JobRow } from './jobRow';
import { isRefusedSubmission } from './refusedSubmission';

export type JobEvent =
  | { kind: 'added'; job: JobRow }
  | { kind: 'stateChanged'; job: JobRow; before: JobRow }
  | { kind: 'finished'; job: JobRow; before?: JobRow };

export interface TrackerOptions {
  historyDays: number;
  /** How often the history window is re-read besides first/manual polls. */
  historyEveryMs: number;
  /** Give up confirming a job after this many cycles (sacct lags a second or two, not minutes). */
  maxConfirmAttempts: number;
  /** Most finished jobs kept in the view. */
  maxFinished: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  historyDays: 2,
  historyEveryMs: 10 * 60_000,
  maxConfirmAttempts: 20,
  maxFinished: 500,
};

export interface TrackerPoll {
  /** Active jobs (squeue order) followed by recently finished ones (newest first). */
  jobs: JobRow[];
  events: JobEvent[];
  /** The remote calls this cycle made, for tests and logs. */
  calls: string[];
  /** Facts about the cluster the user should hear of, each raised once per tracker (e.g. no accounting). */
  notices: string[];
  /**
   * The jobs to show (`jobs` without refused submissions, see refusedSubmission.ts) against those of
   * the previous successful poll, by id, compared with sameJobRow: the poll's one diff. `added` and
   * `changed` are in no particular order.
   */
  diff: SnapshotDiff<JobRow>;
}

export interface CallRunner {
  context(): Promise<ClusterContext>;
  run<T>(call: SlurmCall<T>): Promise<T>;
  /**
   * Runs an accounting call (sacct); "accounting is disabled" is an answer, remembered per
   * connection. Without it the tracker runs the call with `run` and reads that answer itself.
   */
  accounting?<T>(call: SlurmCall<T>): Promise<AccountingAnswer<T>>;
}

export function transportRunner(transport: Transport, ctx: () => Promise<ClusterContext>, opts: { signal?: AbortSignal; timeoutMs?: number }): CallRunner {
  return { context: ctx, run: (call) => runCall(transport, call, opts), accounting: (call) => runAccountingCall(transport, call, opts) };
}

/** A job's end as one source reports it: its id, and its row (keeping what was known while queued). */
interface FinalRecord {
  id: JobId;
  row(whileQueued?: JobRow): JobRow;
}

export class JobTracker {
  private active = new Map<string, JobRow>();
  /** The active queue's records and their rows, reused while a record prints unchanged. */
  private readonly queue = new SqueueListingCache(rowFromSqueue);
  /** Shown jobs as of the last successful poll (what `diff` is against), by id. */
  private shown = new Map<string, JobRow>();
  /** Rows after the queue in the last successful poll (left the queue, finished), by id. */
  private shownBeyondQueue = new Map<string, JobRow>();
  /** Ids whose queue record changed, appeared or went since the last successful poll. */
  private changedIds = new Set<string>();
  private finished = new Map<string, JobRow>();
  /** Ids that left the queue and await a final record: id -> (last active row, attempts). */
  private unconfirmed = new Map<string, { row: JobRow; attempts: number }>();
  /**
   * Arrays whose pending remainder ("12_[3-9%2]") shrank or vanished: tasks left it, and some may
   * have started AND finished between two polls, never showing as a task. We ask sacct for the whole
   * array (by its id) for a few cycles to learn those tasks' ends. id -> cycles left.
   */
  private arraysToAsk = new Map<string, { row: JobRow; cycles: number }>();
  private lastHistoryAt = Number.NEGATIVE_INFINITY;
  private first = true;
  /** Set once sacct said this cluster has no accounting: sacct is not asked again. */
  private noAccounting: string | undefined;

  constructor(
    private readonly options: TrackerOptions = DEFAULT_TRACKER_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A job we know exists (e.g. just submitted from VS Code) even if it finishes before any poll sees
   * it in the queue: unless the queue shows it, accounting is asked for it by id.
   */
  expectJob(row: Pick<JobRow, 'id' | 'name'>): void {
    if (this.active.has(row.id) || this.finished.has(row.id)) return;
    this.unconfirmed.set(row.id, { row: { actionId: row.id, state: 'PENDING', source: 'squeue', ...row }, attempts: 0 });
  }

  /** Finished jobs remembered from earlier sessions (they show until accounting says otherwise). */
  seedFinished(rows: readonly JobRow[]): void {
    for (const row of rows) if (!this.finished.has(row.id)) this.finished.set(row.id, row);
    this.trimFinished();
  }

  setOptions(options: Partial<TrackerOptions>): void {
    Object.assign(this.options, options);
  }

  /** The notice when sacct said this cluster has no accounting (finished jobs then come from slurmctld). */
  get accountingNotice(): string | undefined {
    return this.noAccounting;
  }

  async poll(runner: CallRunner, reason: RefreshReason): Promise<TrackerPoll> {
    const calls: string[] = [];
    const events: JobEvent[] = [];
    const notices: string[] = [];
    /** sacct, unless the cluster said it has no accounting; undefined then (and the notice is raised once). */
    const ask = async <T>(call: SlurmCall<T>): Promise<T | undefined> => {
      if (this.noAccounting !== undefined) return undefined;
      calls.push('sacct');
      const answer = runner.accounting ? await runner.accounting(call) : await accountingAnswer(() => runner.run(call));
      if (answer.available) return answer.value;
      this.noAccounting = answer.notice;
      notices.push(answer.notice);
      return undefined;
    };
    const ctx = await runner.context();

    calls.push('squeue');
    // Records printed as in the last poll keep their row (same object): only the others are parsed,
    // looked up and diffed (slurm/squeueListing.ts).
    const listing = await runner.run(this.queue.call(ctx));
    const queue = listing.rows;
    const freshIds = new Set<string>();
    for (const row of listing.fresh) {
      const id = row.id;
      freshIds.add(id);
      this.changedIds.add(id);
      const before = this.active.get(id) ?? this.unconfirmed.get(id)?.row;
      this.unconfirmed.delete(id); // requeued: back in the queue
      if (!before) {
        if (!this.first) events.push({ kind: 'added', job: row });
      } else if (before.state !== row.state) {
        events.push({ kind: 'stateChanged', job: row, before });
      }
    }
    for (const row of listing.gone) {
      const id = row.id;
      this.changedIds.add(id);
      if (freshIds.has(id)) continue;
      this.active.delete(id);
      if (isConcreteId(id)) this.unconfirmed.set(id, { row, attempts: 0 });
      // A pending array remainder never "finishes" itself: it shrinks as tasks start.
      else if (row.arrayJobId) this.arraysToAsk.set(row.arrayJobId, { row, cycles: 3 });
    }
    for (const row of listing.fresh) this.active.set(row.id, row);

    const wantHistory = this.first || reason === 'manual' || this.now() - this.lastHistoryAt >= this.options.historyEveryMs;
    const records: AccountingJob[] = [];
    const finals: FinalRecord[] = [];
    const fromController = (jobs: readonly Job[]) => {
      for (const job of jobs) if (job.state.phase === 'finished') finals.push({ id: job.id, row: (q) => rowFromController(job, q) });
    };
    if (wantHistory) {
      const window = await ask(sacctWindowCall(ctx, this.options.historyDays));
      if (window) records.push(...window);
      else {
        // No accounting: the user's jobs slurmctld still remembers (MinJobAge) stand in for the window.
        calls.push('squeue');
        fromController(await runner.run(squeueCall(ctx, { includeFinished: true, expandArrays: true })));
      }
      this.lastHistoryAt = this.now();
    }
    // Ids the window did not answer for (e.g. held jobs cancelled before starting) are asked by id.
    const answered = new Set([...records.map((r) => r.id.text), ...finals.map((f) => f.id.text)]);
    const toAsk = [...this.unconfirmed.keys()].filter((id) => !answered.has(id));
    for (const arrayId of this.arraysToAsk.keys()) if (!toAsk.includes(arrayId)) toAsk.push(arrayId);
    if (toAsk.length > 0) {
      const accounted = await ask(sacctCall(ctx, toAsk));
      if (accounted) records.push(...accounted);
      else {
        // No accounting: slurmctld still knows jobs that ended less than MinJobAge ago. --array
        // lists an array's tasks one by one, as sacct does when asked for the array's id.
        calls.push('squeue');
        fromController(await runner.run(squeueCall(ctx, { jobIds: toAsk, includeFinished: true, expandArrays: true })));
      }
    }
    for (const rec of records) if (isFinalRecord(rec)) finals.push({ id: rec.id, row: (q) => rowFromSacct(rec, q) });

    for (const rec of finals) {
      const id = rec.id.text;
      if (this.active.has(id)) continue;
      const pending = this.unconfirmed.get(id);
      const known = this.finished.get(id);
      const viaArray = rec.id.kind === 'arrayTask' && !known ? this.arraysToAsk.get(String(rec.id.arrayJobId)) : undefined;
      this.unconfirmed.delete(id);
      const row = rec.row(pending?.row ?? known);
      if (pending || viaArray) events.push({ kind: 'finished', job: row, before: pending?.row ?? viaArray?.row });
      if (!known || !sameJobRow(known, row)) this.finished.set(id, row);
    }
    for (const [id, entry] of this.unconfirmed) {
      if (++entry.attempts >= this.options.maxConfirmAttempts) this.unconfirmed.delete(id);
    }
    for (const [id, entry] of this.arraysToAsk) {
      // Keep asking while the remainder is still shrinking; stop a few cycles after it settles.
      if (--entry.cycles <= 0) this.arraysToAsk.delete(id);
    }
    this.trimFinished();
    this.first = false;

    const waitingFor = this.noAccounting === undefined ? 'waiting for accounting' : 'asking slurmctld for its end';
    const unconfirmedRows = [...this.unconfirmed.values()].map((u) => ({ ...u.row, state: u.row.state === 'PENDING' ? u.row.state : 'COMPLETING', reason: `left the queue; ${waitingFor}` }));
    const finishedRows = [...this.finished.values()].sort((a, b) => (b.endTime ?? 0) - (a.endTime ?? 0));
    const diff = this.diffShown([...unconfirmedRows, ...finishedRows]);
    return { jobs: [...queue, ...unconfirmedRows, ...finishedRows], events, calls, notices, diff };
  }

  /**
   * The diff of the shown jobs by id (a later row wins over an earlier one with the same id, as in
   * a map built in list order), computed only over ids that can have changed: queue records that
   * changed since the last successful poll, and the few rows beyond the queue, then and now. Every
   * other id shows the very row it showed before.
   */
  private diffShown(beyondQueue: readonly JobRow[]): SnapshotDiff<JobRow> {
    const beyond = new Map<string, JobRow>();
    for (const row of beyondQueue) beyond.set(row.id, row);
    const ids = this.changedIds;
    for (const id of this.shownBeyondQueue.keys()) ids.add(id);
    for (const id of beyond.keys()) ids.add(id);
    const diff: SnapshotDiff<JobRow> = { added: [], changed: [], removed: [], unchanged: 0 };
    for (const id of ids) {
      const candidate = beyond.get(id) ?? this.active.get(id);
      const now = candidate === undefined || isRefusedSubmission(candidate) ? undefined : candidate;
      const before = this.shown.get(id);
      if (now === undefined) {
        if (before !== undefined) {
          diff.removed.push(before);
          this.shown.delete(id);
        }
        continue;
      }
      if (before === undefined) diff.added.push(now);
      else if (before !== now && !sameJobRow(before, now)) diff.changed.push({ before, after: now });
      this.shown.set(id, now);
    }
    diff.unchanged = this.shown.size - diff.added.length - diff.changed.length;
    this.shownBeyondQueue = beyond;
    this.changedIds = new Set();
    return diff;
  }

  private trimFinished(): void {
    const horizon = this.now() - this.options.historyDays * 24 * 3600_000;
    const rows = [...this.finished.values()].sort((a, b) => (b.endTime ?? 0) - (a.endTime ?? 0));
    for (const [i, row] of rows.entries()) {
      if (i >= this.options.maxFinished || (row.endTime !== undefined && row.endTime < horizon)) this.finished.delete(row.id);
    }
  }
}

function isConcreteId(id: string): boolean {
  return !id.includes('[');
}

/** sacct shows a partial record (name "allocation", no work dir) for a moment after a job ends. */
function isFinalRecord(rec: AccountingJob): boolean {
  return rec.state.phase === 'finished' && rec.workDir !== undefined;
}

const ms = (d: Date | undefined): number | undefined => (d ? d.getTime() : undefined);

export function rowFromSqueue(job: Job): JobRow {
  const paths = resolveLogPaths(job);
  const pending = job.state.phase === 'pending';
  return {
    id: job.id.text,
    actionId: job.id.text,
    name: job.name,
    state: job.state.name,
    reason: job.reason,
    partition: job.partition || undefined,
    elapsed: pending ? undefined : formatDuration(job.timeUsed),
    timeLimit: formatDuration(job.timeLimit),
    nodes: job.nodeList,
    exitCode: job.exitCode ? formatExitCode(job.exitCode) : undefined,
    workDir: job.workDir,
    stdoutPath: paths.unresolvedTask ? undefined : paths.stdout,
    stderrPath: paths.unresolvedTask ? undefined : paths.stderr,
    arrayJobId: job.arrayJobId !== undefined ? String(job.arrayJobId) : undefined,
    submitTime: ms(job.submitTime),
    startTime: pending ? undefined : ms(job.startTime),
    endTime: undefined,
    gpus: job.gpus,
    dependency: job.dependency,
    source: 'squeue',
  };
}

/**
 * A finished job as slurmctld reports it (squeue --states=all, within MinJobAge): the final state,
 * exit code, elapsed and end time, on clusters without accounting. Log paths are the ones resolved
 * while it was queued when known (the same squeue fields resolve them otherwise).
 */
export function rowFromController(job: Job, whileQueued?: JobRow): JobRow {
  const row = rowFromSqueue(job);
  return {
    ...row,
    stdoutPath: whileQueued?.stdoutPath ?? row.stdoutPath,
    stderrPath: whileQueued?.stderrPath ?? row.stderrPath,
    elapsed: formatDuration(job.timeUsed),
    startTime: ms(job.startTime),
    endTime: ms(job.endTime),
  };
}

/**
 * sacct (22.05) does not report log paths: keep the ones squeue resolved while the job was queued,
 * else assume Slurm's default name in the work dir (a job submitted with -o elsewhere then shows a
 * "file not found" with the path we tried, never a silently empty log).
 */
export function rowFromSacct(rec: AccountingJob, whileQueued?: JobRow): JobRow {
  const arrayJobId = rec.id.kind === 'arrayTask' ? String(rec.id.arrayJobId) : undefined;
  const guessed = rec.workDir
    ? resolveLogPaths({ rawJobId: rec.rawJobId, arrayJobId: rec.id.kind === 'arrayTask' ? rec.id.arrayJobId : undefined, arrayTaskId: rec.id.kind === 'arrayTask' ? rec.id.taskId : undefined, name: rec.name, user: rec.user ?? '', workDir: rec.workDir })
    : undefined;
  return {
    stdoutPath: whileQueued?.stdoutPath ?? guessed?.stdout,
    stderrPath: whileQueued?.stderrPath ?? guessed?.stderr,
    id: rec.id.text,
    actionId: rec.id.text,
    name: rec.name,
    state: rec.state.name,
    reason: rec.reason,
    partition: rec.partition,
    elapsed: formatDuration(rec.elapsed),
    timeLimit: formatDuration(rec.timeLimit),
    nodes: rec.nodeList,
    exitCode: rec.exitCode ? formatExitCode(rec.exitCode) : undefined,
    workDir: rec.workDir,
    arrayJobId,
    submitTime: ms(rec.submitTime),
    startTime: ms(rec.startTime),
    endTime: ms(rec.endTime),
    gpus: rec.gpus,
    source: 'sacct',
  };
}
