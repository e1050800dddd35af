// sbatch's refusals in the Jobs view (src/session/refusedSubmission.ts): slurmctld records a refused
// submission as a FAILED job that never got a node (22.05, `sbatch --gres=gpu:9`: FAILED, 1:0, "None
// assigned", 00:00:00); such a row is not a job of the user's and is left out. Jobs that ran and failed,
// and jobs cancelled while pending, stay.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { isRefusedSubmission, withoutRefusedSubmissions } from '../../src/session/refusedSubmission';
import { rowFromSacct } from '../../src/session/jobTracker';
import { parseSacct } from '../../src/slurm/sacct';
import type { JobRow } from '../../src/session/jobRow';

const base: JobRow = { id: '786', actionId: '786', name: 'x.sh', state: 'FAILED', source: 'sacct' };

test('FAILED, no node, no time: a refused submission', () => {
  assert.equal(isRefusedSubmission({ ...base, nodes: undefined, elapsed: '0:00', startTime: 1000, endTime: 1000 }), true);
  assert.equal(isRefusedSubmission({ ...base, nodes: 'None assigned', elapsed: '00:00:00' }), true);
  assert.equal(isRefusedSubmission({ ...base, nodes: undefined, startTime: 5000, endTime: 5000 }), true);
});

test('a job that ran and failed, or was cancelled before starting, is kept', () => {
  assert.equal(isRefusedSubmission({ ...base, nodes: 'node1', elapsed: '0:00' }), false, 'had a node');
  assert.equal(isRefusedSubmission({ ...base, nodes: undefined, elapsed: '0:03' }), false, 'used time');
  assert.equal(isRefusedSubmission({ ...base, state: 'CANCELLED', nodes: undefined, elapsed: '0:00' }), false);
  assert.equal(isRefusedSubmission({ ...base, state: 'COMPLETED', nodes: undefined, elapsed: '0:00' }), false);
  const rows = [{ ...base, nodes: undefined, elapsed: '0:00' }, { ...base, id: '787', nodes: 'node2', elapsed: '0:01' }];
  assert.deepEqual(withoutRefusedSubmissions(rows).map((r) => r.id), ['787']);
});

test('the sacct record of a refused sbatch, recorded on 22.05 and parsed as a poll does, is left out; a completed job next to it stays', () => {
  // Recorded with the tracker's own sacct format: job 786 is `sbatch --gres=gpu:9` that sbatch refused.
  const stdout = readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05/sacct-refused.txt'), 'utf8');
  const rows = parseSacct(stdout, 0).map((rec) => rowFromSacct(rec));
  assert.deepEqual(rows.map((r) => [r.id, r.state]), [['781', 'COMPLETED'], ['786', 'FAILED']]);
  assert.deepEqual(withoutRefusedSubmissions(rows).map((r) => r.id), ['781']);
});
