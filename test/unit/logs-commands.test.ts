// The remote commands of log following: tail argv, tail's stderr messages, and the probe / read
// scripts run for real by /bin/sh on real files (the same scripts run on the cluster).
import { rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useLocalHome } from './localHome';
import { logProbeArgv, parseLogProbe, tailFollowArgv } from '../../src/logs/remoteLogCommands';
import { classifyTailMessage, LineSplitter } from '../../src/logs/tailMessages';
import { readLog, partialLogNote } from '../../src/logs/readLog';

const bed = useLocalHome('swb-logs-');

async function probe(path: string, lines: number, big: number) {
  const r = await bed.transport.exec(logProbeArgv(path, lines, big), { timeoutMs: 10_000 });
  assert.equal(r.code, 0, r.stderr);
  return parseLogProbe(r.stdout.split('\n')[0]);
}

describe('tail argv', () => {
  it('resumes at offset + 1 (tail -c is 1-based), follows by name, polls fast without inotify', () => {
    assert.deepEqual(tailFollowArgv('/w/a b.out', 0), ['tail', '-F', '--sleep-interval=0.2', '-c', '+1', '--', '/w/a b.out']);
    assert.deepEqual(tailFollowArgv('-o.out', 1234, 0.5).slice(-3), ['+1235', '--', '-o.out']);
    assert.throws(() => tailFollowArgv('/x', -1), RangeError);
    assert.throws(() => tailFollowArgv('/x', 1.5), RangeError);
  });
});

describe("tail's messages", () => {
  const cases: [string, string, string?][] = [
    ["tail: cannot open '/w/1.out' for reading: No such file or directory", 'waiting'],
    ["tail: '/w/1.out' has appeared;  following new file", 'restarted', 'appeared'],
    ["tail: '/w/1.out' has become inaccessible: No such file or directory", 'waiting'],
    ["tail: '/w/1.out' has been replaced;  following new file", 'restarted', 'replaced'],
    ['tail: /w/1.out: file truncated', 'restarted', 'truncated'],
    ["tail: cannot open '/w/1.out' for reading: Permission denied", 'unreadable'],
    ['tail: inotify cannot be used, reverting to polling', 'info'],
    ['tail: something new', 'other'],
  ];
  for (const [line, kind, why] of cases) {
    it(`${kind}${why ? ` (${why})` : ''}: ${line}`, () => {
      const m = classifyTailMessage(line);
      assert.equal(m.kind, kind);
      if (why) assert.equal((m as { why: string }).why, why);
    });
  }

  it('what real GNU tail prints on truncation and on a new file is recognised', async () => {
    const f = join(bed.home, 'trunc.log');
    writeFileSync(f, 'a long first line\n');
    const msgs: string[] = [];
    const split = new LineSplitter();
    const handle = await bed.transport.stream(tailFollowArgv(f, 0, 0.05), { onStdout: () => undefined, onStderr: (c) => msgs.push(...split.push(c)) });
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(f, 'x\n'); // shorter: truncated
    await new Promise((r) => setTimeout(r, 500));
    rmSync(f);
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(f, 'new\n');
    await new Promise((r) => setTimeout(r, 800));
    handle.close();
    const kinds = msgs.map((m) => classifyTailMessage(m).kind);
    assert.ok(kinds.includes('restarted'), msgs.join('\n'));
    assert.ok(!kinds.includes('other'), msgs.join('\n'));
  });
});

describe('log probe', () => {
  it('missing, a directory, unreadable, small and big files', async () => {
    assert.deepEqual(await probe(join(bed.home, 'nope.out'), 10, 1000), { kind: 'missing' });
    mkdirSync(join(bed.home, 'dir'));
    assert.deepEqual(await probe(join(bed.home, 'dir'), 10, 1000), { kind: 'notfile' });
    const secret = join(bed.home, 'secret.out');
    writeFileSync(secret, 'x');
    chmodSync(secret, 0);
    if (process.getuid?.() !== 0) assert.deepEqual(await probe(secret, 10, 1000), { kind: 'unreadable' });
    const small = join(bed.home, 'small.out');
    writeFileSync(small, 'one\ntwo\n');
    assert.deepEqual(await probe(small, 1, 1000), { kind: 'file', size: 8, startOffset: 0 });
    const big = join(bed.home, 'big.out');
    const lines = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}\n`).join('');
    writeFileSync(big, lines);
    const p = await probe(big, 3, 100);
    assert.equal(p.kind, 'file');
    if (p.kind !== 'file') return;
    assert.equal(p.size, Buffer.byteLength(lines));
    assert.equal(lines.slice(p.startOffset), 'line 998\nline 999\nline 1000\n', 'starts exactly at the last 3 lines');
  });

  it('a path with spaces, quotes and a leading dash is passed as one argument', async () => {
    const odd = join(bed.home, `-it's "odd" $x.out`);
    writeFileSync(odd, 'hello\n');
    assert.deepEqual(await probe(odd, 10, 1000), { kind: 'file', size: 6, startOffset: 0 });
  });

  it('rejects anything else', () => {
    assert.throws(() => parseLogProbe('size x 1'), /unexpected answer/);
    assert.throws(() => parseLogProbe('size 5 6'), /beyond size/);
  });
});

describe('readLog (read-only viewer)', () => {
  it('a small file whole; a big one from its last lines with a note; a missing one names its path', async () => {
    const small = join(bed.home, 'r-small.out');
    writeFileSync(small, 'a\nb\n');
    const s = await readLog(bed.transport, small, { tailLines: 10, bigFileBytes: 1000 });
    assert.equal(s.text, 'a\nb\n');
    assert.equal(partialLogNote(s, 10), undefined);
    const big = join(bed.home, 'r-big.out');
    writeFileSync(big, Array.from({ length: 500 }, (_, i) => `row ${i}\n`).join(''));
    const b = await readLog(bed.transport, big, { tailLines: 2, bigFileBytes: 100 });
    assert.equal(b.text, 'row 498\nrow 499\n');
    assert.match(partialLogNote(b, 2) ?? '', /showing its last 2 lines/);
    await assert.rejects(readLog(bed.transport, join(bed.home, 'none.out'), { tailLines: 2, bigFileBytes: 100 }), (e: Error) => e.message.includes(join(bed.home, 'none.out')) && /does not exist/.test(e.message));
  });
});
