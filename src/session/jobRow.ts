/**
 * What the Jobs view needs to know about one job: a flat, display-ready projection of the Slurm
 * layer's job record. Kept small so diffing 10,000 of them per poll stays cheap.
 */
export interface JobRow {
  /** Display id: `123`, `123_4` (array task) or `123_[1-5%2]` (pending array remainder). */
  id: string;
  /** Id usable with scancel/scontrol for this row. */
  actionId: string;
  name: string;
  /** Base state without suffixes, e.g. RUNNING, PENDING, COMPLETED, CANCELLED. */
  state: string;
  reason?: string;
  partition?: string;
  /** Elapsed time and limit as Slurm prints them, e.g. `1:02:03` / `2:00:00`. */
  elapsed?: string;
  timeLimit?: string;
  nodes?: string;
  exitCode?: string;
  workDir?: string;
  stdoutPath?: string;
  stderrPath?: string;
  /** Array parent id when this row is an array task or a pending array remainder. */
  arrayJobId?: string;
  /** Epoch milliseconds (Slurm prints zone-less times; the Slurm layer applied the cluster's offset). */
  submitTime?: number;
  startTime?: number;
  endTime?: number;
  /** GPUs of the whole job (0 when none). */
  gpus?: number;
  dependency?: string;
  /** Where this row's facts come from: the live queue, or accounting after it left the queue. */
  source: 'squeue' | 'sacct';
}

export function sameJobRow(a: JobRow, b: JobRow): boolean {
  return (
    a.state === b.state &&
    a.reason === b.reason &&
    a.elapsed === b.elapsed &&
    a.timeLimit === b.timeLimit &&
    a.nodes === b.nodes &&
    a.name === b.name &&
    a.partition === b.partition &&
    a.exitCode === b.exitCode &&
    a.startTime === b.startTime &&
    a.endTime === b.endTime &&
    a.source === b.source
  );
}
