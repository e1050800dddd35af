// After submit / cancel / hold / release the poller runs fast until the awaited change shows, then
// stretches back to the normal cadence (issue 18 point 4). Pure logic with a manual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobFreshness, DEFAULT_FRESHNESS } from '../../src/session/freshness';
import type { JobRow } from '../../src/session/jobRow';
import { Poller, type PollerTiming } from '../../src/poller/poller';
import { ManualClock, flush } from './manualClock';

const row = (id: string, state: string, reason?: string): JobRow => ({ id, actionId: id, name: 'train', state, reason, source: 'squeue' });

test('freshness: a submitted job is awaited until it leaves PENDING, not while it is not listed yet', () => {
  const f = new JobFreshness();
  f.await(['7'], 'started', [], 0);
  f.settle([], 1000);
  assert.deepEqual(f.pending(), ['7'], 'not listed yet: still awaited');
  f.settle([row('7', 'PENDING', 'Priority')], 2000);
  assert.deepEqual(f.pending(), ['7']);
  f.settle([row('7', 'RUNNING')], 4000);
  assert.deepEqual(f.pending(), []);
  assert.equal(f.delayMs(4000, 15_000), undefined, 'nothing awaited: the normal cadence');
});

test('freshness: a job that ends before a poll saw it run also counts as started', () => {
  const f = new JobFreshness();
  f.await(['8'], 'started', [], 0);
  f.settle([row('8', 'COMPLETED')], 2000);
  assert.deepEqual(f.pending(), []);
});

test('freshness: cancel waits for the job to end or leave the list; COMPLETING is not the end', () => {
  const f = new JobFreshness();
  f.await(['9', '10'], 'ended', [row('9', 'RUNNING'), row('10', 'PENDING')], 0);
  f.settle([row('9', 'COMPLETING')], 2000);
  assert.deepEqual(f.pending(), ['9'], 'job 10 left the queue; job 9 is still completing');
  f.settle([row('9', 'CANCELLED')], 4000);
  assert.deepEqual(f.pending(), []);
});

test('freshness: hold and release wait for state or reason to change', () => {
  const f = new JobFreshness();
  f.await(['11'], 'changed', [row('11', 'PENDING', 'Priority')], 0);
  f.settle([row('11', 'PENDING', 'Priority')], 2000);
  assert.deepEqual(f.pending(), ['11'], 'an old poll answer shows no change');
  f.settle([row('11', 'PENDING', 'JobHeldUser')], 4000);
  assert.deepEqual(f.pending(), []);
});

test('freshness: fast at first, then doubling back to the normal interval, and given up after ten minutes', () => {
  const f = new JobFreshness();
  f.await(['12'], 'started', [row('12', 'PENDING', 'Resources')], 0);
  const normal = 15_000;
  assert.equal(f.delayMs(0, normal), 1_000);
  assert.equal(f.delayMs(9_000, normal), 1_000);
  assert.equal(f.delayMs(10_000, normal), 2_000);
  assert.equal(f.delayMs(20_000, normal), 4_000);
  assert.equal(f.delayMs(30_000, normal), 8_000);
  assert.equal(f.delayMs(60_000, normal), normal, 'never slower than the normal interval');
  assert.equal(f.delayMs(0, 500), 500, 'never slower than a user interval below the fast delay either');
  assert.equal(DEFAULT_FRESHNESS.fastMs, 1_000);
  f.settle([row('12', 'PENDING', 'Resources')], DEFAULT_FRESHNESS.giveUpAfterMs);
  assert.deepEqual(f.pending(), [], 'a job that waits in the queue for long is left to the normal cadence');
  // Count the polls of the first two minutes a long-pending job costs: bounded, not one per 2 s.
  const g = new JobFreshness();
  g.await(['13'], 'started', [], 0);
  let t = 0;
  let polls = 0;
  while (t < 120_000) { t += g.delayMs(t, normal) ?? normal; polls++; }
  assert.ok(polls <= 26, `${polls} polls in two minutes`);
});

const timing: PollerTiming = { intervalMs: 15_000, idleFactor: 4, debounceMs: 300, maxBackoffMs: 300_000 };

test('poller: setHurry shortens the delay even when nobody looks, and undefined restores the idle cadence', async () => {
  const clock = new ManualClock();
  let polls = 0;
  const poller = new Poller<number>(async () => ++polls, timing, clock);
  poller.setVisible(false);
  poller.start();
  await flush();
  assert.equal(poller.currentDelayMs(), 60_000, 'hidden view: the slow cadence');
  poller.setHurry(2_000);
  assert.deepEqual(clock.pendingDelays(), [2_000], 'rescheduled at once with the short delay');
  await clock.advance(2_000);
  assert.equal(polls, 2);
  poller.setHurry(undefined);
  assert.equal(poller.currentDelayMs(), 60_000);
  poller.dispose();
});

test('poller: errors still back off while hurried', async () => {
  const clock = new ManualClock();
  const poller = new Poller<number>(async () => { throw new Error('slurmctld busy'); }, timing, clock);
  poller.setHurry(2_000);
  poller.start();
  await flush();
  assert.equal(poller.errors, 1);
  assert.equal(poller.currentDelayMs(), 30_000, 'the backoff, not the hurry, decides after an error');
  poller.dispose();
});
