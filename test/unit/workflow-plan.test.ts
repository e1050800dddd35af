// What a workflow run submits, as data: job names that trace back to run and step, sbatch argv
// with --dependency on already submitted steps, the generated step scripts (env, retries, a
// script's own #SBATCH lines), and the Retry Failed plan. No cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseWorkflow } from '../../src/workflow/parse';
import { dependencyExpression, headerDirectives, jobNameFor, newRunId, parseJobName, stepFiles, stepSbatchArgv } from '../../src/workflow/plan';
import { planRetry } from '../../src/workflow/retryPlan';
import { parseStoredRuns, type WorkflowRun } from '../../src/workflow/runRecord';
import type { WorkflowStep } from '../../src/workflow/schema';

const step = (over: Partial<WorkflowStep>): WorkflowStep => ({ name: 's', command: 'true', resources: {}, dependsOn: [], env: {}, retries: 0, ...over });

test('job names are <workflow>.<run>.<step> and split back', () => {
  const runId = newRunId();
  assert.match(runId, /^[a-z0-9]{6}$/);
  const name = jobNameFor('diamond', runId, 'train-a');
  assert.equal(name, `diamond.${runId}.train-a`);
  assert.deepEqual(parseJobName(name), { workflow: 'diamond', runId, step: 'train-a' });
  assert.equal(parseJobName('my job'), undefined);
  assert.equal(parseJobName('a.b.c.d'), undefined);
});

test('dependencies group by kind, all required (Slurm ","), duplicates once', () => {
  assert.equal(dependencyExpression([]), undefined);
  assert.equal(dependencyExpression([{ kind: 'afterok', jobId: 5 }, { kind: 'afterany', jobId: 7 }, { kind: 'afterok', jobId: 6 }, { kind: 'afterok', jobId: 5 }]), 'afterok:5:6,afterany:7');
});

test('a step\'s sbatch argv: name, resources, dependency on submitted steps only, held, log in the run folder', () => {
  const s = step({ name: 'eval', resources: { partition: 'debug', time: '5', cpusPerTask: 2, mem: '1G', gpus: 1 }, dependsOn: [{ step: 'a', kind: 'afterok' }, { step: 'b', kind: 'afternotok' }, { step: 'done-before', kind: 'afterok' }], array: '0-3%2' });
  const argv = stepSbatchArgv({ workflow: 'wf', runId: 'r1', step: s, runDir: '/home/u/.swb/workflows/wf.r1', upstream: new Map([['a', 11], ['b', 12]]), hold: true });
  assert.deepEqual(argv, [
    'sbatch', '--parsable',
    '--job-name=wf.r1.eval',
    '--partition=debug', '--time=5', '--cpus-per-task=2', '--mem=1G', '--gres=gpu:1', '--array=0-3%2',
    '--dependency=afterok:11,afternotok:12',
    '--output=/home/u/.swb/workflows/wf.r1/eval-%A_%a.out',
    '--chdir=/home/u/.swb/workflows/wf.r1',
    '--hold', '--kill-on-invalid-dep=no',
    '/home/u/.swb/workflows/wf.r1/eval.sbatch',
  ]);
  const first = stepSbatchArgv({ workflow: 'wf', runId: 'r1', step: step({ name: 'prep' }), runDir: '/d', upstream: new Map() });
  assert.ok(!first.some((a) => a.startsWith('--dependency') || a === '--hold'));
  assert.ok(first.includes('--output=/d/prep-%j.out'));
});

