// The Jobs view's model (ClusterSession + the Slurm job lister) against the real bundled cluster over
// the real sshd, through the real ssh2 transport, once per selected test bed (Slurm 22.05 and 24.11;
// SLURM_WB_BEDS chooses). The only wrapper is a call counter around the real transport, to prove a
// poll is one squeue whatever the queue's size.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession, type ClusterSnapshot } from '../../src/session/clusterSession';
import { clusterContext } from '../../src/session/slurmJobLister';
import { JobTracker, transportRunner } from '../../src/session/jobTracker';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { untilSnapshot } from './sessionWait';
import { countingTransport } from './countingTransport';


function nextSnapshot(session: ClusterSession, accept: (s: ClusterSnapshot) => boolean, timeoutMs = 30_000): Promise<ClusterSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`no matching snapshot in ${timeoutMs} ms; last: ${JSON.stringify(session.snapshot).slice(0, 500)}`)); }, timeoutMs);
    const sub = session.onDidChange(({ snapshot }) => {
      if (accept(snapshot)) { clearTimeout(timer); sub.dispose(); resolve(snapshot); }
    });
  });
}

for (const bed of readBeds()) {
  describe(bedLabel(bed), () => sessionTests(bed));
}

function sessionTests(bed: Bed): void {
  const submitted: string[] = [];
  /** A fresh real ssh2 transport to the bed (a session owns and disposes its transport). */
  const newTransport = (): Transport => bedTransport(bed, 'bundled');

  after(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  });

  test('a held and a running job appear with state, reason, partition, limit and nodes', async () => {
    const held = await sshRun(`sbatch --parsable -H -J 'wb session held' -t 5 --wrap 'sleep 60'`, { bed });
    const run = await sshRun(`sbatch --parsable -J 'wb session | run' -t 3 --wrap 'sleep 60'`, { bed });
    assert.equal(held.code, 0, held.stderr);
    assert.equal(run.code, 0, run.stderr);
    const heldId = held.stdout.trim();
    const runId = run.stdout.trim();
    submitted.push(heldId, runId);

    const session = new ClusterSession('bundled', newTransport(), { timing: { ...DEFAULT_TIMING, intervalMs: 1000 }, commandTimeoutMs: 30_000 });
    try {
      session.start();
      const snap = await nextSnapshot(session, (s) => s.jobs.some((j) => j.id === runId && j.state === 'RUNNING') && s.jobs.some((j) => j.id === heldId));
      const h = snap.jobs.find((j) => j.id === heldId)!;
      const r = snap.jobs.find((j) => j.id === runId)!;
      assert.deepEqual(
        { name: h.name, state: h.state, reason: h.reason, partition: h.partition, timeLimit: h.timeLimit, elapsed: h.elapsed },
        { name: 'wb session held', state: 'PENDING', reason: 'JobHeldUser', partition: 'debug', timeLimit: '5:00', elapsed: undefined },
      );
      assert.equal(r.name, 'wb session | run');
      assert.equal(r.timeLimit, '3:00');
      assert.match(r.nodes ?? '', /^node[1-4]$/);
      assert.equal(r.stdoutPath, `${bed.home}/slurm-${runId}.out`);
      assert.equal(snap.error, undefined);
      assert.equal(snap.connection.kind, 'connected');
    } finally {
      session.dispose();
    }
  });

  test('a poll of a 200-job queue is 1 squeue; a job leaving adds 1 batched sacct confirming its end', async () => {
    const out = await sshRun(`for i in $(seq 200); do sbatch --parsable -H -J "wb count $i" --wrap true || exit 1; done`, { bed, timeoutMs: 120_000 });
    const ids = out.stdout.trim().split('\n').filter((l) => /^\d+$/.test(l));
    submitted.push(...ids); // cancelled in after() even when a later sbatch failed
    assert.equal(out.code, 0, out.stderr);
    assert.equal(ids.length, 200);

    const calls: string[] = [];
    const transport = newTransport();
    try {
      const counted = countingTransport(transport, calls);
      const opts = { timeoutMs: 30_000 };
      const runner = transportRunner(counted, () => clusterContext(counted, opts), opts);
      const tracker = new JobTracker();
      await tracker.poll(runner, 'start'); // probes the cluster once and reads the history window
      calls.length = 0;

      const steady = await tracker.poll(runner, 'timer');
      assert.ok(ids.every((id) => steady.jobs.some((r) => r.id === id && r.state === 'PENDING')), 'every submitted job is listed');
      assert.deepEqual(calls, ['squeue'], 'a steady cycle is one squeue, whatever the queue size');

      const gone = ids.slice(0, 3);
      assert.equal((await sshRun(`scancel ${gone.join(' ')}`, { bed })).code, 0);
      let finished: string[] = [];
      // sacct may lag slurmctld by a second or two: unconfirmed jobs are asked again next cycle.
      for (let cycle = 0; cycle < 20 && finished.length < gone.length; cycle++) {
        calls.length = 0;
        const poll = await tracker.poll(runner, 'timer');
        assert.deepEqual(calls, ['squeue', 'sacct'], 'one squeue plus ONE batched sacct for the jobs that left');
        finished = finished.concat(poll.events.filter((e) => e.kind === 'finished').map((e) => `${e.job.id}:${e.job.state}`));
        if (finished.length < gone.length) await new Promise((r) => setTimeout(r, 500));
      }
      assert.deepEqual(finished.sort(), gone.map((id) => `${id}:CANCELLED`).sort());
      calls.length = 0;
      await tracker.poll(runner, 'timer');
      assert.deepEqual(calls, ['squeue'], 'confirmed jobs are not asked again');
    } finally {
      transport.dispose();
    }
  });

  test('after submit, hold, release and cancel the snapshot follows within seconds although the cadence is minutes (view hidden)', async () => {
    const sshRunCode = async (command: string) => (await sshRun(command, { bed })).code;
    // The normal cadence here is 60 s × 4 (hidden view): every state seen below within 20 s comes from the awaited-change polls.
    const session = new ClusterSession('bundled', newTransport(), { timing: { ...DEFAULT_TIMING, intervalMs: 60_000 }, commandTimeoutMs: 30_000 });
    try {
      session.setVisible(false);
      session.start();
      await nextSnapshot(session, (s) => !s.loading);
      const sub = await sshRun(`sbatch --parsable -J 'wb fresh' -t 3 --wrap 'sleep 120'`, { bed });
      assert.equal(sub.code, 0, sub.stderr);
      const id = sub.stdout.trim();
      submitted.push(id);
      session.expectJob(id, 'wb fresh');
      void session.awaitChange([id], 'started');
      await untilSnapshot(session, `job ${id} running`, (s) => s.jobs.some((j) => j.id === id && j.state === 'RUNNING'), 20_000);
      assert.deepEqual(session.awaitedJobs(), [], 'once it runs, nothing is awaited: back to the slow cadence');

      const pend = await sshRun(`sbatch --parsable -J 'wb fresh hold' -t 3 --begin=now+3600 --wrap 'sleep 1'`, { bed });
      assert.equal(pend.code, 0, pend.stderr);
      const pendId = pend.stdout.trim();
      submitted.push(pendId);
      await session.refresh('manual');
      assert.equal(await sshRunCode(`scontrol hold ${pendId}`), 0);
      void session.awaitChange([pendId], 'changed');
      await untilSnapshot(session, `job ${pendId} held`, (s) => s.jobs.some((j) => j.id === pendId && j.reason === 'JobHeldUser'), 20_000);
      assert.equal(await sshRunCode(`scontrol release ${pendId}`), 0);
      void session.awaitChange([pendId], 'changed');
      await untilSnapshot(session, `job ${pendId} released`, (s) => s.jobs.some((j) => j.id === pendId && j.reason !== 'JobHeldUser'), 20_000);

      assert.equal(await sshRunCode(`scancel ${id} ${pendId}`), 0);
      void session.awaitChange([id, pendId], 'ended');
      await untilSnapshot(session, 'both jobs ended', (s) => [id, pendId].every((x) => { const j = s.jobs.find((r) => r.id === x); return j === undefined || ['CANCELLED', 'COMPLETED'].includes(j.state); }), 20_000);
      assert.deepEqual(session.awaitedJobs(), []);
    } finally {
      session.dispose();
    }
  });
}
