// Following job logs live against the bundled cluster, over the real sshd and the real ssh2
// transport: every line exactly once and in order, the follower ending by itself after Slurm says
// COMPLETED, array tasks, stderr of a failing job, a pending job, and a missing file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readBed } from './bed';
import { JobBench, RecordingSink, newTransport } from './logs-support';
import { resolveTargets, type ResolvedTarget } from '../../src/logs/logTargets';

const bed = readBed();
const transport = newTransport(bed);
const jobs = new JobBench(bed, transport, 'follow');

before(() => jobs.setup());
after(async () => {
  await jobs.cleanup();
  transport.dispose();
});

function numbered(count: number, sleep: string, prefix = 'line'): string {
  return `for i in $(seq 1 ${count}); do echo "${prefix} $i"; sleep ${sleep}; done`;
}

/** Follows one target to its end with a watcher of its own; the sink holds what arrived. */
async function followToEnd(target: ResolvedTarget) {
  const watcher = jobs.watcher();
  const sink = new RecordingSink();
  const follower = jobs.follower(watcher, target, sink);
  follower.start();
  const end = await follower.whenEnded();
  watcher.dispose();
  return { end, sink, follower };
}

describe('following a job log', () => {
  it('a job printing a numbered line every 200 ms for 10 s: every line once, in order; ends by itself after COMPLETED', async () => {
    const id = await jobs.submit(['--job-name=numbered', '-o', `${jobs.dir}/%j.out`], numbered(50, "0.2"));
    const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    assert.equal(target.stdoutPath, `${jobs.dir}/${id}.out`);
    const { end, sink, follower } = await followToEnd(target);
    assert.equal(end.state, 'ended', end.message);
    assert.equal(end.status?.state, 'COMPLETED');
    assert.match(end.message, new RegExp(`^Job ${id} COMPLETED, exit code 0:0\\.$`));
    assert.equal(sink.notices.at(-1), end.message, 'the final line says the end state and exit code');
    const expected = Array.from({ length: 50 }, (_, i) => `line ${i + 1}\n`).join('');
    assert.equal(sink.bytes('stdout').toString('utf8'), expected);
    assert.ok(sink.arrivals.length > 5, `lines arrived while the job ran (${sink.arrivals.length} chunks), not in one piece at the end`);
    assert.equal(follower.runningTails, 0);
  });

  it("an array job: each task's log is followed to its end", async () => {
    const id = await jobs.submit(['--job-name=arr', '--array=1-3', '-o', `${jobs.dir}/arr-%A_%a.out`], `${numbered(5, "0.1", 'task $SLURM_ARRAY_TASK_ID line')}`);
    const targets = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    assert.deepEqual(targets.map((t) => t.jobId).sort(), [`${id}_1`, `${id}_2`, `${id}_3`]);
    const watcher = jobs.watcher();
    const runs = targets.map((t) => {
      const sink = new RecordingSink();
      const f = jobs.follower(watcher, t, sink);
      f.start();
      return { t, sink, f };
    });
    for (const { t, sink, f } of runs) {
      const end = await f.whenEnded();
      assert.equal(end.state, 'ended', end.message);
      const task = t.jobId.split('_')[1];
      assert.equal(t.stdoutPath, `${jobs.dir}/arr-${id}_${task}.out`);
      assert.equal(sink.bytes('stdout').toString(), Array.from({ length: 5 }, (_, i) => `task ${task} line ${i + 1}\n`).join(''));
    }
    watcher.dispose();
  });

  it('stderr of a failing job shows (separate -e file), with FAILED and exit code 3', async () => {
    const id = await jobs.submit(
      ['--job-name=fails', '-o', `${jobs.dir}/%j.out`, '-e', `${jobs.dir}/%j.err`],
      'echo "starting"; sleep 1; echo "boom: something broke" >&2; exit 3',
    );
    const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    assert.equal(target.stderrPath, `${jobs.dir}/${id}.err`);
    const { end, sink } = await followToEnd(target);
    assert.equal(end.state, 'ended');
    assert.equal(end.status?.state, 'FAILED');
    assert.match(end.message, /FAILED, exit code 3:0/);
    assert.equal(sink.bytes('stdout').toString(), 'starting\n');
    assert.equal(sink.bytes('stderr').toString(), 'boom: something broke\n');
  });

  it('a held (pending) job: waits without a remote tail, then follows once released', async () => {
    const id = await jobs.submit(['--job-name=held', '--hold', '-o', `${jobs.dir}/%j.out`], 'echo "after release"');
    const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    const watcher = jobs.watcher(500);
    const sink = new RecordingSink();
    const follower = jobs.follower(watcher, target, sink);
    follower.start();
    const deadline = Date.now() + 20_000;
    while (!sink.notices.some((n) => n.startsWith(`Waiting for job ${id} to start`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(sink.notices.some((n) => /Waiting for job \d+ to start \(PENDING, JobHeldUser\)/.test(n)), sink.notices.join('\n'));
    assert.equal(follower.state, 'waiting');
    assert.equal(follower.runningTails, 0, 'no stream slot is held for a pending job');
    const r = await transport.exec(['scontrol', 'release', id], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const end = await follower.whenEnded();
    watcher.dispose();
    assert.equal(end.state, 'ended', end.message);
    assert.equal(sink.bytes('stdout').toString(), 'after release\n');
  });

  it('a finished job whose file was removed: reported with its path, not an empty channel', async () => {
    const id = await jobs.submit(['--job-name=gone', '-o', `${jobs.dir}/%j.out`], 'echo hi');
    const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    // Wait for the end, then remove its log.
    const watcher = jobs.watcher(500);
    const first = jobs.follower(watcher, target, new RecordingSink());
    first.start();
    await first.whenEnded();
    await transport.exec(['rm', '-f', target.stdoutPath], { timeoutMs: 30_000 });
    const sink = new RecordingSink();
    const follower = jobs.follower(watcher, target, sink);
    follower.start();
    const end = await follower.whenEnded();
    watcher.dispose();
    assert.ok(sink.notices.some((n) => n === `The job ended without writing ${target.stdoutPath}.`), sink.notices.join('\n'));
    assert.equal(end.state, 'ended');
  });
});
