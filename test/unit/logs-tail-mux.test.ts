// The tail multiplexer on the bed.transport transport: real perl, real GNU tail, real files (the "local"
// profile runs exactly this on a login node). Connection drops are injected by ending the one
// stream with the transport's "connection lost" shape, as in logs-follower.test.ts.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, until, useLocalHome } from './localHome';
import type { StreamHandle, StreamHandlers, Transport } from '../../src/transport/types';
import { FileTail } from '../../src/logs/fileTail';
import { MuxFrameParser, TailMux, muxOpenRequest, parseMuxExit } from '../../src/logs/tailMux';

const bed = useLocalHome('swb-mux-');

/** `tail -F` processes following files under `dir`. */
function tailsUnder(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => /\btail -F\b/.test(l) && l.includes(dir));
}

/** Counts the streams opened, rewrites argv when asked, and can drop every open stream at once. */
function instrumented(inner: Transport, rewrite: (argv: readonly string[]) => readonly string[] = (a) => a) {
  const live = new Set<{ handle: StreamHandle; handlers: StreamHandlers; dropped: boolean }>();
  const opened: string[][] = [];
  const t = Object.create(inner) as Transport;
  t.stream = async (argv, handlers, options) => {
    opened.push([...argv]);
    const entry = { handlers, dropped: false, handle: undefined as unknown as StreamHandle };
    entry.handle = await inner.stream(rewrite(argv), {
      onStdout: (c) => !entry.dropped && handlers.onStdout(c),
      onStderr: (c) => !entry.dropped && handlers.onStderr?.(c),
      onExit: (r) => {
        live.delete(entry);
        if (!entry.dropped) handlers.onExit?.(r);
      },
    }, options);
    live.add(entry);
    return entry.handle;
  };
  t.exec = inner.exec.bind(inner);
  return {
    transport: t,
    opened,
    get openStreams() {
      return live.size;
    },
    drop() {
      for (const e of [...live]) {
        e.dropped = true;
        live.delete(e);
        e.handle.close();
        e.handlers.onExit?.({ code: null, error: new Error('Connection lost') });
      }
    },
  };
}

describe('mux framing', () => {
  it('frames cut at every possible place parse to the same frames', () => {
    const frames = [
      { id: 0, kind: 'h', data: Buffer.from('swb-tail-mux 1') },
      { id: 3, kind: 'o', data: Buffer.from('line 1 ✓\nline 2\n') },
      { id: 12, kind: 'e', data: Buffer.from("tail: 'x' has been replaced\n") },
      { id: 3, kind: 'o', data: Buffer.alloc(0) },
      { id: 3, kind: 'x', data: Buffer.from('signal 15') },
    ];
    const wire = Buffer.concat(frames.flatMap((f) => [Buffer.from(`${f.id} ${f.kind} ${f.data.length}\n`), f.data]));
    for (let cut = 0; cut <= wire.length; cut++) {
      for (const step of [1, 3, 7, wire.length]) {
        const parser = new MuxFrameParser();
        const got = [...parser.push(wire.subarray(0, cut))];
        for (let i = cut; i < wire.length; i += step) got.push(...parser.push(wire.subarray(i, i + step)));
        assert.deepEqual(got.map((f) => [f.id, f.kind, f.data.toString()]), frames.map((f) => [f.id, f.kind, f.data.toString()]), `cut ${cut} step ${step}`);
        assert.equal(parser.buffered, 0);
      }
    }
  });

  it('what a login shell prints before the greeting is skipped; garbage after it is refused, not misread', () => {
    const hello = Buffer.from('0 h 14\nswb-tail-mux 1');
    const noisy = new MuxFrameParser();
    const banner = Buffer.from('Welcome to the cluster!\n0 h 3\nnot the greeting\n');
    const got = [...noisy.push(banner), ...noisy.push(hello.subarray(0, 5)), ...noisy.push(Buffer.concat([hello.subarray(5), Buffer.from('1 o 2\nok')]))];
    assert.deepEqual(got.map((f) => [f.id, f.kind, f.data.toString()]), [[0, 'h', 'swb-tail-mux 1'], [1, 'o', 'ok']]);
    assert.equal(noisy.skipped, banner.length);
    const greeted = () => {
      const p = new MuxFrameParser();
      p.push(hello);
      return p;
    };
    assert.throws(() => greeted().push(Buffer.from('hello world\n')), /malformed frame header/);
    assert.throws(() => greeted().push(Buffer.alloc(100, 0x41)), /malformed frame header/);
  });

  it('requests carry the path as hex, so no name can break the line protocol', () => {
    const path = "/h/we ird\n$(rm -rf ~)'\"ü.out";
    const line = muxOpenRequest(4, 10, 0.2, path);
    assert.match(line, /^open 4 11 0\.2 [0-9a-f]+\n$/);
    assert.equal(Buffer.from(line.trim().split(' ')[4], 'hex').toString('utf8'), path);
    assert.throws(() => muxOpenRequest(1, -1, 0.2, '/x'), RangeError);
    assert.deepEqual(parseMuxExit('exit 0'), { code: 0 });
    assert.deepEqual(parseMuxExit('signal 15'), { code: null, signal: '15' });
  });
});

