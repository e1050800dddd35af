/**
 * The live "wait for resources" watches. Each fresh reading of a cluster is checked against that
 * cluster's watches; a watch that holds fires once and is removed. Only a reading taken after the
 * watch was added can fire it (`at >= createdAt`), so a stale reading never announces GPUs that
 * were free before the user asked. VS Code-free: the shell shows the notification and posts the
 * webhook on `onDidFire`.
 */
import { Disposable, Emitter } from '../core/disposable';
import type { ClusterResources } from './model';
import { evaluateCondition, type ConditionResult, type ResourceCondition } from './watch';

export interface ResourceWatch {
  readonly id: string;
  readonly condition: ResourceCondition;
  readonly createdAt: number;
  /** Whether a webhook is to be called; the URL itself stays with the caller (it is a secret). */
  readonly webhook: boolean;
  /** The latest evaluation, for the view ("0 GPUs free in gpu (need 2)"). */
  last?: ConditionResult;
}

export interface WatchFired {
  watch: ResourceWatch;
  result: ConditionResult;
  resources: ClusterResources;
}

export class WatchRegistry extends Disposable {
  private readonly watches = new Map<string, ResourceWatch>();
  private nextId = 1;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** The set of watches or one's latest evaluation changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidFireEmitter = this._register(new Emitter<WatchFired>());
  readonly onDidFire = this.onDidFireEmitter.event;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  add(condition: ResourceCondition, options: { webhook?: boolean } = {}): ResourceWatch {
    const watch: ResourceWatch = { id: `watch-${this.nextId++}`, condition, createdAt: this.now(), webhook: options.webhook ?? false };
    this.watches.set(watch.id, watch);
    this.onDidChangeEmitter.fire();
    return watch;
  }

  cancel(id: string): boolean {
    const had = this.watches.delete(id);
    if (had) this.onDidChangeEmitter.fire();
    return had;
  }

  get(id: string): ResourceWatch | undefined {
    return this.watches.get(id);
  }

  all(): ResourceWatch[] {
    return [...this.watches.values()];
  }

  forCluster(cluster: string): ResourceWatch[] {
    return this.all().filter((w) => w.condition.cluster === cluster);
  }

  hasWatches(cluster: string): boolean {
    return this.all().some((w) => w.condition.cluster === cluster);
  }

  /** Checks a fresh reading; fires (and removes) every watch of that cluster that holds. */
  accept(resources: ClusterResources): WatchFired[] {
    const fired: WatchFired[] = [];
    let changed = false;
    for (const watch of this.forCluster(resources.cluster)) {
      if (resources.at < watch.createdAt) continue;
      const result = evaluateCondition(resources, watch.condition);
      if (watch.last?.detail !== result.detail) changed = true;
      watch.last = result;
      if (result.holds) {
        this.watches.delete(watch.id);
        fired.push({ watch, result, resources });
        changed = true;
      }
    }
    if (changed) this.onDidChangeEmitter.fire();
    for (const f of fired) this.onDidFireEmitter.fire(f);
    return fired;
  }

  /** Drops watches of clusters that no longer exist. */
  retainClusters(names: ReadonlySet<string>): ResourceWatch[] {
    const dropped = this.all().filter((w) => !names.has(w.condition.cluster));
    for (const w of dropped) this.watches.delete(w.id);
    if (dropped.length) this.onDidChangeEmitter.fire();
    return dropped;
  }
}

