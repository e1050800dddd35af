// Retry Failed plans on Slurm's answer at that moment (one squeue for the run's jobs), not on the
// last poll: the rows of that answer become step states, and the plan follows them. No cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobRow } from '../../src/session/jobRow';
import { planRetry } from '../../src/workflow/retryPlan';
import type { WorkflowRun } from '../../src/workflow/runRecord';
import { runStepStates } from '../../src/workflow/stepState';

const dep = (step: string) => ({ step, kind: 'afterok' as const });
const run: WorkflowRun = {
  workflow: 'diamond', runId: 'abc123', profile: 'bundled', remoteDir: '/home/u/wf', startedAt: '2026-12-05T09:00:00Z',
  steps: [
    { name: 'prep', jobId: 10, previousJobIds: [], dependsOn: [] },
    { name: 'train-a', jobId: 11, previousJobIds: [], dependsOn: [dep('prep')] },
    { name: 'train-b', jobId: 12, previousJobIds: [], dependsOn: [dep('prep')], array: '0-1' },
    { name: 'eval', jobId: 13, previousJobIds: [], dependsOn: [dep('train-a'), dep('train-b')] },
    { name: 'report', jobId: 14, previousJobIds: [], dependsOn: [dep('eval')] },
  ],
};
const row = (id: string, state: string, over: Partial<JobRow> = {}): JobRow => ({ id, actionId: id, name: 'x', state, ...over }) as JobRow;

test('the fresh answer decides: a step the last poll saw RUNNING that has failed since is retried with its downstream', () => {
  const lastPoll = new Map([['prep', 'COMPLETED'], ['train-a', 'RUNNING'], ['train-b', 'COMPLETED'], ['eval', 'PENDING'], ['report', 'PENDING']]);
  assert.deepEqual(planRetry(run, lastPoll).steps, [], 'on the stale poll there is nothing to retry');
  const fresh = runStepStates(run.steps, [
    row('10', 'COMPLETED'), row('11', 'FAILED'),
    row('12_0', 'COMPLETED', { arrayJobId: '12' }), row('12_1', 'COMPLETED', { arrayJobId: '12' }),
    row('13', 'PENDING', { reason: 'DependencyNeverSatisfied' }), row('14', 'PENDING', { reason: 'Dependency' }),
  ]);
  assert.deepEqual(Object.fromEntries(fresh), { prep: 'COMPLETED', 'train-a': 'FAILED', 'train-b': 'COMPLETED', eval: 'PENDING', report: 'PENDING' });
  const plan = planRetry(run, fresh);
  assert.deepEqual(plan.steps, ['train-a', 'eval', 'report']);
  assert.deepEqual(plan.cancel, [13, 14], 'the old downstream jobs still wait: cancelled first');
  assert.deepEqual([...plan.upstream], [], 'completed steps are not waited for again');
});

test('an array step with one failed task is failed; a step Slurm no longer knows is neither retried nor waited for as done', () => {
  const fresh = runStepStates(run.steps, [
    row('10', 'COMPLETED'), row('11', 'COMPLETED'),
    row('12_0', 'COMPLETED', { arrayJobId: '12' }), row('12_1', 'OUT_OF_MEMORY', { arrayJobId: '12' }),
    row('13', 'PENDING', { reason: 'DependencyNeverSatisfied' }),
  ]);
  assert.equal(fresh.get('train-b'), 'OUT_OF_MEMORY');
  assert.equal(fresh.get('report'), undefined);
  const plan = planRetry(run, fresh);
  assert.deepEqual(plan.steps, ['train-b', 'eval', 'report']);
  assert.deepEqual(plan.cancel, [13, 14]);
});
