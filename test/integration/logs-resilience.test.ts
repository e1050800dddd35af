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

const bed = readBed();
const transport = newTransport(bed);
const jobs = new JobBench(bed, transport, 'resil');

before(() => jobs.setup());
after(async () => {
  await jobs.cleanup();
  transport.dispose();
});

describe('resilience of a followed log', () => {
  it('the SSH connection drops mid-stream: after the reconnect the received bytes are exactly the file', async () => {
    const id = await jobs.submit(['--job-name=reconnect', '-o', `${jobs.dir}/%j.out`], 'for i in $(seq 1 100); do echo "line $i: ünïcödé ✓"; sleep 0.1; done');
    const [target] = await resolveTargets(transport, jobs.ctx, 'bundled', id);
    const watcher = jobs.watcher();
    const sink = new RecordingSink();
    const follower = jobs.follower(watcher, target, sink);
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
    // As many as the connection's stream slots stream at once (the transport keeps sshd's
    // MaxSessions=10 for commands too); the rest wait for a slot.
    await until(async () => (await remoteTailsUnder(bed, jobs.dir)).length >= 4, 60_000, 'four remote tails running');
    await until(() => sinks.filter((s) => s.bytes('stdout').length > 0).length >= 4, 60_000, 'four logs streaming');
    await registry.stopAll();
    watcher.dispose();
    assert.equal(registry.size, 0);
    for (const s of sinks) assert.equal(s.notices.at(-1), 'Stopped following.');
    // The kill is asynchronous on the cluster (TERM, then KILL after 2 s).
    await until(async () => (await remoteTailsUnder(bed, jobs.dir)).length === 0, 20_000, 'no remote tail left');
    // Every channel closes (the SFTP session used to read a file above closes after 10 s idle).
    await until(() => transport.openChannels === 0, 20_000, 'every channel closed');
  });
});
