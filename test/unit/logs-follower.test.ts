// FileTail, JobLogFollower, the status watcher and the registry on the bed.transport transport (real bash,
// real GNU tail, real files). Slurm is not here: job states come from a scripted lookup (the
// integration tests use the real squeue/sacct). Connection drops are injected by ending streams
// with the transport's own "connection lost" shape.
import { appendFileSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, until, useLocalHome } from './localHome';
import { directTails } from '../../src/logs/tailMux';
import type { StreamHandle, StreamHandlers, Transport } from '../../src/transport/types';
import { FileTail } from '../../src/logs/fileTail';
import { JobLogFollower, type FollowerSink } from '../../src/logs/jobLogFollower';
import { JobStatusWatcher, type JobStatus } from '../../src/logs/jobStatus';
import { FollowerLimitError, FollowerRegistry } from '../../src/logs/followerRegistry';
import { parseLogSettings } from '../../src/logs/logSettings';
import type { LogStream } from '../../src/logs/logOutput';

const bed = useLocalHome('swb-follow-');

/** The local transport, with a switch that drops every open stream like a lost connection. */
function droppable(inner: Transport): Transport & { drop(): void; opened: string[][] } {
  const live = new Set<{ handle: StreamHandle; handlers: StreamHandlers }>();
  const opened: string[][] = [];
  const t = Object.create(inner) as Transport & { drop(): void; opened: string[][] };
  t.opened = opened;
  t.stream = async (argv, handlers, options) => {
    opened.push([...argv]);
    let dropped = false;
    const entry = {
      handlers,
      handle: await inner.stream(argv, {
        onStdout: (c) => !dropped && handlers.onStdout(c),
        onStderr: (c) => !dropped && handlers.onStderr?.(c),
        onExit: (r) => !dropped && handlers.onExit?.(r),
      }, options),
    };
    live.add(entry);
    const close = () => {
      live.delete(entry);
      entry.handle.close();
    };
    t.drop = () => {
      for (const e of [...live]) {
        live.delete(e);
        e.handle.close();
        e.handlers.onExit?.({ code: null, error: new Error('Connection lost') });
      }
      dropped = true;
    };
    return { close, dispose: close, write: (d: string | Buffer) => entry.handle.write(d) };
  };
  t.exec = inner.exec.bind(inner);
  return t;
}

class Sink implements FollowerSink {
  readonly bytes: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  readonly notices: string[] = [];
  data(s: LogStream, c: Buffer) {
    this.bytes[s].push(c);
  }
  notice(t: string) {
    this.notices.push(t);
  }
  end() {}
  text(s: LogStream = 'stdout') {
    return Buffer.concat(this.bytes[s]).toString('utf8');
  }
}

describe('FileTail', () => {
  it('resumes at the exact byte after a dropped stream: nothing lost, nothing twice', async () => {
    const f = join(bed.home, 'resume.log');
    writeFileSync(f, '');
    const t = droppable(bed.transport);
    const got: Buffer[] = [];
    const notices: string[] = [];
    const tail = new FileTail(directTails(t), f, { onData: (c) => got.push(c), onNotice: (n) => notices.push(n.kind) }, { sleepSeconds: 0.05 });
    tail.start();
    let n = 0;
    const write = async (count: number) => {
      for (let i = 0; i < count; i++) {
        appendFileSync(f, `line ${++n} — ✓\n`);
        await sleep(5);
      }
    };
    await write(50);
    await until(() => Buffer.concat(got).length === readFileSync(f).length, 10_000, 'first 50 lines');
    t.drop();
    await write(50); // written while "disconnected"
    await until(() => Buffer.concat(got).length >= readFileSync(f).length, 10_000, 'the rest after resume');
    await tail.stop();
    assert.ok(Buffer.concat(got).equals(readFileSync(f)));
    assert.deepEqual(notices.filter((k) => k !== 'tail'), ['interrupted', 'resumed']);
    assert.match(t.opened[1].join(' '), new RegExp(`-c \\+${Buffer.byteLength(readFileSync(f, 'utf8').split('\n').slice(0, 50).join('\n')) + 2}`));
  });

  it('a truncated file restarts the offset at 0', async () => {
    const f = join(bed.home, 'trunc.log');
    writeFileSync(f, 'a fairly long first content line\n');
    const got: Buffer[] = [];
    const tail = new FileTail(directTails(bed.transport), f, { onData: (c) => got.push(c) }, { sleepSeconds: 0.05 });
    tail.start();
    await until(() => tail.offset === 33, 5_000, 'first content');
    await sleep(200);
    writeFileSync(f, 'new\n');
    await until(() => Buffer.concat(got).toString().endsWith('new\n'), 5_000, 'after truncation');
    assert.equal(tail.offset, 4);
    await tail.stop();
  });

  it('stop() ends the remote process and resolves; a stopped tail is not reopened', async () => {
    const f = join(bed.home, 'stop.log');
    writeFileSync(f, 'x\n');
    const tail = new FileTail(directTails(bed.transport), f, { onData: () => undefined });
    tail.start();
    await until(() => tail.offset === 2, 5_000);
    await tail.stop();
    assert.equal(tail.isRunning, false);
    tail.start();
    assert.equal(tail.isRunning, false);
  });
});

