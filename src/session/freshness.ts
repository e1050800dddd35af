/**
 * After the user acted on jobs (submit, cancel, hold, release, requeue) the Jobs view and the status
 * bar should show the outcome within seconds, not at the next 15–60 s cycle. This keeps the jobs
 * the user is waiting on, says what each one waits for, and gives the poll delay that serves them:
 * fast at first, then stretching back to the normal interval, so a job that waits hours in the
 * queue does not turn into a squeue every two seconds. VS Code-free; time is passed in.
 */
import type { JobRow } from './jobRow';
import { stateLook } from './jobPresentation';

/**
 * What the user waits to see: `started` (a submitted job leaves PENDING, or ends), `ended` (a
 * cancelled job is gone from the queue), `changed` (hold / release / requeue: state or reason moves).
 */
export type AwaitedChange = 'started' | 'ended' | 'changed';

export interface FreshnessTiming {
  /** Delay between polls while an awaited change is young. */
  fastMs: number;
  /** How long the fast delay holds before it starts doubling. */
  fastForMs: number;
  /** After this an awaited change is dropped (the normal cadence reports it). */
  giveUpAfterMs: number;
}

export const DEFAULT_FRESHNESS: FreshnessTiming = { fastMs: 1_000, fastForMs: 10_000, giveUpAfterMs: 10 * 60_000 };

interface Awaited {
  kind: AwaitedChange;
  since: number;
  /** State and reason when the user acted (for `changed`); undefined while the job was not listed yet. */
  before?: string;
}

const stamp = (row: JobRow) => `${row.state}\u0000${row.reason}`;

export class JobFreshness {
  private readonly awaited = new Map<string, Awaited>();

  constructor(private readonly timing: FreshnessTiming = DEFAULT_FRESHNESS) {}

  /** The user acted on `ids`; `rows` is the job list as it was shown at that moment. */
  await(ids: readonly string[], kind: AwaitedChange, rows: readonly JobRow[], now: number): void {
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      this.awaited.set(id, { kind, since: now, before: row ? stamp(row) : undefined });
    }
  }

  /** After a successful poll: forgets every job whose awaited change is visible in `rows` (or too old). */
  settle(rows: readonly JobRow[], now: number): void {
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [id, a] of this.awaited) {
      if (now - a.since >= this.timing.giveUpAfterMs || arrived(a, byId.get(id))) this.awaited.delete(id);
    }
  }

  /** Job ids still awaited (for logs and tests). */
  pending(): string[] {
    return [...this.awaited.keys()];
  }

  /**
   * The delay the poller should use at most, or undefined when nothing is awaited: `fastMs` for the
   * first `fastForMs` after the newest action, then doubling every `fastForMs` up to `normalMs`.
   */
  delayMs(now: number, normalMs: number): number | undefined {
    if (this.awaited.size === 0) return undefined;
    const newest = Math.max(...[...this.awaited.values()].map((a) => a.since));
    const age = Math.max(0, now - newest);
    if (age < this.timing.fastForMs) return Math.min(this.timing.fastMs, normalMs);
    const stretched = this.timing.fastMs * 2 ** ((age - this.timing.fastForMs) / this.timing.fastForMs + 1);
    return Math.min(Math.round(stretched), normalMs);
  }
}

function arrived(a: Awaited, row: JobRow | undefined): boolean {
  switch (a.kind) {
    case 'started':
      // Not listed yet right after sbatch: keep waiting (the tracker expects it); then any state but pending.
      return row !== undefined && stateLook(row.state).group !== 'pending';
    case 'ended':
      return row === undefined || stateLook(row.state).group === 'finished';
    case 'changed':
      return row === undefined || a.before === undefined || stamp(row) !== a.before;
  }
}
