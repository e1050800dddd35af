/**
 * "Retry Failed": which steps of a run are submitted again (every step that ended without
 * success, and everything downstream of one), which old jobs are cancelled first (the downstream
 * ones still pending on a dependency that can no longer be met), and which steps outside the plan
 * the new jobs must still wait for (those not finished yet). Pure; VS Code-free.
 */
import { withDownstream } from './graph';
import type { WorkflowRun } from './runRecord';

/** A step's job as the poll (or sacct) last saw it: the long state name; undefined when unseen. */
export type StepStates = ReadonlyMap<string, string | undefined>;

const SUCCESS = 'COMPLETED';
const FINISHED_WITHOUT_SUCCESS = new Set(['FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'REVOKED', 'LAUNCH_FAILED', 'SPECIAL_EXIT']);

export function isFailedState(state: string | undefined): boolean {
  return state !== undefined && FINISHED_WITHOUT_SUCCESS.has(state.split(' ')[0]);
}

export interface RetryPlan {
  /** Steps to submit again, in the run's (topological) order. */
  steps: string[];
  /** Old jobs of those steps that have not ended (e.g. pending with DependencyNeverSatisfied): cancel them first. */
  cancel: number[];
  /** Steps outside the plan that the new jobs must still wait for, with their current job ids. */
  upstream: Map<string, number>;
}

export function planRetry(run: WorkflowRun, states: StepStates): RetryPlan {
  const failed = run.steps.filter((s) => isFailedState(states.get(s.name))).map((s) => s.name);
  const inPlan = withDownstream(run.steps, failed);
  const steps = run.steps.filter((s) => inPlan.has(s.name));
  const cancel = steps.filter((s) => !isFinished(states.get(s.name))).map((s) => s.jobId);
  const upstream = new Map<string, number>();
  for (const s of run.steps) {
    if (inPlan.has(s.name)) continue;
    // A step that completed is satisfied for good (and its job may have aged out of slurmctld, where
    // a dependency on it would be refused); one still queued or running is waited for as before.
    if (states.get(s.name) !== SUCCESS) upstream.set(s.name, s.jobId);
  }
  return { steps: steps.map((s) => s.name), cancel, upstream };
}

function isFinished(state: string | undefined): boolean {
  return state === SUCCESS || isFailedState(state);
}
