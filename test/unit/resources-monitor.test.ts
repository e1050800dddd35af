// The resources monitor's good-citizen rules: a cluster is polled only while the view (or panel) is
// visible or a watch is pending on it; sessions added/removed are followed; errors keep the last
// reading as stale. The loader parses recorded 22.05 sinfo output; the transports are opaque
// tokens (the monitor only hands them to the loader), which is all a unit test needs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Emitter } from '../../src/core/disposable';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { parseSinfo } from '../../src/slurm/sinfo';
import { buildClusterResources } from '../../src/resources/model';
import { jobsTookOrFreedResources } from '../../src/resources/jobEffect';
import { ResourcesMonitor, type ClusterSource } from '../../src/resources/monitor';
import { parseResourcesSettings, resourcesTiming } from '../../src/resources/settings';
import { WatchRegistry } from '../../src/resources/watchRegistry';
import type { Transport } from '../../src/transport/types';

const sinfo = readFileSync(join(__dirname, '..', 'fixtures', 'slurm-22.05', 'resources', 'sinfo-busy.txt'), 'utf8');
const tick = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const changes = new Emitter<unknown>();
  let sessions: { profileName: string; transport: Transport }[] = [{ profileName: 'bundled', transport: {} as Transport }];
  const source: ClusterSource = { all: () => sessions, onDidChange: changes.event };
  const calls: string[] = [];
  let fail = false;
  const watches = new WatchRegistry();
  const monitor = new ResourcesMonitor(
    source,
    async (cluster) => {
      calls.push(cluster);
      if (fail) throw new Error('ssh: connection refused');
      return buildClusterResources(cluster, parseSinfo(sinfo), [], Date.now());
    },
    { ...DEFAULT_TIMING, intervalMs: 60_000 },
    watches,
  );
  return {
    monitor, watches, calls,
    setSessions: (s: typeof sessions) => { sessions = s; changes.fire(undefined); },
    jobChange: () => changes.fire({ snapshot: {} }),
    setFail: (f: boolean) => { fail = f; },
  };
}

describe('resources monitor', () => {
  it('does not poll while nobody looks; polls when the view shows or a watch is pending; stops after', async () => {
    const t = setup();
    await tick();
    assert.deepEqual(t.calls, []);
    t.monitor.setViewVisible(true);
    await tick();
    assert.deepEqual(t.calls, ['bundled']);
    assert.equal(t.monitor.state('bundled')?.resources?.partitions.length, 2);
    t.monitor.setViewVisible(false);
    const w = t.watches.add({ cluster: 'bundled', partition: 'gpu', resource: 'gpu', count: 4, onOneNode: false });
    await tick();
    assert.deepEqual(t.calls, ['bundled', 'bundled'], 'a pending watch starts polling');
    assert.equal(t.watches.get(w.id)?.last?.free, 1);
    t.watches.cancel(w.id);
    await t.monitor.refresh('bundled');
    assert.equal(t.calls.length, 3, 'a manual refresh polls once even when hidden');
    t.monitor.dispose();
  });

  it('follows the set of sessions, ignores job changes, keeps the last reading on errors', async () => {
    const t = setup();
    let fired = 0;
    t.monitor.onDidChange(() => fired++);
    t.jobChange();
    assert.equal(fired, 0);
    await t.monitor.refresh('bundled');
    assert.equal(t.monitor.state('bundled')?.resources?.cluster, 'bundled');
    // A new transport object (the profile changed: a new connection) means a new reading from scratch.
    t.setSessions([{ profileName: 'bundled', transport: {} as Transport }, { profileName: 'other', transport: {} as Transport }]);
    assert.deepEqual(t.monitor.clusters(), ['bundled', 'other']);
    assert.equal(fired, 1 + 1);
    assert.equal(t.monitor.state('bundled')?.resources, undefined);
    await t.monitor.refresh('other');
    t.setFail(true);
    await t.monitor.refresh('other');
    const s = t.monitor.state('other');
    assert.equal(s?.error, 'ssh: connection refused');
    assert.equal(s?.stale, true);
    assert.equal(s?.resources?.partitions.length, 2);
    t.watches.add({ cluster: 'other', partition: 'gpu', resource: 'gpu', count: 1, onOneNode: false });
    t.setSessions([]);
    assert.deepEqual(t.monitor.clusters(), []);
    assert.equal(t.watches.all().length, 0, 'watches of removed clusters are dropped');
    t.monitor.dispose();
  });

  it('settings: validated interval with a fallback', () => {
    assert.equal(resourcesTiming(parseResourcesSettings({}).settings).intervalMs, 30_000);
    assert.equal(resourcesTiming(parseResourcesSettings({ pollIntervalSeconds: 10 }).settings).intervalMs, 10_000);
    const bad = parseResourcesSettings({ pollIntervalSeconds: 1 });
    assert.equal(bad.settings.pollIntervalSeconds, 30);
    assert.match(bad.problems[0], /^slurm\.resources\.pollIntervalSeconds: .*using 30$/);
  });
});

describe('resources refresh on job start and end (issue 18 point 4)', () => {
  const row = (state: string) => ({ id: '5', actionId: '5', name: 'train', state, source: 'squeue' as const });
  it('a job that starts, or ends after running, changes the figures; pending-only changes do not', () => {
    assert.equal(jobsTookOrFreedResources([{ kind: 'stateChanged', job: row('RUNNING'), before: row('PENDING') }]), true);
    assert.equal(jobsTookOrFreedResources([{ kind: 'finished', job: row('COMPLETED'), before: row('RUNNING') }]), true);
    assert.equal(jobsTookOrFreedResources([{ kind: 'finished', job: row('COMPLETED') }]), true, 'earlier state unknown: it may have run');
    assert.equal(jobsTookOrFreedResources([{ kind: 'added', job: row('RUNNING') }]), true);
    assert.equal(jobsTookOrFreedResources([{ kind: 'added', job: row('PENDING') }]), false);
    assert.equal(jobsTookOrFreedResources([{ kind: 'finished', job: row('CANCELLED'), before: row('PENDING') }]), false, 'cancelled while pending: it held nothing');
    assert.equal(jobsTookOrFreedResources([{ kind: 'stateChanged', job: { ...row('PENDING'), reason: 'JobHeldUser' }, before: row('PENDING') }]), false);
  });

  it('refreshIfActive polls a shown cluster at once and leaves a hidden one alone', async () => {
    const t = setup();
    await tick();
    t.monitor.refreshIfActive('bundled');
    await tick();
    assert.deepEqual(t.calls, [], 'nobody looks: no sinfo for a job event');
    t.monitor.setViewVisible(true);
    await tick();
    assert.deepEqual(t.calls, ['bundled']);
    t.monitor.refreshIfActive('bundled');
    await new Promise((r) => setTimeout(r, DEFAULT_TIMING.debounceMs + 50));
    assert.deepEqual(t.calls, ['bundled', 'bundled'], 'a job event polls now, not at the 60 s cycle');
    t.monitor.dispose();
  });
});