test('the generated step script exports env quoted and retries the command; it really runs that way', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swb-wf-'));
  const s = step({ name: 'flaky', command: 'n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; echo "$GREETING"; [ "$n" -ge 2 ]', env: { GREETING: "it's $HOME; `x`" }, retries: 2 });
  for (const f of stepFiles({ workflow: 'wf', runId: 'r1', step: s })) writeFileSync(path.join(dir, f.name), f.content);
  // Run the generated script with bash here (what the job does on a node): attempts 1 and 2 fail, 3 succeeds.
  const out = execFileSync('bash', ['flaky.sbatch'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(out, "it's $HOME; `x`\n".repeat(3));
  const noRetry = stepFiles({ workflow: 'wf', runId: 'r1', step: step({ name: 'x', command: 'exit 3' }) });
  for (const f of noRetry) writeFileSync(path.join(dir, f.name), f.content);
  assert.throws(() => execFileSync('bash', ['x.sbatch'], { cwd: dir, stdio: 'ignore' }), (e: { status?: number }) => e.status === 3);
});

test('a script step carries its own #SBATCH lines and runs by its shebang', () => {
  const text = '#!/bin/bash\n#SBATCH --qos=low\n# note\n#SBATCH -c 2\necho hi\n#SBATCH --time=9\n';
  assert.deepEqual(headerDirectives(text), ['#SBATCH --qos=low', '#SBATCH -c 2']);
  const files = stepFiles({ workflow: 'wf', runId: 'r1', step: step({ name: 'train', command: undefined, script: 'scripts/train.sh' }), scriptText: text });
  assert.deepEqual(files.map((f) => f.name), ['train.train.sh', 'train.sbatch']);
  assert.equal(files[0].content, text);
  assert.match(files[1].content, /^#!\/bin\/bash\n# Slurm Workbench workflow wf, run r1, step train \(generated\)\.\n#SBATCH --qos=low\n#SBATCH -c 2\nchmod u\+x \.\/train\.train\.sh\n\.\/train\.train\.sh\n$/);
});

const run: WorkflowRun = {
  workflow: 'diamond', runId: 'abc123', profile: 'bundled', remoteDir: '/home/u/wf', startedAt: '2026-12-05T05:00:00Z',
  steps: [
    { name: 'prep', jobId: 10, previousJobIds: [], dependsOn: [] },
    { name: 'train-a', jobId: 11, previousJobIds: [], dependsOn: [{ step: 'prep', kind: 'afterok' }] },
    { name: 'train-b', jobId: 12, previousJobIds: [], dependsOn: [{ step: 'prep', kind: 'afterok' }] },
    { name: 'eval', jobId: 13, previousJobIds: [], dependsOn: [{ step: 'train-a', kind: 'afterok' }, { step: 'train-b', kind: 'afterok' }] },
    { name: 'report', jobId: 14, previousJobIds: [], dependsOn: [{ step: 'eval', kind: 'afterok' }] },
  ],
};

test('retry plan: the failed step and all downstream; their waiting jobs cancelled; a still running sibling waited for', () => {
  const plan = planRetry(run, new Map([['prep', 'COMPLETED'], ['train-a', 'FAILED'], ['train-b', 'RUNNING'], ['eval', 'PENDING'], ['report', 'PENDING']]));
  assert.deepEqual(plan.steps, ['train-a', 'eval', 'report']);
  assert.deepEqual(plan.cancel, [13, 14]);
  assert.deepEqual([...plan.upstream], [['train-b', 12]]);
});

test('retry plan: cancelled and timed-out steps count as failed; a finished run has nothing to retry', () => {
  const cancelled = planRetry(run, new Map([['prep', 'COMPLETED'], ['train-a', 'COMPLETED'], ['train-b', 'TIMEOUT'], ['eval', 'CANCELLED by 1000'], ['report', 'CANCELLED by 1000']]));
  assert.deepEqual(cancelled.steps, ['train-b', 'eval', 'report']);
  assert.deepEqual(cancelled.cancel, []);
  assert.deepEqual([...cancelled.upstream], []);
  const done = planRetry(run, new Map(run.steps.map((s) => [s.name, 'COMPLETED'])));
  assert.deepEqual(done.steps, []);
});

test('stored runs are checked on the way in: a broken record is dropped, a good one kept', () => {
  const stored = parseStoredRuns([run, { ...run, remoteDir: 'relative/path' }, { nonsense: true }, { ...run, runId: 'UPPER' }]);
  assert.equal(stored.length, 1);
  assert.deepEqual(stored[0], run);
  assert.deepEqual(parseStoredRuns('not a list'), []);
});

test('a parsed workflow\'s steps feed stepFiles without a script text only for command steps', () => {
  const r = parseWorkflow('steps:\n  - { name: a, script: a.sh }\n');
  assert.ok(r.ok);
  assert.throws(() => stepFiles({ workflow: 'w', runId: 'r', step: r.workflow.steps[0] }), /text of a.sh is missing/);
});
