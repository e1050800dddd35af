// The Jobs view's poll cycle and tree structure, on outputs recorded from the real 22.05 cluster
// (test/fixtures/slurm-22.05, recorded by test/fixtures/record.ts). The "runner" hands each call the
// recorded stdout of that command: the parsers are the real ones, only the transport is left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterContext, SlurmCall } from '../../src/slurm';
import { JobTracker, type CallRunner } from '../../src/session/jobTracker';
import { buildJobTree } from '../../src/session/jobTreeModel';
import { jobContextValue, jobDescription } from '../../src/session/jobPresentation';
import { notificationsFor } from '../../src/session/notifications';
import { sameJobRow, type JobRow } from '../../src/session/jobRow';
import { withoutRefusedSubmissions } from '../../src/session/refusedSubmission';
import { diffSnapshots } from '../../src/poller/diff';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05');
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const manifest = JSON.parse(fixture('manifest.json')) as { context: ClusterContext; recordedAt: string };
const RECORD_END = '\u001e\n';

/** Replays recorded outputs: squeue gets `queue`, sacct gets `accounting`; every call is logged. */
function replay(outputs: { queue: string; accounting: string }, calls: string[][]): CallRunner {
  return {
    context: async () => manifest.context,
    run: async <T>(call: SlurmCall<T>) => {
      calls.push([...call.argv]);
      const stdout = call.argv.includes('squeue') ? outputs.queue : outputs.accounting;
      return call.parse({ stdout, stderr: '' });
    },
  };
}

const queueLines = fixture('squeue.txt').split(RECORD_END).filter((l) => l.length > 0);
const withoutJobs = (...ids: string[]): string =>
  queueLines.filter((l) => !ids.some((id) => l.startsWith(`${id}\u001f`))).map((l) => l + RECORD_END).join('');
const now = () => Date.parse(manifest.recordedAt) + 60_000;

test('tracker: first poll = squeue + history sacct; steady poll = squeue only', async () => {
  const calls: string[][] = [];
  const tracker = new JobTracker(undefined, now);
  const first = await tracker.poll(replay({ queue: fixture('squeue.txt'), accounting: fixture('sacct.txt') }, calls), 'start');
  assert.deepEqual(calls.map((c) => c[0] === 'env' ? 'squeue' : c[0]), ['squeue', 'sacct']);
  assert.ok(calls[1].includes('--user=slurmuser'));
  assert.equal(first.events.length, 0, 'no "added" storm on the first poll');
  const ids = first.jobs.map((j) => j.id);
  assert.ok(ids.includes('30707_[5,7%2]') && ids.includes('30710') === false, 'array tasks are shown by their task id');
  assert.ok(ids.includes('30707_1'));
  // Finished jobs from the history window follow the active ones.
  const basic = first.jobs.find((j) => j.id === '30703');
  assert.equal(basic?.state, 'COMPLETED');
  assert.equal(basic?.source, 'sacct');
  const fail = first.jobs.find((j) => j.id === '30704');
  assert.equal(fail?.state, 'FAILED');
  assert.equal(fail?.exitCode, '3:0');

  calls.length = 0;
  await tracker.poll(replay({ queue: fixture('squeue.txt'), accounting: fixture('sacct.txt') }, calls), 'timer');
  assert.equal(calls.length, 1, 'a steady cycle is one squeue');
});

test('tracker: a job that leaves the queue is confirmed by ONE sacct for exactly the ids that left', async () => {
  const calls: string[][] = [];
  const tracker = new JobTracker(undefined, now);
  await tracker.poll(replay({ queue: fixture('squeue.txt'), accounting: '' }, calls), 'start');
  calls.length = 0;
  // 30716 (gpu, RUNNING) and 30713 (held) leave the queue. In the recording accounting still had
  // them RUNNING / PENDING: not final, so neither is confirmed yet and both are asked again later.
  const poll = await tracker.poll(replay({ queue: withoutJobs('30716', '30713'), accounting: fixture('sacct.txt') }, calls), 'timer');
  assert.equal(calls.length, 2);
  const sacct = calls[1];
  const jobsArg = sacct.find((a) => a.startsWith('--jobs='));
  assert.ok(jobsArg, 'sacct is asked by id');
  assert.deepEqual(jobsArg.slice('--jobs='.length).split(',').sort(), ['30713', '30716']);
  assert.deepEqual(poll.events.filter((e) => e.kind === 'finished'), []);
  const row = poll.jobs.find((j) => j.id === '30716');
  assert.equal(row?.reason, 'left the queue; waiting for accounting');
});

test('tracker: final records produce finished events with state and exit code', async () => {
  const calls: string[][] = [];
  const tracker = new JobTracker(undefined, now);
  // A queue that still has 30704 (as if it were running) ...
  const fake30704 = queueLines.find((l) => l.startsWith('30716\u001f'))!.split('30716').join('30704');
  await tracker.poll(replay({ queue: fake30704 + RECORD_END, accounting: '' }, calls), 'start');
  // ... then it leaves, and accounting has its FAILED record.
  const poll = await tracker.poll(replay({ queue: '', accounting: fixture('sacct.txt') }, calls), 'timer');
  const finished = poll.events.filter((e) => e.kind === 'finished');
  assert.equal(finished.length, 1);
  assert.equal(finished[0].job.id, '30704');
  assert.equal(finished[0].job.state, 'FAILED');
  assert.equal(finished[0].job.exitCode, '3:0');
  assert.equal(finished[0].job.name, 'zoo fail3', 'final facts come from accounting');
  assert.equal(finished[0].before?.state, 'RUNNING');
  const notes = notificationsFor('bundled', poll.events, 'all', () => false);
  assert.equal(notes.length, 1);
  assert.equal(notes[0].severity, 'error');
  assert.match(notes[0].message, /Job 30704 "zoo fail3" on bundled ended FAILED \(exit code 3:0\)/);
  assert.deepEqual(notificationsFor('bundled', poll.events, 'watched', () => false), [], 'unwatched jobs stay quiet by default');
});

