// The shell-command file operations (used where SFTP cannot work) run here against real files
// through /bin/sh, with the same argv the ssh transport sends.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSftpUnusable, parseShellStat, shellReadArgv, shellStatArgv, shellWriteArgv } from '../../src/transport/shellFileOps';

const run = (argv: string[], input?: Buffer) => spawnSync(argv[0] as string, argv.slice(1), input ? { input } : {});

describe('shell file operations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swb-shellops-'));
  it('writes atomically with the stamp, reads back byte-exact, stats', () => {
    const target = join(dir, "a b/it's $(x).bin");
    const data = Buffer.from([0, 255, 10, 36, 39]);
    const w = run(shellWriteArgv(join(dir, 'a b'), join(dir, 'a b', '.tmp'), target, 1_700_000_000), data);
    assert.equal(w.status, 0, w.stderr.toString());
    assert.equal(statSync(target).mtimeMs, 1_700_000_000_000);
    assert.deepEqual(readdirSync(join(dir, 'a b')), ["it's $(x).bin"]);
    const r = run(shellReadArgv(target));
    assert.deepEqual([...Buffer.from(r.stdout.toString(), 'base64')], [...data]);
    assert.deepEqual(parseShellStat(run(shellStatArgv(target)).stdout.toString()), { size: 5, mtimeMs: 1_700_000_000_000, isDirectory: false });
    assert.equal(parseShellStat(run(shellStatArgv(join(dir, 'missing'))).stdout.toString()), undefined);
    assert.equal(run(shellReadArgv(join(dir, 'missing'))).status, 2);
  });
  it('leaves no temp file when the write fails', () => {
    execFileSync('mkdir', ['-p', join(dir, 'ro')]);
    const w = run(shellWriteArgv(join(dir, 'ro'), join(dir, 'ro', '.tmp'), join(dir, 'ro', 'dir-not-file', 'x'), undefined), Buffer.from('x'));
    assert.notEqual(w.status, 0);
    assert.deepEqual(readdirSync(join(dir, 'ro')), []);
  });
  it('knows the errors that mean SFTP cannot work on a login', () => {
    assert.ok(isSftpUnusable('Packet length 1027423520 exceeds max length of 262144'));
    assert.ok(isSftpUnusable('Unable to start subsystem: sftp'));
    assert.ok(!isSftpUnusable('No such file'));
  });
});
