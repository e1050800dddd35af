// The job zoo, live: submits every kind of job to the bundled cluster as the test user, waits for
// each to reach the state it exists to show, and checks what our squeue / sacct / scontrol calls
// make of them against what was submitted. Cleans up only its own jobs and work directory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../src/slurm';
import { resolveLogPaths, runCall, sacctCall, scontrolShowJobCall, squeueCall } from '../../src/slurm';
import type { SubmittedZoo } from '../fixtures/record';
import { readBed } from './bed';
import { cleanupZoo, KEYLIKE_NAME, settleZoo, sshTransport, submitZoo, WEIRD_NAME } from '../fixtures/record';

const t = sshTransport();
let zoo: SubmittedZoo | undefined;
let jobs: Job[] = [];

function z(): SubmittedZoo {
  assert.ok(zoo, 'zoo submitted');
  return zoo;
}
const idOf = (label: string) => {
  const j = z().jobs.find((x) => x.label === label);
  assert.ok(j, label);
  return j.jobId;
};
const byLabel = (label: string) => {
  const j = jobs.find((x) => x.rawJobId === idOf(label));
  assert.ok(j, `squeue lists ${label}`);
  return j;
};

describe('slurm zoo (live, bundled cluster)', { timeout: 420_000 }, () => {
  before(async () => {
    zoo = await submitZoo(t, readBed());
    await settleZoo(t, zoo, (s) => console.log(`[zoo] ${s}`), 240_000);
    jobs = await runCall(t, squeueCall(zoo.ctx, { jobIds: zoo.ids.map(String), includeFinished: true }));
  });

  after(async () => {
    if (zoo) await cleanupZoo(t, zoo);
  });

  it('every job reaches the submitted state and reason', () => {
    for (const zj of z().jobs) {
      if (zj.label === 'array') continue;
      const j = byLabel(zj.label);
      assert.equal(j.state.name, zj.expect.state, `${zj.label} state`);
      if (zj.expect.reason !== undefined) assert.equal(j.reason, zj.expect.reason, `${zj.label} reason`);
      if (zj.expect.gpus !== undefined) assert.equal(j.gpus, zj.expect.gpus, `${zj.label} gpus`);
      if (zj.expect.nodes !== undefined) assert.equal(j.nodes, zj.expect.nodes, `${zj.label} nodes`);
    }
  });

  it('array 1-7:2%2: two tasks run, the rest waits as one throttled record', () => {
    const a = idOf('array');
    const tasks = jobs.filter((j) => j.arrayJobId === a);
    assert.deepEqual(tasks.filter((j) => j.state.name === 'RUNNING').map((j) => j.arrayTaskId).sort(), [1, 3]);
    const rest = tasks.find((j) => j.id.kind === 'arrayTasks');
    assert.ok(rest && rest.id.kind === 'arrayTasks');
    assert.equal(rest.id.text, `${a}_[5,7%2]`);
    assert.equal(rest.id.throttle, 2);
    assert.equal(rest.reason, 'JobArrayTaskLimit');
  });

  it('het job shows as id+0 and id+1', () => {
    const h = idOf('het');
    assert.deepEqual(jobs.filter((j) => j.id.kind === 'hetComponent').map((j) => j.id.text).sort(), [`${h}+0`, `${h}+1`]);
  });

  it('weird names round-trip through squeue and scontrol exactly, through sacct with " stored as `', async () => {
    assert.equal(byLabel('weirdName').name, WEIRD_NAME);
    assert.equal(byLabel('keyLikeName').name, KEYLIKE_NAME);
    const [detail] = await runCall(t, scontrolShowJobCall(z().ctx, String(idOf('weirdName'))));
    assert.equal(detail.name, WEIRD_NAME);
    const [keyLike] = await runCall(t, scontrolShowJobCall(z().ctx, String(idOf('keyLikeName'))));
    assert.equal(keyLike.name, KEYLIKE_NAME);
    assert.equal(keyLike.state.name, 'PENDING');
    const acct = await runCall(t, sacctCall(z().ctx, [String(idOf('weirdName'))]));
    assert.equal(acct[0]?.name, WEIRD_NAME.replaceAll('"', '`'));
  });

  it('sacct (one batched call) agrees on final states and exit codes', async () => {
    const acct = await runCall(t, sacctCall(z().ctx, z().ids.map(String)));
    const row = (label: string) => acct.find((a) => a.rawJobId === idOf(label));
    assert.deepEqual(row('fail3')?.exitCode, { code: 3, signal: 0 });
    assert.equal(row('fail3')?.state.name, 'FAILED');
    assert.deepEqual(row('basic')?.exitCode, { code: 0, signal: 0 });
    assert.equal(row('cancelRunning')?.state.name, 'CANCELLED');
    assert.equal(row('cancelRunning')?.state.byUid !== undefined, true);
    assert.equal(row('timeout')?.state.name, 'TIMEOUT');
    assert.equal(row('gpu')?.gpus, 1);
    assert.equal(row('userHold')?.state.name, 'PENDING');
  });

  it('squeue exit codes: exit 3 for the failed job, none yet for a pending one', () => {
    assert.deepEqual(byLabel('fail3').exitCode, { code: 3, signal: 0 });
    assert.equal(byLabel('userHold').exitCode, undefined);
  });

  it('squeue for one job that is gone is an empty list (22.05 exits 1 for it)', async () => {
    assert.deepEqual(await runCall(t, squeueCall(z().ctx, { jobIds: ['999999999'] })), []);
  });

  it('resolved stdout paths are the files Slurm wrote', async () => {
    const ran: Job[] = [
      ...['basic', 'fail3', 'depOk', 'gpu', 'multiNode', 'timeout'].map(byLabel),
      ...jobs.filter((j) => j.arrayJobId === idOf('array') && j.id.kind === 'arrayTask'),
    ];
    const paths = ran.map((j) => resolveLogPaths(j).stdout);
    assert.ok(paths.some((p) => /zoo-zoo array-\d+_0001\.out$/.test(p)));
    const r = await t.exec(['ls', '-1', '--', ...paths], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `every resolved path exists: ${r.stderr}`);
  });
});
