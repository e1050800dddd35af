/**
 * The efficiency badge of finished jobs (issue 20, point 2): when a poll reports jobs that ran and
 * ended, ONE sacct with their steps (slurm/efficiency.ts usageCall) per cluster reads what they used,
 * and the figures go into the efficiency memory the Jobs view reads for its badge and tooltip. Never a
 * call per job or per render: jobs that end in the same poll share one call, a call still running
 * collects the next poll's jobs for the next one, and a cluster without accounting is asked once.
 */
import { Disposable, type Event } from '../core/disposable';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { runAccountingCall } from '../slurm/accounting';
import { usageCall } from '../slurm/efficiency';
import type { Transport } from '../transport/types';
import { jobEfficiency, type EfficiencyMemory } from './efficiency';
import type { JobEvent } from './jobTracker';
import type { JobRow } from './jobRow';

/** At most this many jobs per sacct (a burst of array tasks ending waits for the next call). */
export const MAX_JOBS_PER_CALL = 100;

export interface FinishedEfficiencyOptions {
  /** The transport of a cluster's session, if it has one now. */
  transportOf(cluster: string): Transport | undefined;
  timeoutMs(): number;
  /** Called after figures were learned (the view re-renders what it shows). */
  onLearned(cluster: string, jobIds: readonly string[]): void;
}

/** A finished job worth a badge: it ran (a node and some elapsed time), it is not a pending remainder. */
export function ranBeforeFinishing(job: JobRow): boolean {
  return Boolean(job.nodes) && job.elapsed !== undefined && !/^(0:00|00:00:00|0-00:00:00)$/.test(job.elapsed) && !job.id.includes('[');
}

export class FinishedEfficiencyReader extends Disposable {
  private readonly queued = new Map<string, Map<string, string>>(); // cluster → actionId → row id
  private readonly running = new Set<string>();
  private readonly noAccounting = new Set<string>();

  constructor(
    events: Event<{ cluster: string; events: readonly JobEvent[] }>,
    private readonly memory: EfficiencyMemory,
    private readonly options: FinishedEfficiencyOptions,
  ) {
    super();
    this._register(events(({ cluster, events: list }) => this.onEvents(cluster, list)));
  }

  private onEvents(cluster: string, events: readonly JobEvent[]): void {
    if (this.noAccounting.has(cluster)) return;
    for (const e of events) {
      if (e.kind !== 'finished' || !ranBeforeFinishing(e.job) || this.memory.get(cluster, e.job.id)) continue;
      let ids = this.queued.get(cluster);
      if (!ids) this.queued.set(cluster, (ids = new Map()));
      ids.set(e.job.actionId, e.job.id);
    }
    this.drain(cluster);
  }

  /** Whether a call for this cluster is running (tests wait on it). */
  isBusy(cluster: string): boolean {
    return this.running.has(cluster) || (this.queued.get(cluster)?.size ?? 0) > 0;
  }

  private drain(cluster: string): void {
    const queued = this.queued.get(cluster);
    if (this.isDisposed || this.running.has(cluster) || !queued || queued.size === 0) return;
    const transport = this.options.transportOf(cluster);
    if (!transport) return;
    const batch = [...queued].slice(0, MAX_JOBS_PER_CALL);
    for (const [actionId] of batch) queued.delete(actionId);
    this.running.add(cluster);
    void this.read(cluster, transport, new Map(batch)).finally(() => {
      this.running.delete(cluster);
      this.drain(cluster);
    });
  }

  private async read(cluster: string, transport: Transport, ids: Map<string, string>): Promise<void> {
    try {
      const answer = await runAccountingCall(transport, usageCall([...ids.keys()]), { timeoutMs: this.options.timeoutMs() });
      if (!answer.available) {
        this.noAccounting.add(cluster);
        this.queued.delete(cluster);
        return;
      }
      const learned: string[] = [];
      for (const usage of answer.value) {
        const rowId = ids.get(usage.id.text);
        if (rowId === undefined) continue;
        this.memory.remember(cluster, { ...jobEfficiency(usage), jobId: rowId });
        learned.push(rowId);
      }
      if (learned.length > 0 && !this.isDisposed) this.options.onLearned(cluster, learned);
    } catch (err) {
      // A badge is a nicety: the tooltip still offers Show Efficiency. Logged, never shown.
      logger.warn(`[${cluster}] efficiency of ${ids.size} finished job(s) not read: ${errorMessage(err)}`);
    }
  }
}

/** The badge after a finished job's state: "CPU 48% · mem 21%" (what sacct measured), '' when unknown. */
export function efficiencyBadge(e: { cpu?: { fraction: number }; memory?: { fraction: number } }): string {
  const pct = (f: number): string => `${Math.round(f * 100)}%`;
  const parts: string[] = [];
  if (e.cpu) parts.push(`CPU ${pct(e.cpu.fraction)}`);
  if (e.memory) parts.push(`mem ${pct(e.memory.fraction)}`);
  return parts.join(' · ');
}