test('tree model: state groups with counts, arrays collapsed under their array id', async () => {
  const tracker = new JobTracker(undefined, now);
  const { jobs } = await tracker.poll(replay({ queue: fixture('squeue.txt'), accounting: fixture('sacct.txt') }, []), 'start');
  const tree = buildJobTree(jobs, { groupBy: 'state', sortBy: 'id' });
  assert.deepEqual(tree.map((g) => g.kind === 'group' && g.group), ['running', 'pending', 'finished']);
  const running = tree[0].kind === 'group' ? tree[0].children : [];
  const array = running.find((e) => e.kind === 'array');
  assert.ok(array && array.kind === 'array');
  assert.equal(array.arrayJobId, '30707');
  assert.deepEqual(array.children.map((c) => c.kind === 'job' && c.job.id), ['30707_1', '30707_3']);
  const pending = tree[1].kind === 'group' ? tree[1].children : [];
  const pendingArray = pending.find((e) => e.kind === 'array' && e.arrayJobId === '30707');
  assert.ok(pendingArray, 'the pending remainder of the array sits in Pending');
  // Newest first within a group.
  const ids = pending.map((e) => (e.kind === 'job' ? Number(e.job.id.split(/[_+]/)[0]) : e.kind === 'array' ? Number(e.arrayJobId) : 0));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  const flat = buildJobTree(jobs, { groupBy: 'none', sortBy: 'name' });
  assert.ok(flat.every((e) => e.kind !== 'group'));
  const filtered = buildJobTree(jobs, { groupBy: 'none', sortBy: 'id', filter: { text: 'hold', groups: ['pending'] } });
  assert.deepEqual(filtered.map((e) => e.kind === 'job' && e.job.name).sort(), ['zoo admin hold', 'zoo user hold']);
});

test('presentation: context values drive the menus; descriptions show the state and the one detail that matters', async () => {
  const tracker = new JobTracker(undefined, now);
  const { jobs } = await tracker.poll(replay({ queue: fixture('squeue.txt'), accounting: fixture('sacct.txt') }, []), 'start');
  const byName = (n: string) => jobs.find((j) => j.name === n)!;
  assert.equal(jobContextValue(byName('zoo user hold')), 'job:pending cancellable held');
  assert.equal(jobContextValue(byName('zoo begin later')), 'job:pending cancellable holdable');
  assert.equal(jobContextValue(byName('zoo gpu')), 'job:running cancellable hasLogs');
  assert.equal(jobContextValue(jobs.find((j) => j.id === '30704')!), 'job:finished hasLogs');
  assert.equal(jobDescription(byName('zoo begin later')), 'PENDING · BeginTime');
  assert.equal(jobDescription(byName('zoo user hold')), 'PENDING · held');
  assert.match(jobDescription(byName('zoo gpu')), /^RUNNING · [▰▱]{5} \d+:\d\d \/ 10:00$/);
});

test("tracker: each poll's one diff is the shown jobs' diff against the previous poll, by id", async () => {
  const tracker = new JobTracker(undefined, now);
  const shownBefore = new Map<string, JobRow>();
  const renamed = queueLines.map((l) => (l.startsWith('30716\u001f') ? l.replace('zoo gpu', 'zoo gpu renamed') : l)).map((l) => l + RECORD_END).join('');
  const polls: { queue: string; accounting: string }[] = [
    { queue: fixture('squeue.txt'), accounting: fixture('sacct.txt') },
    { queue: fixture('squeue.txt'), accounting: fixture('sacct.txt') },
    { queue: withoutJobs('30716', '30713'), accounting: fixture('sacct.txt') },
    { queue: renamed, accounting: fixture('sacct.txt') },
    { queue: '', accounting: fixture('sacct.txt') },
  ];
  for (const [i, outputs] of polls.entries()) {
    const poll = await tracker.poll(replay(outputs, []), i === 0 ? 'start' : 'timer');
    const shown = new Map<string, JobRow>();
    for (const job of withoutRefusedSubmissions(poll.jobs)) shown.set(job.id, job);
    const expected = diffSnapshots(shownBefore, shown, sameJobRow);
    const ids = (rows: readonly JobRow[]) => rows.map((r) => r.id).sort();
    assert.deepEqual(ids(poll.diff.added), ids(expected.added), `poll ${i}: added`);
    assert.deepEqual(ids(poll.diff.removed), ids(expected.removed), `poll ${i}: removed`);
    assert.deepEqual(ids(poll.diff.changed.map((c) => c.after)), ids(expected.changed.map((c) => c.after)), `poll ${i}: changed`);
    for (const c of poll.diff.changed) assert.equal(c.after, shown.get(c.after.id), `poll ${i}: changed rows are the shown ones`);
    assert.equal(poll.diff.unchanged, expected.unchanged, `poll ${i}: unchanged`);
    shownBefore.clear();
    for (const [id, row] of shown) shownBefore.set(id, row);
  }
});
