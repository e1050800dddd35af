import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Poller, type PollerTiming, type RefreshReason } from '../../src/poller/poller';
import { ManualClock, flush } from './manualClock';
import { SingleFlight } from '../../src/core/singleFlight';
import { diffSnapshots } from '../../src/poller/diff';


const timing: PollerTiming = { intervalMs: 1000, idleFactor: 4, debounceMs: 100, maxBackoffMs: 16_000 };

function makePoller(clock: ManualClock, impl?: (reason: RefreshReason) => Promise<number>) {
  const calls: RefreshReason[] = [];
  let n = 0;
  const poller = new Poller<number>(async (_signal, reason) => {
    calls.push(reason);
    return impl ? impl(reason) : ++n;
  }, timing, clock);
  return { poller, calls };
}

test('poller: first poll at start, then one poll per interval, never overlapping', async () => {
  const clock = new ManualClock();
  const { poller, calls } = makePoller(clock);
  poller.start();
  await flush();
  assert.deepEqual(calls, ['start']);
  await clock.advance(999);
  assert.equal(calls.length, 1);
  await clock.advance(1);
  assert.deepEqual(calls, ['start', 'timer']);
  await clock.advance(3000);
  assert.equal(calls.length, 5);
  poller.dispose();
  await clock.advance(10_000);
  assert.equal(calls.length, 5, 'no poll after dispose');
});

test('poller: slower when nobody looks, immediate on refocus when stale', async () => {
  const clock = new ManualClock();
  const { poller, calls } = makePoller(clock);
  poller.start();
  await flush();
  poller.setFocused(false);
  assert.deepEqual(clock.pendingDelays(), [4000]);
  await clock.advance(3000);
  assert.equal(calls.length, 1);
  poller.setFocused(true); // stale (3 s > 1 s interval): polls at once
  await flush();
  assert.deepEqual(calls, ['start', 'focus']);
  poller.dispose();
});

test('poller: manual refresh mid-poll joins it plus one trailing rerun', async () => {
  const clock = new ManualClock();
  let release: (() => void) | undefined;
  const { poller, calls } = makePoller(clock, () => new Promise<number>((r) => { release = () => r(1); }));
  poller.start();
  await flush();
  assert.equal(calls.length, 1);
  void poller.refresh('manual');
  void poller.refresh('manual');
  void poller.refresh('manual');
  await flush();
  assert.equal(calls.length, 1, 'no overlapping poll');
  release!();
  await flush();
  assert.equal(calls.length, 2, 'exactly one trailing rerun');
  release!();
  await flush();
  assert.equal(calls.length, 2);
  poller.dispose();
});

test('poller: non-manual triggers are debounced', async () => {
  const clock = new ManualClock();
  const { poller, calls } = makePoller(clock);
  poller.start();
  await flush();
  poller.refresh('config');
  poller.refresh('config');
  poller.refresh('action');
  await clock.advance(99);
  assert.equal(calls.length, 1);
  await clock.advance(1);
  assert.equal(calls.length, 2);
  poller.dispose();
});

test('poller: exponential backoff on errors, reset after success', async () => {
  const clock = new ManualClock();
  let fail = true;
  const { poller } = makePoller(clock, async () => { if (fail) throw new Error('slurmctld down'); return 1; });
  const outcomes: boolean[] = [];
  poller.onDidPoll((o) => outcomes.push(o.ok));
  poller.start();
  await flush();
  assert.deepEqual(clock.pendingDelays(), [2000]);
  await clock.advance(2000);
  assert.deepEqual(clock.pendingDelays(), [4000]);
  await clock.advance(4000);
  assert.deepEqual(clock.pendingDelays(), [8000]);
  await clock.advance(8000);
  assert.deepEqual(clock.pendingDelays(), [16_000], 'capped at maxBackoffMs');
  fail = false;
  await clock.advance(16_000);
  assert.deepEqual(clock.pendingDelays(), [1000]);
  assert.deepEqual(outcomes, [false, false, false, false, true]);
  poller.dispose();
});

test('singleFlight: concurrent callers share one trailing run', async () => {
  let runs = 0;
  const sf = new SingleFlight(async () => { runs++; await flush(); return runs; });
  const a = sf.run();
  const b = sf.run();
  const c = sf.run();
  assert.equal(await a, 1);
  assert.equal(await b, 2);
  assert.equal(await c, 2);
  assert.equal(runs, 2);
});

test('diffSnapshots: added, changed, removed, unchanged', () => {
  const before = new Map([['1', { s: 'PENDING' }], ['2', { s: 'RUNNING' }], ['3', { s: 'RUNNING' }]]);
  const after = new Map([['2', { s: 'RUNNING' }], ['3', { s: 'COMPLETING' }], ['4', { s: 'PENDING' }]]);
  const d = diffSnapshots(before, after, (a, b) => a.s === b.s);
  assert.deepEqual(d.added, [{ s: 'PENDING' }]);
  assert.deepEqual(d.changed, [{ before: { s: 'RUNNING' }, after: { s: 'COMPLETING' } }]);
  assert.deepEqual(d.removed, [{ s: 'PENDING' }]);
  assert.equal(d.unchanged, 1);
});
