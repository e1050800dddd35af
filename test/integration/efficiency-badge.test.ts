// The efficiency badge of finished jobs (issue 20 point 2), live on every selected bed: a real
// ClusterSession polls the cluster over the real ssh2 transport; two jobs that ran end in the same
// poll window; the reader asks ONE sacct (with steps) for what they used, and the badge the Jobs view
// shows is there for both. A job cancelled while pending gets no call at all. The only wrapper is a
// call counter around the reader's own transport.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Emitter } from '../../src/core/disposable';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession } from '../../src/session/clusterSession';
import { EfficiencyMemory } from '../../src/session/efficiency';
import { efficiencyBadge, FinishedEfficiencyReader } from '../../src/session/finishedEfficiency';
import type { JobEvent } from '../../src/session/jobTracker';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { until } from './logs-support';
import { countingTransport } from './countingTransport';


for (const bed of readBeds()) {
  describe(bedLabel(bed), () => badgeTests(bed));
}

function badgeTests(bed: Bed): void {
  const submitted: string[] = [];
  after(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  });

  test('jobs that ran and ended get their CPU/memory badge from one sacct; a job that never ran gets none', { timeout: 240_000 }, async () => {
    // Held first, so the session sees them queued; released together, so they end close together.
    const ids: string[] = [];
    for (const name of ['wb badge a', 'wb badge b']) {
      const r = await sshRun(`sbatch --parsable -H -J '${name}' --mem=100M -t 2 --wrap 'python3 -c "b=bytearray(40*1024*1024); import time; time.sleep(4)"'`, { bed });
      assert.equal(r.code, 0, r.stderr);
      ids.push(r.stdout.trim());
    }
    const never = await sshRun(`sbatch --parsable -H -J 'wb badge never' -t 2 --wrap true`, { bed });
    assert.equal(never.code, 0, never.stderr);
    const neverId = never.stdout.trim();
    submitted.push(...ids, neverId);

    const session = new ClusterSession('bundled', bedTransport(bed, 'bundled'), { timing: { ...DEFAULT_TIMING, intervalMs: 1000 }, commandTimeoutMs: 30_000 });
    const readerCalls: string[] = [];
    const readerTransport = countingTransport(bedTransport(bed, 'reader'), readerCalls);
    const events = new Emitter<{ cluster: string; events: readonly JobEvent[] }>();
    const memory = new EfficiencyMemory();
    const learned: string[] = [];
    const reader = new FinishedEfficiencyReader(events.event, memory, {
      transportOf: () => readerTransport,
      timeoutMs: () => 30_000,
      onLearned: (_cluster, jobIds) => learned.push(...jobIds),
    });
    const sub = session.onDidJobEvents((list) => events.fire({ cluster: 'bundled', events: list }));
    try {
      session.start();
      await until(() => Promise.resolve([...ids, neverId].every((id) => session.snapshot.jobs.some((j) => j.id === id))), 60_000, 'the three held jobs listed');
      assert.equal((await sshRun(`scancel ${neverId} && scontrol release ${ids.join(',')}`, { bed })).code, 0);
      await until(() => Promise.resolve(ids.every((id) => memory.get('bundled', id) !== undefined)), 180_000, 'both badges learned');
      await until(() => Promise.resolve(!reader.isBusy('bundled')), 30_000, 'the reader idle');

      for (const id of ids) {
        const e = memory.get('bundled', id)!;
        assert.ok(e.cpu, `job ${id}: CPU measured`);
        assert.ok(e.memory, `job ${id}: memory measured (jobacct_gather)`);
        assert.ok(e.memory.peakMb > 20 && e.memory.peakMb < 100, `job ${id}: peak ${e.memory.peakMb} MB of the 40 MB it held (100 MB asked)`);
        assert.match(efficiencyBadge(e), /^CPU \d+% · mem \d+%$/);
      }
      assert.equal(memory.get('bundled', neverId), undefined, 'a job that never ran gets no badge and no call');
      const sacctCalls = readerCalls.filter((c) => c === 'sacct').length;
      assert.ok(sacctCalls >= 1 && sacctCalls <= 2, `one sacct per poll that saw jobs end (both in one, or one each): ${readerCalls.join(', ')}`);
      assert.deepEqual(readerCalls.filter((c) => c !== 'sacct'), [], 'the reader runs nothing but sacct');
      assert.deepEqual([...learned].sort(), [...ids].sort());
    } finally {
      sub.dispose();
      reader.dispose();
      readerTransport.dispose();
      session.dispose();
      events.dispose();
    }
  });
}
