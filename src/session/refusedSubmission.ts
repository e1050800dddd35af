/**
 * A submission sbatch refused is no job of the user's — they got an error, not a job id, and its
 * folder was removed — but slurmctld still gives it an id and records it: sacct (and, for
 * MinJobAge, `squeue --states=all`) then lists it as FAILED, exit 1:0, no node ever assigned, no
 * time used. Seen on 22.05 with `sbatch --gres=gpu:9`:
 *
 *   786|FAILED|1:0|None assigned|00:00:00|sbatch --gres=gpu:9 --comment=swb:… /tmp/x.sh
 *
 * Such a row is left out of the Jobs view. The rule needs no memory of our own refusals (it holds
 * after a reload and for refusals from a terminal too), and no comment: this cluster's accounting
 * does not store comments (AccountingStoreFlags without job_comment), so the `swb:` marker cannot be
 * read back from sacct. A job that really ran and failed always had a node and is kept.
 * VS Code-free.
 */
import type { JobRow } from './jobRow';

const NO_NODE = new Set(['', 'None assigned', '(null)', 'None']);

function ranNoTime(row: Pick<JobRow, 'elapsed' | 'startTime' | 'endTime'>): boolean {
  const elapsed = row.elapsed?.trim();
  if (elapsed !== undefined && /^[\d:-]+$/.test(elapsed)) return /^[0:-]+$/.test(elapsed);
  return row.startTime === undefined || row.endTime === undefined || row.endTime - row.startTime <= 1000;
}

/** FAILED without ever getting a node and without time used: Slurm's record of a refused submission. */
export function isRefusedSubmission(row: Pick<JobRow, 'state' | 'nodes' | 'elapsed' | 'startTime' | 'endTime'>): boolean {
  return row.state === 'FAILED' && NO_NODE.has((row.nodes ?? '').trim()) && ranNoTime(row);
}

/** The jobs to show: every row but refused submissions. */
export function withoutRefusedSubmissions<T extends Pick<JobRow, 'state' | 'nodes' | 'elapsed' | 'startTime' | 'endTime'>>(rows: readonly T[]): T[] {
  return rows.filter((r) => !isRefusedSubmission(r));
}