describe('TailMux', () => {
  it('twelve files over ONE stream: every byte of each, in order; closing them leaves no tail running', async () => {
    const dir = mkdtempSync(join(bed.home, 'twelve-'));
    const t = instrumented(bed.transport);
    const mux = new TailMux(t.transport, { idleMs: 200 });
    const files = Array.from({ length: 12 }, (_, i) => join(dir, i === 5 ? "we'ird $(x) ü.log" : `f${i}.log`));
    for (const f of files) writeFileSync(f, '');
    const got = files.map(() => [] as Buffer[]);
    const tails = files.map((f, i) => new FileTail(mux, f, { onData: (c) => got[i].push(c) }, { sleepSeconds: 0.05 }));
    for (const tail of tails) tail.start();
    for (let line = 1; line <= 40; line++) {
      files.forEach((f, i) => appendFileSync(f, `file ${i} line ${line} ✓\n`));
      await sleep(5);
    }
    for (let i = 0; i < files.length; i++) {
      await until(() => Buffer.concat(got[i]).length === readFileSync(files[i]).length, 10_000, `file ${i} complete`);
      assert.ok(Buffer.concat(got[i]).equals(readFileSync(files[i])), `file ${i} byte for byte`);
    }
    assert.equal(t.opened.length, 1, 'one stream for all files');
    assert.equal(t.opened[0][0], 'perl');
    assert.equal(tailsUnder(dir).length, 12);
    await Promise.all(tails.map((tail) => tail.stop()));
    assert.equal(tailsUnder(dir).length, 0, 'stop() resolves only after the remote tail ended');
    await until(() => t.openStreams === 0, 5_000, 'the idle multiplexer ends');
    assert.equal(mux.fallbackReason, undefined);
  });

  it('a dropped connection: every file resumes at its exact byte on a new multiplexer', async () => {
    const dir = mkdtempSync(join(bed.home, 'drop-'));
    const t = instrumented(bed.transport);
    const mux = new TailMux(t.transport);
    const files = [join(dir, 'a.log'), join(dir, 'b.log'), join(dir, 'c.log')];
    for (const f of files) writeFileSync(f, '');
    const got = files.map(() => [] as Buffer[]);
    const notices = files.map(() => [] as string[]);
    const tails = files.map((f, i) => new FileTail(mux, f, { onData: (c) => got[i].push(c), onNotice: (n) => notices[i].push(n.kind) }, { sleepSeconds: 0.05 }));
    for (const tail of tails) tail.start();
    let n = 0;
    const write = async (count: number) => {
      for (let k = 0; k < count; k++) {
        n++;
        files.forEach((f, i) => appendFileSync(f, `${i}: line ${n} — ✓\n`));
        await sleep(3);
      }
    };
    await write(30);
    for (let i = 0; i < files.length; i++) await until(() => Buffer.concat(got[i]).length === readFileSync(files[i]).length, 10_000, `file ${i} before the drop`);
    t.drop();
    await write(30);
    for (let i = 0; i < files.length; i++) await until(() => Buffer.concat(got[i]).length >= readFileSync(files[i]).length, 10_000, `file ${i} after the drop`);
    await Promise.all(tails.map((tail) => tail.stop()));
    for (let i = 0; i < files.length; i++) {
      assert.ok(Buffer.concat(got[i]).equals(readFileSync(files[i])), `file ${i}: nothing lost, nothing twice`);
      assert.deepEqual(notices[i].filter((k) => k !== 'tail'), ['interrupted', 'resumed']);
    }
    assert.equal(t.opened.length, 2, 'one multiplexer before the drop, one after');
    mux.dispose();
    await until(() => tailsUnder(dir).length === 0, 5_000, 'no tail left');
  });

  it('without perl on the cluster it falls back to one stream per file, and says why', async () => {
    const dir = mkdtempSync(join(bed.home, 'noperl-'));
    const t = instrumented(bed.transport, (argv) => (argv[0] === 'perl' ? ['perl-that-does-not-exist', ...argv.slice(1)] : argv));
    const mux = new TailMux(t.transport);
    const files = [join(dir, 'x.log'), join(dir, 'y.log')];
    for (const f of files) writeFileSync(f, 'content\n');
    const got = files.map(() => [] as Buffer[]);
    const tails = files.map((f, i) => new FileTail(mux, f, { onData: (c) => got[i].push(c) }, { sleepSeconds: 0.05 }));
    for (const tail of tails) tail.start();
    for (let i = 0; i < files.length; i++) await until(() => Buffer.concat(got[i]).toString() === 'content\n', 10_000, `file ${i}`);
    assert.match(mux.fallbackReason ?? '', /perl not found/);
    assert.deepEqual(t.opened.map((a) => a[0]), ['perl', 'tail', 'tail']);
    await Promise.all(tails.map((tail) => tail.stop()));
    assert.equal(tailsUnder(dir).length, 0);
  });
});
