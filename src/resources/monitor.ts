/**
 * One resources poller per cluster (the Jobs view's Poller: self-rescheduling, one poll in flight,
 * manual refresh at once, slower when the window is unfocused). A cluster is polled only while
 * someone needs its figures: the Resources view is visible, or a "wait for resources" watch is
 * pending on it. Each cluster's transport is the one its session already owns (one connection per
 * cluster for everything). VS Code-free.
 */
import { Disposable, Emitter, type IDisposable } from '../core/disposable';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { Poller, type PollerTiming, type RefreshReason } from '../poller/poller';
import type { Transport } from '../transport/types';
import type { ClusterResources } from './model';
import type { WatchRegistry } from './watchRegistry';

/** What the monitor needs from the session registry (structural, so tests can hand in the real one). */
export interface ClusterSource {
  all(): readonly { readonly profileName: string; readonly transport: Transport }[];
  onDidChange(listener: (change: unknown) => void): IDisposable;
}

export type ResourcesLoader = (cluster: string, transport: Transport, signal: AbortSignal) => Promise<ClusterResources>;

export interface ClusterResourcesState {
  readonly cluster: string;
  /** The last good reading (kept, marked stale, when a later poll fails). */
  readonly resources?: ClusterResources;
  readonly error?: string;
  readonly loading: boolean;
  readonly stale: boolean;
}

interface Entry {
  transport: Transport;
  poller: Poller<ClusterResources>;
  state: ClusterResourcesState;
  sub: IDisposable;
}

export class ResourcesMonitor extends Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly onDidChangeEmitter = this._register(new Emitter<string | undefined>());
  /** Fires with a cluster name when its state changed, undefined when the set of clusters changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private viewVisible = false;
  private focused = true;

  constructor(
    private readonly source: ClusterSource,
    private readonly load: ResourcesLoader,
    /** A function: read when the first poller starts, not at construction (settings are read on first use). */
    private timing: PollerTiming | (() => PollerTiming),
    private readonly watches: WatchRegistry,
  ) {
    super();
    this._register(source.onDidChange((change) => {
      // Job changes carry a payload; only a change in the set of sessions matters here.
      if (change === undefined) this.sync();
    }));
    this._register(watches.onDidChange(() => this.updateActivity()));
    this._register({ dispose: () => this.disposeEntries() });
    this.sync();
  }

  clusters(): string[] {
    return [...this.entries.keys()];
  }

  state(cluster: string): ClusterResourcesState | undefined {
    return this.entries.get(cluster)?.state;
  }

  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    this.updateActivity();
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    for (const e of this.entries.values()) e.poller.setFocused(focused);
  }

  setTiming(timing: PollerTiming): void {
    this.timing = timing;
    for (const e of this.entries.values()) e.poller.setTiming(timing);
  }

  /** Polls now (one cluster or all that are being watched or shown) and resolves when done. */
  async refresh(cluster?: string, reason: RefreshReason = 'manual'): Promise<void> {
    const targets = cluster === undefined ? [...this.entries.values()] : [this.entries.get(cluster)].filter((e): e is Entry => e !== undefined);
    await Promise.all(
      targets.map((e) => {
        // A manual refresh of a stopped poller (view hidden, nothing watched) starts it for one round.
        if (!e.poller.isRunning) {
          e.poller.start();
          const done = new Promise<void>((resolve) => {
            const sub = e.poller.onDidPoll(() => {
              sub.dispose();
              resolve();
            });
          });
          return done.finally(() => this.updateActivity());
        }
        return e.poller.refresh(reason);
      }),
    );
  }

  /** Polls one cluster now if its figures are being shown or watched (a job took or freed resources); does nothing otherwise. */
  refreshIfActive(cluster: string): void {
    const e = this.entries.get(cluster);
    if (e?.poller.isRunning) void e.poller.refresh('action');
  }

  private isNeeded(cluster: string): boolean {
    return this.viewVisible || this.watches.hasWatches(cluster);
  }

  private updateActivity(): void {
    for (const [name, e] of this.entries) {
      const needed = this.isNeeded(name);
      // A pending watch counts as "someone looking": it keeps the visible pace, not the idle one.
      e.poller.setVisible(needed);
      if (needed && !e.poller.isRunning) e.poller.start();
      else if (!needed && e.poller.isRunning) e.poller.stop();
    }
  }

  private sync(): void {
    const sessions = this.source.all();
    const wanted = new Map(sessions.map((s) => [s.profileName, s.transport]));
    for (const [name, e] of this.entries) {
      if (wanted.get(name) !== e.transport) {
        this.disposeEntry(e);
        this.entries.delete(name);
      }
    }
    const ordered = new Map<string, Entry>();
    for (const [name, transport] of wanted) ordered.set(name, this.entries.get(name) ?? this.createEntry(name, transport));
    this.entries.clear();
    for (const [k, v] of ordered) this.entries.set(k, v);
    const dropped = this.watches.retainClusters(new Set(wanted.keys()));
    for (const w of dropped) logger.info(`[${w.condition.cluster}] resource watch dropped: the cluster profile was removed`);
    this.updateActivity();
    this.onDidChangeEmitter.fire(undefined);
  }

  private createEntry(cluster: string, transport: Transport): Entry {
    const poller = new Poller<ClusterResources>((signal) => this.load(cluster, transport, signal), (this.timing = typeof this.timing === 'function' ? this.timing() : this.timing));
    poller.setFocused(this.focused);
    const entry: Entry = { transport, poller, state: { cluster, loading: true, stale: false }, sub: { dispose() {} } };
    entry.sub = poller.onDidPoll((outcome) => {
      if (outcome.ok) {
        entry.state = { cluster, resources: outcome.value, loading: false, stale: false };
        this.onDidChangeEmitter.fire(cluster);
        this.watches.accept(outcome.value);
      } else {
        const message = errorMessage(outcome.error);
        logger.warn(`[${cluster}] resources poll failed (${outcome.consecutiveErrors} in a row): ${message}`);
        entry.state = { cluster, resources: entry.state.resources, error: message, loading: false, stale: entry.state.resources !== undefined };
        this.onDidChangeEmitter.fire(cluster);
      }
    });
    return entry;
  }

  private disposeEntry(e: Entry): void {
    e.sub.dispose();
    e.poller.dispose();
  }

  private disposeEntries(): void {
    for (const e of this.entries.values()) this.disposeEntry(e);
    this.entries.clear();
  }
}
