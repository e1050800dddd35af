// Interactive sessions' pure core (src/interactive): the answers and the placeholder job's sbatch
// line, the Jobs view's words for a session, and waiting/watching over a cluster session's
// snapshots. The snapshot source here is an Emitter standing in for ClusterSession's poll (the
// integration test runs the real one against the cluster).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Emitter } from '../../src/core/disposable';
import { CancelledError, UserFacingError } from '../../src/core/errors';
import {
  describeAnswers, interactiveSbatchOptions, interactiveWords, isInteractiveJob, limitSeconds, parseInteractiveAnswers, timeLeft, timeLimitProblem, INTERACTIVE_JOB_NAME,
} from '../../src/interactive/interactiveJob';
import { jobPhase, waitingWords, waitUntilRunning, watchForEnd, type JobSource } from '../../src/interactive/interactiveSession';
import type { ClusterSnapshot } from '../../src/session/clusterSession';
import { jobContextValue, jobDescription } from '../../src/session/jobPresentation';
import type { JobRow } from '../../src/session/jobRow';
import { sbatchArgv } from '../../src/slurm/sbatch';

const row = (over: Partial<JobRow>): JobRow => ({ id: '7', actionId: '7', name: INTERACTIVE_JOB_NAME, state: 'PENDING', source: 'squeue', ...over });
const snap = (jobs: JobRow[], over: Partial<ClusterSnapshot> = {}): ClusterSnapshot => ({ profileName: 'c', connection: { kind: 'connected' }, jobs, stale: false, loading: false, notices: [], ...over });

class FakeSource implements JobSource {
  private readonly emitter = new Emitter<{ snapshot: ClusterSnapshot }>();
  readonly onDidChange = this.emitter.event;
  snapshot: ClusterSnapshot = snap([], { loading: true });
  push(s: ClusterSnapshot): void {
    this.snapshot = s;
    this.emitter.fire({ snapshot: s });
  }
}

test('time limits: finite Slurm forms are accepted, UNLIMITED, empty and under a minute are refused', () => {
  assert.equal(limitSeconds('30'), 1800);
  assert.equal(limitSeconds('5:30'), 330);
  assert.equal(limitSeconds('1:00:00'), 3600);
  assert.equal(limitSeconds('2-12'), 2 * 86400 + 12 * 3600);
  assert.equal(limitSeconds('1-00:30'), 86400 + 1800);
  assert.equal(limitSeconds('1-01:02:03'), 86400 + 3723);
  assert.equal(limitSeconds('UNLIMITED'), undefined);
  assert.match(timeLimitProblem('') ?? '', /needs a time limit/);
  assert.match(timeLimitProblem('unlimited') ?? '', /finite/);
  assert.match(timeLimitProblem('0:30') ?? '', /one minute/);
  assert.equal(timeLimitProblem('1:00:00'), undefined);
});

test('answers are checked like the submit form, the time is required, and empty fields are left out', () => {
  const ok = parseInteractiveAnswers({ partition: 'debug', time: ' 45 ', cpusPerTask: '2', mem: '1G', gpus: '0' });
  assert.deepEqual(ok, { ok: true, answers: { partition: 'debug', time: '45', cpusPerTask: 2, mem: '1G', gpus: 0 } });
  assert.deepEqual(parseInteractiveAnswers({ time: '10', partition: '', mem: '' }), { ok: true, answers: { time: '10' } });
  const noTime = parseInteractiveAnswers({ partition: 'debug' });
  assert.equal(noTime.ok, false);
  assert.match(!noTime.ok ? noTime.message : '', /^time: /);
  const bad = parseInteractiveAnswers({ time: '10', cpusPerTask: 'two', mem: '4 lots' });
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /cpusPerTask: .*; mem: Memory as a number/);
  assert.equal(parseInteractiveAnswers('debug').ok, false);
  assert.equal(describeAnswers({ partition: 'gpu', time: '1:00:00', cpusPerTask: 1, mem: '4G', gpus: 2 }), 'gpu · 1:00:00 · 1 CPU · 4G memory · 2 GPUs');
  assert.equal(describeAnswers({ time: '30' }), 'default partition · 30');
});

test('the placeholder job: a recognisable name, the limit, one task, no output file, sleep until ended', () => {
  const argv = sbatchArgv(interactiveSbatchOptions({ partition: 'debug', time: '30', cpusPerTask: 2, mem: '1G', gpus: 1 }));
  assert.deepEqual(argv, ['sbatch', '--parsable', '--job-name=interactive', '--partition=debug', '--time=30', '--ntasks=1', '--cpus-per-task=2', '--mem=1G', '--gres=gpu:1', '--output=/dev/null', '--wrap=sleep infinity']);
  assert.deepEqual(sbatchArgv(interactiveSbatchOptions({ time: '1:00:00', gpus: 0 })), ['sbatch', '--parsable', '--job-name=interactive', '--time=1:00:00', '--ntasks=1', '--output=/dev/null', '--wrap=sleep infinity']);
  assert.throws(() => interactiveSbatchOptions({ time: 'UNLIMITED' }), /finite/);
});

