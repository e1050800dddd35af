// Workflows on the real cluster (issue 21), on every selected bed, through the real sshd and ssh2
// transport: the sample diamond runs in dependency order (sacct's start and end times prove it); a
// failing middle step leaves its downstream pending with DependencyNeverSatisfied, and Retry Failed
// after fixing the script cancels those and completes the run; a step sbatch refuses leaves nothing
// queued and no run folder (all or nothing); a cycle or an unknown step is refused before anything
// is submitted; Retry Failed's fresh states are one squeue for the run (one sacct only for jobs
// slurmctld forgot). Only our own jobs (by id and by our run's job names) are looked at and cancelled.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseWorkflow } from '../../src/workflow/parse';
import { listJobRowsByIds } from '../../src/session/slurmJobLister';
import { freshStepStates } from '../../src/workflow/freshStates';
import { jobNameFor } from '../../src/workflow/plan';
import { retryFailed, startRun, WorkflowSubmitError } from '../../src/workflow/runner';
import type { WorkflowRun } from '../../src/workflow/runRecord';
import type { Workflow } from '../../src/workflow/schema';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { finalState } from './jobWait';

const sampleFile = path.resolve(__dirname, '../../media/samples/diamond.slurm.yaml');

function workflowOf(text: string, file = 'test.slurm.yaml'): Workflow {
  const r = parseWorkflow(text, file);
  if (!r.ok) throw new Error(`workflow refused: ${JSON.stringify(r.problems)}`);
  return r.workflow;
}

interface SacctRow {
  name: string;
  state: string;
  start: string;
  end: string;
}

