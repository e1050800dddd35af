// Why pending, live (issue 20 point 1), on every selected bed (22.05 and 24.11): real pending jobs
// for the reasons the bed can produce without changing its configuration — Resources and Priority
// (three whole-partition jobs: one runs, the next waits for resources, the third behind it),
// PartitionTimeLimit (more time than debug's 1 h), ReqNodeNotAvail (a maintenance reservation on
// the node the job asks for, created as Slurm admin, i.e. root on this machine) — each explained
// through the real whyPending (one squeue --start, plus scontrol show reservation / sinfo where
// the reason needs them). The holds, BeginTime and DependencyNeverSatisfied are in the zoo.
// QOS/association limits, Dependency on a running job, Reservation, PartitionNodeLimit and
// PartitionDown need the beds' enforced limits and zoo partitions: pending-reasons-limits.test.ts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { rowFromSqueue } from '../../src/session/jobTracker';
import { whyPending } from '../../src/session/whyPending';
import { probeCluster, runCall, squeueCall } from '../../src/slurm';
import { runAsRoot } from '../fixtures/record';
import { bedLabel, readBeds, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { nativeClusterOnly } from './devcontainerSkip';

for (const bed of readBeds()) {
  describe(`why pending — ${bedLabel(bed)}`, { timeout: 240_000, skip: nativeClusterOnly('creates a maintenance reservation as Slurm admin (root on this machine)') }, () => reasonTests(bed));
}

function reasonTests(bed: Bed): void {
  const t = bedTransport(bed);
  const ids: string[] = [];
  const reservation = `swb-why-${process.pid}`;
  after(async () => {
    if (ids.length) await t.exec(['scancel', ...ids], { timeoutMs: 30_000 });
    await runAsRoot(bed, ['scontrol', 'delete', `ReservationName=${reservation}`]).catch(() => undefined);
    t.dispose();
  });

  const submit = async (...args: string[]): Promise<string> => {
    const r = await t.exec(['sbatch', '--parsable', `--chdir=${bed.home}`, '-o', '/dev/null', ...args], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    ids.push(id);
    return id;
  };

  it('Resources, Priority, PartitionTimeLimit and ReqNodeNotAvail: each its sentence, facts and advice', async () => {
    const ctx = await probeCluster(t);
    const nodes = bed.nodes.length;
    const whole = ['-p', 'debug', '-N', String(nodes), '--exclusive', '-t', '2', '--wrap', 'sleep 60'];
    await submit('-J', 'swb why first', ...whole);
    const resources = await submit('-J', 'swb why resources', ...whole);
    const priority = await submit('-J', 'swb why priority', ...whole);
    const tooLong = await submit('-J', 'swb why too long', '-p', 'debug', '-t', '2:00:00', '--wrap', 'sleep 1');

    // The scheduler sets the reasons within a few seconds of submit.
    const want: Record<string, RegExp> = { [resources]: /^Resources$/, [priority]: /^(Priority|Resources)$/, [tooLong]: /^PartitionTimeLimit$/ };
    let rows = (await runCall(t, squeueCall(ctx, { jobIds: ids }))).map(rowFromSqueue);
    for (let i = 0; i < 30 && !Object.entries(want).every(([id, re]) => re.test(rows.find((r) => r.id === id)?.reason ?? '')); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rows = (await runCall(t, squeueCall(ctx, { jobIds: ids }))).map(rowFromSqueue);
    }
    const explain = (id: string) => whyPending(t, rows.find((r) => r.id === id)!, rows);

    const res = await explain(resources);
    assert.equal(res.code, 'Resources');
    assert.match(res.summary, /next in line but the nodes it needs are busy/);
    const pri = await explain(priority);
    if (pri.code === 'Priority') assert.match(pri.summary, /Other jobs are ahead of it/);
    else assert.equal(pri.code, 'Resources', 'both waiting jobs may be marked Resources on a quiet scheduler pass');
    const long = await explain(tooLong);
    assert.equal(long.code, 'PartitionTimeLimit');
    assert.match(long.summary, /time limit \(2:00:00\) is longer than partition debug allows/);
    assert.deepEqual(long.facts, ['Partition debug allows at most 1:00:00.'], 'sinfo asked for the partition\'s limit');
    assert.match(long.advice[0]?.text ?? '', /to 1:00:00 or less/);

    // A maintenance reservation on the node a job asks for (the whole-partition jobs gone first).
    await t.exec(['scancel', ...ids], { timeoutMs: 30_000 });
    await runAsRoot(bed, ['scontrol', 'create', 'reservation', `ReservationName=${reservation}`, 'StartTime=now', 'Duration=10', `Nodes=${bed.nodes[0]}`, 'Users=root', 'Flags=maint,ignore_jobs']);
    const reserved = await submit('-J', 'swb why reserved', '-w', bed.nodes[0], '-t', '5', '--wrap', 'sleep 1');
    rows = (await runCall(t, squeueCall(ctx, { jobIds: [reserved] }))).map(rowFromSqueue);
    let why = await explain(reserved);
    for (let i = 0; i < 30 && why.code !== 'ReqNodeNotAvail'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      rows = (await runCall(t, squeueCall(ctx, { jobIds: [reserved] }))).map(rowFromSqueue);
      why = await explain(reserved);
    }
    assert.equal(why.code, 'ReqNodeNotAvail', why.reason);
    assert.match(why.summary, /unavailable \(down, drained or reserved/);
    assert.ok(why.facts.some((f) => f.startsWith(`Maintenance reservation ${reservation} on ${bed.nodes[0]} from `)), why.facts.join(' | '));
  });
}
