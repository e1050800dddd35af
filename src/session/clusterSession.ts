/**
 * One connected cluster: owns its transport and its poller, and the last known job list.
 * State that the poller, user actions and the views all touch has this one owner; everyone else
 * reads `snapshot` and listens to `onDidChange`. VS Code-free.
 */
import { Disposable, Emitter } from '../core/disposable';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { isRateLimited, isTransientSlurmError } from '../slurm';
import { isEmptyDiff, type SnapshotDiff } from '../poller/diff';
import { Poller, type PollerTiming, type RefreshReason } from '../poller/poller';
import type { ConnectionState, Transport } from '../transport/types';
import type { JobRow } from './jobRow';
import { DEFAULT_TRACKER_OPTIONS, JobTracker, transportRunner, type JobEvent, type TrackerOptions, type TrackerPoll } from './jobTracker';
import { JobFreshness, type AwaitedChange, type FreshnessTiming } from './freshness';
import { withoutRefusedSubmissions } from './refusedSubmission';
import { clusterContext } from './slurmJobLister';

export interface ClusterSnapshot {
  readonly profileName: string;
  readonly connection: ConnectionState;
  readonly jobs: readonly JobRow[];
  /** Set when the last poll failed; `jobs` then holds the last known (stale) list. */
  readonly error?: string;
  readonly stale: boolean;
  /** True until the first poll finished (successfully or not). */
  readonly loading: boolean;
  readonly lastUpdated?: number;
  /**
   * Facts about the cluster the user should know, each raised once per session and kept here
   * (e.g. "no Slurm accounting"): shown beside the jobs, never as an error.
   */
  readonly notices: readonly string[];
}

export interface ClusterChange {
  snapshot: ClusterSnapshot;
  diff?: SnapshotDiff<JobRow>;
}

export interface ClusterSessionOptions {
  timing: PollerTiming;
  commandTimeoutMs: number;
  tracker?: Partial<TrackerOptions>;
  /** Finished jobs remembered in extension storage, shown before the first poll answers. */
  seedFinished?: readonly JobRow[];
  /** How fast to poll while the user waits on a change they made (default: session/freshness.ts). */
  freshness?: FreshnessTiming;
}

export class ClusterSession extends Disposable {
  private readonly onDidChangeEmitter = this._register(new Emitter<ClusterChange>());
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidJobEventsEmitter = this._register(new Emitter<JobEvent[]>());
  /** Typed job events of each poll (added, state changed, finished — confirmed by sacct, or by slurmctld without accounting). */
  readonly onDidJobEvents = this.onDidJobEventsEmitter.event;
  private readonly onDidNoticeEmitter = this._register(new Emitter<string>());
  /** A new notice (see ClusterSnapshot.notices), fired once per notice per session. */
  readonly onDidNotice = this.onDidNoticeEmitter.event;
  private readonly poller: Poller<TrackerPoll>;
  private readonly tracker: JobTracker;
  private commandTimeoutMs: number;
  private timing: PollerTiming;
  private readonly freshness: JobFreshness;
  private current: ClusterSnapshot;
  /** The notices the last change event carried, so a new one makes `accept` fire a change. */
  private shownNotices: readonly string[] = [];

  constructor(
    readonly profileName: string,
    readonly transport: Transport,
    options: ClusterSessionOptions,
  ) {
    super();
    this._register(transport);
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.timing = options.timing;
    this.freshness = new JobFreshness(options.freshness);
    this.tracker = new JobTracker({ ...DEFAULT_TRACKER_OPTIONS, ...options.tracker });
    if (options.seedFinished) this.tracker.seedFinished(options.seedFinished);
    this.current = { profileName, connection: transport.state, jobs: [], stale: false, loading: true, notices: [] };
    this.poller = this._register(
      new Poller((signal, reason) => {
        const opts = { signal, timeoutMs: this.commandTimeoutMs };
        return this.tracker.poll(transportRunner(this.transport, () => clusterContext(this.transport, opts), opts), reason);
      }, options.timing),
    );
    this._register(this.poller.onDidPoll((outcome) => {
      if (outcome.ok) {
        this.addNotices(outcome.value.notices);
        this.accept(outcome.value.jobs, outcome.value.diff, outcome.at);
        this.freshness.settle(this.current.jobs, outcome.at);
        this.poller.setHurry(this.freshness.delayMs(outcome.at, this.timing.intervalMs));
        if (outcome.value.events.length > 0) this.onDidJobEventsEmitter.fire(outcome.value.events);
      }
      else {
        const busy = isTransientSlurmError(outcome.error);
        const retryS = Math.round(this.poller.currentDelayMs() / 1000);
        // A busy or rate-limiting slurmctld: say so, keep the last jobs (stale), and wait for the backed-off poll.
        const message = busy ? `${isRateLimited(outcome.error) ? 'The Slurm controller is rate-limiting requests' : 'The Slurm controller is busy or unreachable'}; showing the last known jobs, next try in ${retryS} s. (${errorMessage(outcome.error)})` : errorMessage(outcome.error);
        logger.warn(`[${profileName}] poll failed (${outcome.consecutiveErrors} in a row${busy ? `, transient: next try in ${retryS} s` : ''}): ${errorMessage(outcome.error)}`);
        this.update({ ...this.current, error: message, stale: this.current.jobs.length > 0, loading: false });
      }
    }));
    this._register(transport.onDidChangeState((connection) => this.update({ ...this.current, connection })));
  }