test('the Jobs view shows a session as interactive with the time it has left, and flags it for Reopen', () => {
  const running = row({ state: 'RUNNING', elapsed: '17:50', timeLimit: '1:00:00' });
  assert.ok(isInteractiveJob(running));
  assert.ok(!isInteractiveJob(row({ name: 'interactive-ish' })));
  assert.equal(timeLeft(running), '42:10');
  assert.equal(timeLeft(row({ elapsed: '1-00:00:00', timeLimit: '2-00:00:00' })), '1-00:00:00');
  assert.equal(timeLeft(row({ elapsed: '5:00', timeLimit: 'UNLIMITED' })), undefined);
  assert.equal(jobDescription(running), 'RUNNING · 42:10 left');
  assert.equal(jobDescription(row({ reason: 'Resources', timeLimit: '30:00' })), 'PENDING · limit 30:00 · Resources');
  assert.equal(jobDescription(row({ state: 'CANCELLED', exitCode: '0:15' })), 'CANCELLED · exit 0:15');
  assert.equal(interactiveWords(row({ state: 'RUNNING' }), true), undefined);
  assert.equal(jobDescription(row({ state: 'RUNNING' })), 'RUNNING');
  assert.match(jobContextValue(running), /^job:running cancellable hasLogs interactive$/);
  assert.doesNotMatch(jobContextValue(row({ name: 'train' })), /interactive/);
});

test('a job phase is read only from a fresh snapshot; missing counts as ended only once it was seen', () => {
  assert.equal(jobPhase(snap([row({})], { stale: true }), '7', true).kind, 'unknown');
  assert.equal(jobPhase(snap([row({})], { error: 'x' }), '7', true).kind, 'unknown');
  assert.equal(jobPhase(snap([]), '7', false).kind, 'unknown');
  assert.deepEqual(jobPhase(snap([]), '7', true), { kind: 'ended', state: 'gone from the queue' });
  assert.equal(jobPhase(snap([row({})]), '7', false).kind, 'waiting');
  assert.equal(jobPhase(snap([row({ state: 'CONFIGURING' })]), '7', false).kind, 'running');
  assert.deepEqual(jobPhase(snap([row({ state: 'TIMEOUT' })]), '7', false), { kind: 'ended', state: 'TIMEOUT' });
  // squeue's COMPLETING (steps being killed), and the tracker's row for a job that left the queue before sacct confirmed it.
  assert.deepEqual(jobPhase(snap([row({ state: 'COMPLETING' })]), '7', true), { kind: 'ended', state: 'ending' });
  assert.deepEqual(jobPhase(snap([row({ state: 'COMPLETING', reason: 'left the queue; waiting for accounting' })]), '7', true), { kind: 'ended', state: 'gone from the queue' });
});

test('waiting: each pending reason is reported in plain words, and it resolves when the job runs', async () => {
  const source = new FakeSource();
  const heard: string[] = [];
  const wait = waitUntilRunning(source, '7', { onWaiting: (r) => heard.push(waitingWords(r)) });
  source.push(snap([]));
  source.push(snap([row({ reason: 'Priority' })]));
  source.push(snap([row({ reason: 'Resources' })]));
  source.push(snap([row({ state: 'RUNNING', nodes: 'node2' })]));
  const r = await wait;
  assert.equal(r.nodes, 'node2');
  // The snapshot at hand (still loading), the first poll without the job yet, then its reasons.
  assert.deepEqual(heard.slice(0, 2), ['Submitted; waiting for the queue to list it…', 'Submitted; waiting for the queue to list it…']);
  assert.match(heard[2] ?? '', /^Waiting \(Priority\): Other jobs are ahead of it/);
  assert.match(heard[3] ?? '', /^Waiting \(Resources\): .*busy/);
  assert.equal(heard.length, 4);
});

test('waiting ends with a clear error when the job ends first, and with CancelledError on cancel', async () => {
  const source = new FakeSource();
  const wait = waitUntilRunning(source, '7');
  source.push(snap([row({})]));
  source.push(snap([]));
  await assert.rejects(wait, (e: unknown) => e instanceof UserFacingError && /ended before it started \(gone from the queue\)/.test(e.message) && !!e.hint);

  const failed = new FakeSource();
  failed.snapshot = snap([row({ state: 'FAILED' })]);
  await assert.rejects(waitUntilRunning(failed, '7'), /ended before it started \(FAILED\)/);

  const ctl = new AbortController();
  const pending = new FakeSource();
  const w = waitUntilRunning(pending, '7', { signal: ctl.signal });
  pending.push(snap([row({})]));
  ctl.abort();
  await assert.rejects(w, (e: unknown) => e instanceof CancelledError);
  // Nothing listens any more after it settled.
  pending.push(snap([row({ state: 'RUNNING' })]));
});

test('watching fires once when the running job ends or leaves the queue, and not on a stale snapshot', () => {
  const source = new FakeSource();
  source.snapshot = snap([row({ state: 'RUNNING' })]);
  const ended: string[] = [];
  const w = watchForEnd(source, '7', (s) => ended.push(s));
  source.push(snap([], { stale: true, error: 'connection lost' }));
  assert.deepEqual(ended, []);
  source.push(snap([row({ state: 'CANCELLED' })]));
  source.push(snap([]));
  assert.deepEqual(ended, ['CANCELLED']);
  w.dispose();

  const gone: string[] = [];
  const source2 = new FakeSource();
  source2.snapshot = snap([row({ state: 'RUNNING' })]);
  const w2 = watchForEnd(source2, '7', (s) => gone.push(s));
  w2.dispose();
  source2.push(snap([]));
  assert.deepEqual(gone, [], 'a disposed watch hears nothing');
});
