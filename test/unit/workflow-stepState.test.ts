// The Workflows view's step states, from the rows the poll already has: a plain job, an array's
// tasks summed up, and the plain-words lines (a step that can never start says why). No cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobRow } from '../../src/session/jobRow';
import { describeStepState, stepStateFromRows, summariseRun } from '../../src/workflow/stepState';

const row = (over: Partial<JobRow>): JobRow => ({ id: '1', actionId: '1', name: 'wf.r.s', state: 'PENDING', ...over }) as JobRow;

test('a step\'s state is its job\'s row; other jobs are ignored; unseen is undefined', () => {
  const rows = [row({ id: '41', actionId: '41', state: 'RUNNING' }), row({ id: '42', actionId: '42', state: 'PENDING', reason: 'DependencyNeverSatisfied' })];
  assert.deepEqual(stepStateFromRows(41, rows), { state: 'RUNNING' });
  assert.deepEqual(stepStateFromRows(42, rows), { state: 'PENDING', reason: 'DependencyNeverSatisfied' });
  assert.equal(stepStateFromRows(43, rows), undefined);
});

test('an array step: running while any task runs, failed when a task failed, completed when all did', () => {
  const task = (n: number, state: string) => row({ id: `50_${n}`, actionId: `50_${n}`, arrayJobId: '50', state });
  assert.equal(stepStateFromRows(50, [task(1, 'COMPLETED'), task(2, 'RUNNING')])?.state, 'RUNNING');
  assert.equal(stepStateFromRows(50, [task(1, 'COMPLETED'), task(2, 'FAILED')])?.state, 'FAILED');
  assert.equal(stepStateFromRows(50, [task(1, 'COMPLETED'), task(2, 'COMPLETED')])?.state, 'COMPLETED');
});

test('the view says in plain words why a step will never start, and sums up a run', () => {
  assert.match(describeStepState({ state: 'PENDING', reason: 'DependencyNeverSatisfied' }), /will never start, a step it needs failed \(Retry Failed replaces it\)/);
  assert.equal(describeStepState({ state: 'PENDING', reason: 'Dependency' }), 'PENDING: waiting for the steps it needs');
  assert.equal(describeStepState({ state: 'PENDING', reason: 'Priority' }), 'PENDING (Priority)');
  assert.equal(describeStepState({ state: 'COMPLETED', reason: 'JobHeldUser' }), 'COMPLETED', 'a finished step drops the reason it waited for');
  assert.equal(describeStepState(undefined), 'not seen by the poll yet');
  assert.equal(
    summariseRun([{ state: 'COMPLETED' }, { state: 'COMPLETED' }, { state: 'FAILED' }, { state: 'PENDING', reason: 'DependencyNeverSatisfied' }, { state: 'PENDING', reason: 'Dependency' }]),
    '2 completed, 1 waiting, 1 failed, 1 blocked',
  );
});