  get snapshot(): ClusterSnapshot {
    return this.current;
  }

  start(): void {
    this.poller.start();
  }

  /** The user's Connect / Retry: a fresh login (the only way past a failed or cancelled one), then a poll. */
  async connect(): Promise<void> {
    await this.transport.connect?.();
    this.poller.start();
    await this.poller.refresh('manual');
  }

  /** The user's Disconnect: stop polling (it would reconnect) and close the connection. */
  async disconnect(): Promise<void> {
    this.poller.stop();
    await this.transport.disconnect?.();
  }

  refresh(reason: RefreshReason = 'manual'): Promise<void> | undefined {
    return this.poller.refresh(reason);
  }

  /**
   * The user just acted on these jobs (submitted, cancelled, held, released, requeued): poll now and
   * keep polling fast — view visible or not, so the status bar follows too — until the change shows.
   */
  awaitChange(ids: readonly string[], change: AwaitedChange): Promise<void> | undefined {
    const now = Date.now();
    this.freshness.await(ids, change, this.current.jobs, now);
    this.poller.setHurry(this.freshness.delayMs(now, this.timing.intervalMs));
    return this.poller.refresh(change === 'started' ? 'submit' : 'action');
  }

  /** Job ids whose awaited change has not shown yet (see awaitChange). */
  awaitedJobs(): string[] {
    return this.freshness.pending();
  }

  /** A job just submitted from VS Code: report its end even if it finishes before a poll sees it. */
  expectJob(id: string, name = ''): void {
    this.tracker.expectJob({ id, name });
  }

  setVisible(visible: boolean): void {
    this.poller.setVisible(visible);
  }

  setFocused(focused: boolean): void {
    this.poller.setFocused(focused);
  }

  setTiming(timing: PollerTiming): void {
    this.timing = timing;
    this.poller.setTiming(timing);
  }

  setOptions(options: ClusterSessionOptions): void {
    this.timing = options.timing;
    this.poller.setTiming(options.timing);
    this.commandTimeoutMs = options.commandTimeoutMs;
    if (options.tracker) this.tracker.setOptions(options.tracker);
  }

  /** `diff` is the tracker's one diff of this poll (TrackerPoll.diff); it is not computed again here. */
  private accept(all: JobRow[], diff: SnapshotDiff<JobRow>, at: number): void {
    // sbatch's refusals are recorded by Slurm as FAILED jobs that never ran: not the user's jobs.
    // (A refusal in the diff at most fires one change that shows nothing new.)
    const jobs = withoutRefusedSubmissions(all);
    const hadError = this.current.error !== undefined || this.current.loading;
    const noticesChanged = this.current.notices !== this.shownNotices;
    this.current = { profileName: this.profileName, connection: this.transport.state, jobs, stale: false, loading: false, lastUpdated: at, notices: this.current.notices };
    this.shownNotices = this.current.notices;
    if (hadError || noticesChanged || !isEmptyDiff(diff)) this.onDidChangeEmitter.fire({ snapshot: this.current, diff });
  }

  private addNotices(notices: readonly string[]): void {
    const fresh = notices.filter((n) => !this.current.notices.includes(n));
    if (fresh.length === 0) return;
    this.current = { ...this.current, notices: [...this.current.notices, ...fresh] };
    for (const notice of fresh) {
      logger.warn(`[${this.profileName}] ${notice}`);
      this.onDidNoticeEmitter.fire(notice);
    }
  }

  private update(snapshot: ClusterSnapshot): void {
    this.current = snapshot;
    this.onDidChangeEmitter.fire({ snapshot });
  }
}
