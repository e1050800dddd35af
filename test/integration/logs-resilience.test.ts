// Log following under faults, against the bundled cluster's real sshd: our connection's sshd
// session process is killed mid-stream (only ours: found by our client port, see
// transport-support.ts), and many followers over one connection are closed with nothing left
// running on the cluster.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readBed } from './bed';
import { JobBench, RecordingSink, newTransport, remoteTailsUnder, until } from './logs-support';
import { sshdPidForClientPort } from './transport-support';
import { resolveTargets } from '../../src/logs/logTargets';
import { FollowerLimitError, FollowerRegistry } from '../../src/logs/followerRegistry';
import { directTails } from '../../src/logs/tailMux';
import { nativeClusterOnly } from './devcontainerSkip';

const bed = readBed();
const transport = newTransport(bed);
const jobs = new JobBench(bed, transport, 'resil');

before(() => jobs.setup());
after(async () => {
  await jobs.cleanup();
  transport.dispose();
});

describe('resilience of a followed log', () => {
  for (const mode of ['multiplexed', 'one channel per file'] as const) it(`the SSH connection drops mid-stream (${mode}): after the reconnect the received bytes are exactly the file`, { skip: nativeClusterOnly("finds our sshd session process in this machine's /proc (the native login node); here sshd runs in the login container") }, async () => {
    const id = await jobs.submit([`--job-name=reconnect-${mode === 'multiplexed' ? 'mux' : 'direct'}`, '-o', `${jobs.dir}/%j.out`], 'for i in $(seq 1 100); do echo "line $i: ünïcödé ✓"; sleep 0.1; done');
    const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    const watcher = jobs.watcher();
    const sink = new RecordingSink();
    const follower = jobs.follower(watcher, target, sink, mode === 'multiplexed' ? {} : { tails: directTails(transport) });
    follower.start();
    await until(() => sink.bytes('stdout').toString().split('\n').length > 25, 60_000, 'first 25 lines');
    const port = transport.connectionInfo?.localPort;
    assert.ok(port);
    const pid = sshdPidForClientPort(port, bed.sshPort, bed.user);
    assert.ok(pid, 'found our own sshd session process');
    const receivedBefore = sink.bytes('stdout').length;
    process.kill(pid, 'SIGKILL');
    const end = await follower.whenEnded();
    watcher.dispose();
    assert.equal(end.state, 'ended', end.message);
    assert.ok(sink.notices.some((n) => n.startsWith('Connection lost')), sink.notices.join('\n'));
    assert.ok(sink.notices.some((n) => /^Resumed .* at byte \d+\.$/.test(n)), sink.notices.join('\n'));
    const file = await jobs.cat(target.stdoutPath);
    const got = sink.bytes('stdout');
    assert.ok(receivedBefore < file.length, 'the drop happened mid-stream');
    assert.equal(got.length, file.length, 'no byte lost or duplicated');
    assert.ok(got.equals(file), 'received == file content');
    const lines = got.toString('utf8').trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => Number(/^line (\d+):/.exec(l)?.[1])), Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('10 logs followed at once over one connection; closing them leaves no remote tail running', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      ids.push(await jobs.submit([`--job-name=many${i}`, '-o', `${jobs.dir}/%j.out`, '--time=5'], 'for i in $(seq 1 600); do echo "tick $i"; sleep 0.5; done'));
    }
    const watcher = jobs.watcher();
    const registry = new FollowerRegistry(() => 10);
    const sinks: RecordingSink[] = [];
    for (const id of ids) {
      const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
      const sink = new RecordingSink();
      sinks.push(sink);
      registry.add('bundled', id, () => jobs.follower(watcher, target, sink)).follower.start();
    }
    assert.equal(registry.size, 10);
    assert.throws(() => registry.add('bundled', 'x', () => assert.fail('not created at the bound')), FollowerLimitError);
    // All ten stream at once: one multiplexer channel carries them (sshd's MaxSessions=10 per
    // connection could not hold ten channels of their own and still run squeue).
    await until(async () => (await remoteTailsUnder(bed, jobs.dir)).length === 10, 60_000, 'ten remote tails running');
    await until(() => sinks.every((s) => /tick 3\n/.test(s.bytes('stdout').toString())), 60_000, 'ten logs streaming');
    assert.ok(transport.openChannels <= 3, `channels open while following ten logs: ${transport.openChannels}`);
    assert.equal(jobs.tails.fallbackReason, undefined);
    await registry.stopAll();
    watcher.dispose();
    assert.equal(registry.size, 0);
    for (const s of sinks) assert.equal(s.notices.at(-1), 'Stopped following.');
    // The kill is asynchronous on the cluster (TERM, then KILL after 2 s).
    await until(async () => (await remoteTailsUnder(bed, jobs.dir)).length === 0, 20_000, 'no remote tail left');
    // Every channel closes (the idle multiplexer after 1 s, the SFTP session after 10 s idle).
    await until(() => transport.openChannels === 0, 20_000, 'every channel closed');
  });
});
