// Job lifecycles as the Jobs view's tracker sees them, against the real bundled cluster through the
// real ssh2 transport, once per selected test bed (Slurm 22.05 and 24.11; SLURM_WB_BEDS chooses):
// array tasks, a failing job's exit code (from sacct), cancellation, and the hold / release /
// requeue actions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCall, scancelCall, scontrolActionCall } from '../../src/slurm';
import { JobTracker, transportRunner, type JobEvent, type TrackerPoll } from '../../src/session/jobTracker';
import { buildJobTree } from '../../src/session/jobTreeModel';
import { clusterContext } from '../../src/session/slurmJobLister';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';

const opts = { timeoutMs: 30_000 };

for (const bed of readBeds()) {
  describe(bedLabel(bed), () => lifecycleTests(bed));
}

function lifecycleTests(bed: Bed): void {
  let transport: Transport;
  const submitted: string[] = [];

  before(() => {
    transport = bedTransport(bed, 'bundled');
  });

  after(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    transport.dispose();
  });

  async function submit(args: string): Promise<string> {
    const r = await sshRun(`sbatch --parsable ${args}`, { bed });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    submitted.push(id);
    return id;
  }

  /** Polls like the view does (every 500 ms) until `done` holds; returns every event seen and the last poll. */
  async function pollUntil(tracker: JobTracker, done: (p: TrackerPoll, events: JobEvent[]) => boolean, timeoutMs = 60_000): Promise<{ poll: TrackerPoll; events: JobEvent[] }> {
    const runner = transportRunner(transport, () => clusterContext(transport, opts), opts);
    const events: JobEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    let poll = await tracker.poll(runner, 'start');
    // The first poll's events count too: on an idle cluster (the 24.11 bed) a short job can start,
    // fail and be confirmed by accounting before the second poll.
    events.push(...poll.events);
    while (!done(poll, events)) {
      if (Date.now() > deadline) throw new Error(`condition not reached; last jobs: ${JSON.stringify(poll.jobs.filter((j) => submitted.some((s) => j.id.startsWith(s))).map((j) => [j.id, j.state, j.reason]))}`);
      await new Promise((r) => setTimeout(r, 500));
      poll = await tracker.poll(runner, 'timer');
      events.push(...poll.events);
    }
    return { poll, events };
  }

  test('an array job shows its tasks under one array entry, and each task finishes COMPLETED', async () => {
    const id = await submit(`-J 'wb array' -a 1-4%2 -t 2 --wrap 'sleep 2'`);
    const tracker = new JobTracker();
    const seen = new Set<string>();
    const { events } = await pollUntil(tracker, (p, evs) => {
      for (const j of p.jobs) if (j.arrayJobId === id) seen.add(j.id);
      return evs.filter((e) => e.kind === 'finished' && e.job.arrayJobId === id).length === 4;
    });
    // While running: the throttle (%2) leaves a pending remainder next to the running tasks.
    assert.ok([...seen].some((s) => s.startsWith(`${id}_[`)), `a pending remainder ${id}_[...] was shown: ${[...seen].join(' ')}`);
    const finished = events.filter((e) => e.kind === 'finished' && e.job.arrayJobId === id).map((e) => `${e.job.id}:${e.job.state}:${e.job.exitCode}`).sort();
    assert.deepEqual(finished, [1, 2, 3, 4].map((t) => `${id}_${t}:COMPLETED:0:0`));

    const tree = buildJobTree(events.filter((e) => e.kind === 'finished').map((e) => e.job), { groupBy: 'state', sortBy: 'id' });
    const group = tree.find((g) => g.kind === 'group' && g.group === 'finished');
    assert.ok(group && group.kind === 'group');
    const array = group.children.find((e) => e.kind === 'array' && e.arrayJobId === id);
    assert.ok(array && array.kind === 'array');
    assert.equal(array.children.length, 4);
  });

  test('a failing job ends FAILED with its exit code from sacct; a cancelled one CANCELLED', async () => {
    const fail = await submit(`-J 'wb fail' -t 2 --wrap 'echo oops >&2; exit 3'`);
    // Held until the first poll has seen it: on an idle cluster (the dev container's) it would
    // otherwise be RUNNING before the first poll, and its start would never be a state change.
    const victim = await submit(`-J 'wb victim' -t 2 -H --wrap 'sleep 120'`);
    const tracker = new JobTracker();
    // The failing job may end before the first poll sees it: jobs submitted from VS Code are
    // "expected", so accounting is asked for them by id.
    tracker.expectJob({ id: fail, name: 'wb fail' });
    let cancelled = false;
    let released = false;
    const { events } = await pollUntil(tracker, (p, evs) => {
      if (!released) {
        released = true;
        void sshRun(`scontrol release ${victim}`, { bed });
      }
      if (!cancelled && p.jobs.some((j) => j.id === victim && j.state === 'RUNNING')) {
        cancelled = true;
        void runCall(transport, scancelCall([victim]), opts);
      }
      const done = new Set(evs.filter((e) => e.kind === 'finished').map((e) => e.job.id));
      return done.has(fail) && done.has(victim);
    });
    const end = (id: string) => events.find((e) => e.kind === 'finished' && e.job.id === id)!.job;
    assert.equal(end(fail).state, 'FAILED');
    assert.equal(end(fail).exitCode, '3:0');
    assert.equal(end(victim).state, 'CANCELLED');
    assert.ok(events.some((e) => e.kind === 'stateChanged' && e.job.id === victim && e.job.state === 'RUNNING'), 'the start was seen as a state change');
  });

  test('hold, release and requeue change the state the view shows', async () => {
    const id = await submit(`-J 'wb control' -t 2 --begin=now+60 --wrap 'sleep 30'`);
    const tracker = new JobTracker();
    const state = async () => (await pollUntil(tracker, () => true)).poll.jobs.find((j) => j.id === id);
    assert.equal((await state())?.reason, 'BeginTime');

    await runCall(transport, scontrolActionCall('hold', [id]), opts);
    let row = await state();
    assert.equal(row?.state, 'PENDING');
    assert.equal(row?.reason, 'JobHeldUser');

    await runCall(transport, scontrolActionCall('release', [id]), opts);
    row = await state();
    assert.notEqual(row?.reason, 'JobHeldUser');

    // Requeue needs a job that started: a new one that runs now.
    const runner = await submit(`-J 'wb requeue' -t 2 --wrap 'sleep 60'`);
    await pollUntil(tracker, (p) => p.jobs.some((j) => j.id === runner && j.state === 'RUNNING'));
    await runCall(transport, scontrolActionCall('requeue', [runner]), opts);
    const { poll } = await pollUntil(tracker, (p) => p.jobs.some((j) => j.id === runner && j.state !== 'RUNNING'));
    const requeued = poll.jobs.find((j) => j.id === runner);
    assert.ok(requeued && ['PENDING', 'REQUEUED', 'COMPLETING'].includes(requeued.state), `requeued job state ${requeued?.state}`);
  });
}
