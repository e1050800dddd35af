/**
 * A run's step states asked of Slurm now rather than taken from the last poll, for decisions that
 * act on them (Retry Failed): the poll may be a cycle behind (a step that failed a second ago still
 * RUNNING) or stopped (view hidden). One squeue for all the run's job ids, plus one sacct only for
 * ids slurmctld has forgotten (session/slurmJobLister.ts). VS Code-free.
 */
import { listJobRowsByIds } from '../session/slurmJobLister';
import type { Transport } from '../transport/types';
import type { WorkflowRun } from './runRecord';
import { runStepStates, stepStateFromRows, type SeenState } from './stepState';

export interface FreshStates {
  /** Step name → long state name (undefined: Slurm knows no job of that step any more). */
  states: Map<string, string | undefined>;
  /** Job id → what Slurm said, for the view to take over. */
  seen: Map<number, SeenState>;
  /** The calls made: ['squeue'] or ['squeue', 'sacct']. */
  calls: string[];
}

export async function freshStepStates(transport: Transport, run: WorkflowRun, options: { timeoutMs: number; signal?: AbortSignal }): Promise<FreshStates> {
  const { rows, calls } = await listJobRowsByIds(transport, run.steps.map((s) => String(s.jobId)), options);
  const seen = new Map<number, SeenState>();
  for (const s of run.steps) {
    const state = stepStateFromRows(s.jobId, rows);
    if (state) seen.set(s.jobId, state);
  }
  return { states: runStepStates(run.steps, rows), seen, calls };
}