function scriptedWatcher(states: Map<string, JobStatus | undefined>, calls: string[][]) {
  return new JobStatusWatcher(async (ids) => {
    calls.push([...ids]);
    const out = new Map<string, JobStatus>();
    for (const id of ids) {
      const s = states.get(id);
      if (s) out.set(id, s);
    }
    return out;
  }, 50, 50);
}

const st = (id: string, state: string, phase: JobStatus['phase'], exitCode?: string): JobStatus => ({ id, state, phase, exitCode, source: 'squeue' });

describe('JobLogFollower', () => {
  it('waits while pending, follows, and ends only after the job finished and the file is drained', async () => {
    const out = join(bed.home, 'job1.out');
    const err = join(bed.home, 'job1.err');
    const states = new Map<string, JobStatus | undefined>([['1', st('1', 'PENDING', 'pending')]]);
    const calls: string[][] = [];
    const watcher = scriptedWatcher(states, calls);
    const sink = new Sink();
    const f = new JobLogFollower(bed.transport, watcher, { profileName: 'p', jobId: '1', jobName: 'j', stdoutPath: out, stderrPath: err }, sink, { tailLines: 10, bigFileBytes: 1 << 20 });
    f.start();
    await until(() => sink.notices.some((n) => n.startsWith('Waiting for job 1 to start')));
    assert.equal(f.runningTails, 0);
    states.set('1', st('1', 'RUNNING', 'active'));
    await until(() => sink.notices.some((n) => n === `Waiting for ${out} to appear…`), 5_000, 'waiting for the file');
    writeFileSync(out, 'hello\n');
    writeFileSync(err, 'oops\n');
    await until(() => sink.text() === 'hello\n' && sink.text('stderr') === 'oops\n', 5_000, 'both streams');
    // Quiet log, job still running: the follower does not end.
    await sleep(300);
    assert.equal(f.state, 'following');
    appendFileSync(out, 'last words\n');
    states.set('1', st('1', 'COMPLETED', 'finished', '0:0'));
    const end = await f.whenEnded();
    assert.equal(end.state, 'ended');
    assert.equal(end.message, 'Job 1 COMPLETED, exit code 0:0.');
    assert.equal(sink.text(), 'hello\nlast words\n');
    assert.equal(f.runningTails, 0);
    watcher.dispose();
  });

  it('a job Slurm does not know stops with a clear message', async () => {
    const watcher = scriptedWatcher(new Map(), []);
    const sink = new Sink();
    const f = new JobLogFollower(bed.transport, watcher, { profileName: 'p', jobId: '99', jobName: 'x', stdoutPath: '/nope', stderrPath: '/nope' }, sink, { tailLines: 10, bigFileBytes: 1 << 20, unknownJobChecks: 2 });
    f.start();
    const end = await f.whenEnded();
    assert.equal(end.state, 'failed');
    assert.match(end.message, /not known to squeue or sacct on p/);
    watcher.dispose();
  });

  it('a big file starts at its last lines, with a note', async () => {
    const out = join(bed.home, 'big.out');
    writeFileSync(out, Array.from({ length: 2000 }, (_, i) => `n${i}\n`).join(''));
    const watcher = scriptedWatcher(new Map([['7', st('7', 'COMPLETED', 'finished', '0:0')]]), []);
    const sink = new Sink();
    const f = new JobLogFollower(bed.transport, watcher, { profileName: 'p', jobId: '7', jobName: 'b', stdoutPath: out, stderrPath: out }, sink, { tailLines: 3, bigFileBytes: 1000 });
    f.start();
    await f.whenEnded();
    assert.equal(sink.text(), 'n1997\nn1998\nn1999\n');
    assert.ok(sink.notices.some((n) => /showing its last 3 lines/.test(n)));
    watcher.dispose();
  });
});