/** One sacct line per job (-X): name, state, start and end (no time zone, same clock: compare as text). */
async function sacctRows(bed: Bed, ids: readonly number[]): Promise<Map<number, SacctRow>> {
  const r = await sshRun(`sacct -n -X -P -o JobID,JobName,State,Start,End -j ${ids.join(',')}`, { bed });
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<number, SacctRow>();
  for (const line of r.stdout.trim().split('\n')) {
    const [id, name, state, start, end] = line.split('|');
    out.set(Number(id), { name, state, start, end });
  }
  return out;
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** squeue's state and reason for one job ("" once it left the queue). */
async function queued(bed: Bed, id: number): Promise<string> {
  const r = await sshRun(`squeue -h -j ${id} -o '%T %r' 2>/dev/null || true`, { bed });
  return r.stdout.trim();
}

for (const bed of readBeds()) {
  describe(`workflows — ${bedLabel(bed)}`, { timeout: 900_000 }, () => workflowTests(bed));
}

function workflowTests(bed: Bed): void {
  const transport = bedTransport(bed, 'bundled', { defaultTimeoutMs: 60_000 });
  const remoteRoot = `~/.swb-wf-it-${randomBytes(4).toString('hex')}`;
  const ours: number[] = [];
  const options = { timeoutMs: 60_000 };
  const remember = (run: WorkflowRun) => ours.push(...run.steps.flatMap((s) => [s.jobId, ...s.previousJobIds]));

  after(async () => {
    if (ours.length) await sshRun(`scancel ${ours.join(' ')}`, { bed });
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    transport.dispose();
  });

  it('the sample diamond runs in dependency order: each step starts after every step it depends on ended', async () => {
    const workflow = workflowOf(readFileSync(sampleFile, 'utf8'), 'diamond.slurm.yaml');
    const run = await startRun(transport, { workflow, scriptTexts: new Map(), remoteRoot, profile: 'bundled' }, options);
    remember(run);
    const ids = new Map(run.steps.map((s) => [s.name, s.jobId]));
    for (const s of run.steps) assert.equal(await finalState(bed, s.jobId), 'COMPLETED', `step ${s.name}`);
    const rows = await sacctRows(bed, [...ids.values()]);
    for (const s of run.steps) {
      const row = rows.get(s.jobId)!;
      assert.equal(row.name, jobNameFor('diamond', run.runId, s.name), 'the job name traces back to run and step');
      for (const d of s.dependsOn) {
        const up = rows.get(ids.get(d.step)!)!;
        assert.ok(row.start >= up.end, `${s.name} started ${row.start}, before ${d.step} ended ${up.end}`);
      }
    }
    // The steps share the run folder: report read what eval wrote from both trainings.
    const report = await sshRun(`cat ${run.remoteDir}/report-${ids.get('report')}.out`, { bed });
    assert.match(report.stdout, /report:\na 5050\nb 338350/);
    const evalLog = await sshRun(`cat ${run.remoteDir}/eval-${ids.get('eval')}.out`, { bed });
    assert.match(evalLog.stdout, /evaluated with LEARNING_RATE=unset/, 'env is per step: train-b\'s does not leak into eval');
  });

  it('a failing middle step leaves its downstream DependencyNeverSatisfied; Retry Failed after the fix completes the run', async () => {
    const text = [
      'name: fixme',
      'steps:',
      '  - { name: prep, command: "echo ok > prep.txt", resources: { time: "2", mem: 50M } }',
      '  - { name: train-a, script: train.sh, depends_on: [prep], resources: { time: "2", mem: 50M } }',
      '  - { name: train-b, command: "cat prep.txt", depends_on: [prep], resources: { time: "2", mem: 50M } }',
      '  - { name: eval, command: "cat trained.txt", depends_on: [train-a, train-b], resources: { time: "2", mem: 50M } }',
      '  - { name: report, command: "echo done", depends_on: [eval], resources: { time: "2", mem: 50M } }',
    ].join('\n');
    const workflow = workflowOf(text);
    const broken = '#!/bin/bash\necho "training fails" >&2\nexit 3\n';
    const fixed = '#!/bin/bash\necho trained > trained.txt\n';
    const run = await startRun(transport, { workflow, scriptTexts: new Map([['train.sh', broken]]), remoteRoot, profile: 'bundled' }, options);
    remember(run);
    const id = (step: string, r = run) => r.steps.find((s) => s.name === step)!.jobId;
    assert.match(await finalState(bed, id('train-a')), /^FAILED/);
    assert.equal(await finalState(bed, id('train-b')), 'COMPLETED');
    await until('eval to pend with DependencyNeverSatisfied', () => queued(bed, id('eval')), (s) => s === 'PENDING DependencyNeverSatisfied');
    assert.match(await queued(bed, id('report')), /^PENDING (Dependency|DependencyNeverSatisfied)$/);

    // Retry Failed plans on Slurm's answer now: one squeue for the whole run, no sacct (slurmctld still knows every job).
    const fresh = await freshStepStates(transport, run, options);
    assert.deepEqual(fresh.calls, ['squeue']);
    assert.deepEqual(Object.fromEntries(fresh.states), { prep: 'COMPLETED', 'train-a': 'FAILED', 'train-b': 'COMPLETED', eval: 'PENDING', report: 'PENDING' });
    assert.equal(fresh.seen.get(id('eval'))?.reason, 'DependencyNeverSatisfied');
    const retried = await retryFailed(transport, { run, workflow, scriptTexts: new Map([['train.sh', fixed]]), states: fresh.states }, options);
    remember(retried);
    assert.equal(id('prep', retried), id('prep'), 'a completed step is not submitted again');
    assert.equal(id('train-b', retried), id('train-b'));
    for (const step of ['train-a', 'eval', 'report']) {
      assert.notEqual(id(step, retried), id(step), `${step} got a new job`);
      assert.deepEqual(retried.steps.find((s) => s.name === step)!.previousJobIds, [id(step)]);
      assert.equal(await finalState(bed, id(step, retried)), 'COMPLETED', `retried ${step}`);
    }
    assert.match(await finalState(bed, id('eval')), /^CANCELLED/, 'the old eval, waiting for ever, was cancelled');
    assert.match(await finalState(bed, id('report')), /^CANCELLED/);
  });

  it('fresh states for jobs slurmctld does not know are asked of accounting in one sacct, not per job', async () => {
    // Ids far beyond the bed's counter: no job has them, so squeue lists none and sacct is asked once for both.
    const { rows, calls } = await listJobRowsByIds(transport, ['99999991', '99999992'], options);
    assert.deepEqual(calls, ['squeue', 'sacct']);
    assert.deepEqual(rows, []);
  });

  it('a step sbatch refuses: the steps already submitted are cancelled before they start, the run folder is removed', async () => {
    const text = [
      'name: refused',
      'steps:',
      '  - { name: first, command: "touch ran-first", resources: { time: "2" } }',
      '  - { name: second, command: "true", depends_on: [first], resources: { partition: no-such-partition } }',
    ].join('\n');
    let cancelled: number[] = [];
    const runId = `r${randomBytes(3).toString('hex')}`;
    const firstName = jobNameFor('refused', runId, 'first');
    const before = await sshRun(`ls ${remoteRoot}/workflows 2>/dev/null | sort`, { bed });
    await assert.rejects(startRun(transport, { workflow: workflowOf(text), scriptTexts: new Map(), remoteRoot, profile: 'bundled', runId }, options), (err: unknown) => {
      assert.ok(err instanceof WorkflowSubmitError, String(err));
      assert.equal(err.step, 'second');
      cancelled = err.cancelledJobIds;
      assert.match(err.message, /sbatch refused step second: .*partition/i);
      assert.match(err.message, /The 1 job already submitted \(held, none started\) was cancelled/);
      return true;
    });
    const after = await sshRun(`ls ${remoteRoot}/workflows 2>/dev/null | sort`, { bed });
    assert.equal(after.stdout, before.stdout, 'no run folder is left behind');
    const names = await sshRun(`squeue -h --name=${firstName} -o %i`, { bed });
    assert.equal(names.stdout.trim(), '', 'nothing of the run is queued');
    assert.equal(cancelled.length, 1);
    ours.push(...cancelled);
    // Asked by id: sacct leaves jobs that never started out of time windows.
    const acct = await until('sacct to record the cancelled first step', () => sshRun(`sacct -n -X -P -o JobName,State,Elapsed,NodeList -j ${cancelled[0]} --name=${firstName}`, { bed }), (r) => /CANCELLED/.test(r.stdout), 60_000);
    // sacct gives a job cancelled while pending a Start equal to its End on 22.05: no time ran and no node was given.
    assert.match(acct.stdout.trim(), new RegExp(`^${firstName.replace(/\./g, '\\.')}\\|CANCELLED[^|]*\\|00:00:00\\|None assigned$`), 'it never started');
  });

  it('a cycle and an unknown depends_on are refused with line and column before anything is submitted', async () => {
    for (const [bad, want] of [
      ['steps:\n  - { name: a, command: x, depends_on: [b] }\n  - { name: b, command: x, depends_on: [a] }\n', /cycle: a → b → a/],
      ['steps:\n  - { name: a, command: x }\n  - { name: b, command: x, depends_on: [nope] }\n', /depends on "nope"/],
    ] as const) {
      const r = parseWorkflow(bad, 'bad.slurm.yaml');
      assert.equal(r.ok, false);
      if (r.ok) continue;
      assert.match(r.problems[0].message, want);
      assert.ok(r.problems[0].line >= 2 && r.problems[0].column > 1);
    }
    const q = await sshRun(`squeue -h --name=bad -o %i; ls ${remoteRoot}/workflows 2>/dev/null | grep -c '^bad\\.' || true`, { bed });
    assert.equal(q.stdout.trim(), '0');
  });
}
