/**
 * What we remember about jobs across restarts, in extension storage: each job's lifecycle events
 * (submitted, started, finished with state and exit code), its last known row once finished, and
 * whether the user watches it. So history survives the cluster purging its records, and
 * notifications know which jobs the user cares about. VS Code-free: storage is a Memento-like.
 */
import type { JobRow } from './jobRow';
import type { JobEvent } from './jobTracker';

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export type LifecycleEvent =
  | { kind: 'submitted'; at: number }
  | { kind: 'started'; at: number }
  | { kind: 'finished'; at: number; state: string; exitCode?: string };

export interface JobRecord {
  id: string;
  name: string;
  watched?: boolean;
  events: LifecycleEvent[];
  /** The final row (from sacct, or from slurmctld on a cluster without accounting), kept so the job still shows after the cluster forgets it. */
  final?: JobRow;
}

interface StoredCluster {
  version: 1;
  jobs: JobRecord[];
}

export class JobHistory {
  private readonly clusters = new Map<string, Map<string, JobRecord>>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly maxJobsPerCluster = 2000,
  ) {}

  private key(cluster: string): string {
    return `slurm.history/${cluster}`;
  }

  private jobs(cluster: string): Map<string, JobRecord> {
    let map = this.clusters.get(cluster);
    if (!map) {
      const stored = this.store.get<StoredCluster>(this.key(cluster));
      map = new Map((stored?.version === 1 ? stored.jobs : []).map((r) => [r.id, r]));
      this.clusters.set(cluster, map);
    }
    return map;
  }

  get(cluster: string, id: string): JobRecord | undefined {
    return this.jobs(cluster).get(id);
  }

  isWatched(cluster: string, id: string): boolean {
    const rec = this.jobs(cluster).get(id);
    if (rec?.watched) return true;
    // Watching an array watches its tasks.
    const parent = /^(\d+)_/.exec(id)?.[1];
    return parent !== undefined && this.jobs(cluster).get(parent)?.watched === true;
  }

  setWatched(cluster: string, id: string, name: string, watched: boolean): void {
    const rec = this.ensure(cluster, id, name);
    rec.watched = watched;
    this.markDirty(cluster);
  }

  /** Finished jobs remembered for this cluster that ended after `since`, newest first. */
  finishedSince(cluster: string, since: number): JobRow[] {
    const out: JobRow[] = [];
    for (const rec of this.jobs(cluster).values()) {
      if (rec.final && (rec.final.endTime ?? 0) >= since) out.push(rec.final);
    }
    return out.sort((a, b) => (b.endTime ?? 0) - (a.endTime ?? 0));
  }

  /** Records what a poll saw: lifecycle events of known jobs and final rows of finished ones. */
  record(cluster: string, events: readonly JobEvent[], now = Date.now()): void {
    for (const e of events) {
      const rec = this.ensure(cluster, e.job.id, e.job.name);
      if (e.kind === 'added' && !rec.events.some((x) => x.kind === 'submitted')) rec.events.push({ kind: 'submitted', at: e.job.submitTime ?? now });
      if ((e.kind === 'stateChanged' || e.kind === 'added') && e.job.startTime && !rec.events.some((x) => x.kind === 'started')) rec.events.push({ kind: 'started', at: e.job.startTime });
      if (e.kind === 'finished') {
        if (e.job.startTime && !rec.events.some((x) => x.kind === 'started')) rec.events.push({ kind: 'started', at: e.job.startTime });
        rec.events.push({ kind: 'finished', at: e.job.endTime ?? now, state: e.job.state, exitCode: e.job.exitCode });
        rec.final = e.job;
      }
    }
    if (events.length > 0) this.markDirty(cluster);
  }

  private ensure(cluster: string, id: string, name: string): JobRecord {
    const map = this.jobs(cluster);
    let rec = map.get(id);
    if (!rec) {
      map.set(id, (rec = { id, name, events: [] }));
      if (map.size > this.maxJobsPerCluster) {
        // Oldest first by insertion order: Map keeps it.
        for (const k of map.keys()) {
          if (map.size <= this.maxJobsPerCluster) break;
          if (!map.get(k)?.watched) map.delete(k);
        }
      }
    }
    return rec;
  }

  private markDirty(cluster: string): void {
    this.dirty.add(cluster);
    if (this.saveTimer === undefined) this.saveTimer = setTimeout(() => void this.flush(), 1000);
  }

  async flush(): Promise<void> {
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const clusters = [...this.dirty];
    this.dirty.clear();
    await Promise.all(clusters.map((c) => this.store.update(this.key(c), { version: 1, jobs: [...this.jobs(c).values()] } satisfies StoredCluster)));
  }
}