describe('JobStatusWatcher', () => {
  it('asks about every watched job in ONE lookup per cycle, and stops when nobody watches', async () => {
    const calls: string[][] = [];
    const w = scriptedWatcher(new Map([['1', st('1', 'RUNNING', 'active')]]), calls);
    const seen: (JobStatus | undefined)[] = [];
    const a = w.watch('1', (s) => seen.push(s));
    const b = w.watch('2', () => undefined);
    await until(() => calls.length >= 2);
    assert.deepEqual(calls.at(-1), ['1', '2']);
    assert.equal(seen[0]?.state, 'RUNNING');
    a.dispose();
    b.dispose();
    const n = calls.length;
    await sleep(200);
    assert.ok(calls.length <= n + 1, 'no lookups once nobody watches');
    w.dispose();
  });

  it('asks less and less often while every watched job is pending, fast again when one runs', async () => {
    const calls: string[][] = [];
    const states = new Map<string, JobStatus | undefined>([['1', st('1', 'PENDING', 'pending')], ['2', st('2', 'PENDING', 'pending')]]);
    const w = new JobStatusWatcher(async (ids) => {
      calls.push([...ids]);
      return new Map(ids.flatMap((id) => (states.get(id) ? [[id, states.get(id)!] as const] : [])));
    }, 20, 160);
    const a = w.watch('1', () => undefined);
    const b = w.watch('2', () => undefined);
    // The first four are the quick checks of a newly watched job (a quarter period apart), then the back-off.
    await until(() => calls.length >= 9, 5_000, 'nine checks');
    assert.equal(w.currentIntervalMs, 160, 'doubled from 20 ms up to the pending period');
    states.set('2', st('2', 'RUNNING', 'active'));
    w.pollSoon();
    const n = calls.length;
    await until(() => calls.length >= n + 3, 2_000, 'fast checks while one runs');
    assert.equal(w.currentIntervalMs, 20);
    a.dispose();
    b.dispose();
    w.dispose();
  });
});

describe('FollowerRegistry and settings', () => {
  it('one follower per job, a bound with a message that says how to raise it', async () => {
    const r = new FollowerRegistry(() => 1);
    const watcher = scriptedWatcher(new Map(), []);
    const make = (id: string) => () => new JobLogFollower(bed.transport, watcher, { profileName: 'p', jobId: id, jobName: 'x', stdoutPath: '/a', stderrPath: '/a' }, new Sink(), { tailLines: 1, bigFileBytes: 1 });
    const first = r.add('p', '1', make('1'));
    assert.equal(first.existing, false);
    assert.equal(r.add('p', '1', make('1')).follower, first.follower);
    assert.throws(() => r.add('p', '2', make('2')), (e: unknown) => e instanceof FollowerLimitError && /slurm\.logs\.maxFollowed/.test(e.hint ?? ''));
    await r.stopAll();
    await sleep(0);
    assert.equal(r.size, 0);
    watcher.dispose();
  });

  it('settings: defaults, and a bad value falls back with a problem named', () => {
    assert.deepEqual(parseLogSettings({}).settings, { maxFollowed: 8, stderr: 'interleave', bigFileKb: 2048, tailLines: 1000, maxFinishedChannels: 5 });
    const bad = parseLogSettings({ maxFollowed: 0, stderr: 'both' });
    assert.equal(bad.settings.maxFollowed, 8);
    assert.equal(bad.problems.length, 2);
    assert.match(bad.problems[0], /^slurm\.logs\.maxFollowed: /);
  });
});

describe('JobStatusWatcher right after a job is watched (issue 18: submit → first log line)', () => {
  it('checks a newly watched pending job at a quarter period three times, then the usual back-off from one period', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const at: number[] = [];
    let now = 0;
    const w = new JobStatusWatcher(async (ids) => {
      at.push(now);
      return new Map(ids.map((id) => [id, st(id, 'PENDING', 'pending')] as const));
    }, 2_000, 15_000);
    const sub = w.watch('1', () => undefined);
    const step = async (ms: number) => { now += ms; t.mock.timers.tick(ms); for (let i = 0; i < 5; i++) await Promise.resolve(); };
    for (let i = 0; i < 60; i++) await step(250);
    assert.deepEqual(at.slice(0, 7), [250, 750, 1250, 1750, 3750, 5750, 9750], 'at once (first tick), +0.5 s ×3, then +2 s, +2 s, +4 s as before');
    sub.dispose();
    w.dispose();
  });
});
