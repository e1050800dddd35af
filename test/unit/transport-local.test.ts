// The local transport runs real bash processes and real files in a temp "home": same semantics as
// ssh (prelude, timeouts that end the whole process tree, atomic writes, streams).
import { readdirSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { LocalTransport } from '../../src/transport/localTransport';
import { Logger } from '../../src/core/logger';
import { CancelledError, CommandTimeoutError } from '../../src/core/errors';

let home: string;
let t: LocalTransport;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'swb-local-'));
  t = new LocalTransport({ home, logger: new Logger(), prelude: 'export SWB_PRELUDE=yes; echo prelude-noise' });
});
after(() => {
  t.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('LocalTransport', () => {
  it('runs argv quoted, after the prelude, in the home folder; prelude output goes to stderr', async () => {
    const r = await t.exec(['bash', '-c', 'echo "$SWB_PRELUDE $PWD $1"', '_', "it's $HOME"]);
    assert.equal(r.stdout, `yes ${home} it's $HOME\n`);
    assert.equal(r.stderr, 'prelude-noise\n');
    assert.equal(r.code, 0);
    assert.equal((await t.exec(['cat'], { stdin: 'in' })).stdout, 'in');
    assert.equal((await t.exec(['false'])).code, 1);
  });

  it('a timeout kills the whole process tree', async () => {
    const marker = `sleep 53.${process.pid}`;
    await assert.rejects(t.exec(['bash', '-c', `${marker}; echo never`], { timeoutMs: 300 }), CommandTimeoutError);
    await new Promise((r) => setTimeout(r, 200));
    assert.throws(() => execFileSync('pgrep', ['-f', marker]), 'no sleep left behind');
  });

  it('cancellation rejects with CancelledError', async () => {
    const ctl = new AbortController();
    const p = t.exec(['sleep', '5'], { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(p, CancelledError);
  });

  it('streams output and reports the exit once', async () => {
    const chunks: string[] = [];
    const exit = await new Promise<{ code: number | null }>((resolve) => {
      void t.stream(['bash', '-c', 'echo a; echo b; exit 3'], { onStdout: (c) => chunks.push(c.toString()), onExit: resolve });
    });
    assert.equal(chunks.join(''), 'a\nb\n');
    assert.equal(exit.code, 3);
  });

  it('writes atomically, creates parents, and leaves no temp file on failure', async () => {
    await t.writeFile('~/x/y/job.sh', 'one');
    await t.writeFile('x/y/job.sh', 'two');
    assert.equal((await t.readFile('~/x/y/job.sh')).toString(), 'two');
    assert.equal((await t.stat('~/x/y/job.sh'))?.size, 3);
    assert.equal(await t.stat('~/nope'), undefined);
    await t.mkdirp('~/x/in-the-way/sub');
    await assert.rejects(t.writeFile('~/x/in-the-way', 'z'), /Could not write/);
    assert.deepEqual(readdirSync(join(home, 'x')).sort(), ['in-the-way', 'y']);
    await t.remove('~/x');
    assert.equal(await t.stat('~/x'), undefined);
  });

  it('stamps the written file with mtimeMs in whole seconds (the sync relies on it)', async () => {
    await t.writeFile('~/stamped.txt', 'data', { mtimeMs: 1_700_000_000_987 });
    assert.equal((await t.stat('~/stamped.txt'))?.mtimeMs, 1_700_000_000_000);
    assert.deepEqual(readdirSync(home).filter((n) => n.includes('.swb-')), [], 'no temp file left');
    await t.remove('~/stamped.txt');
  });
});
