// The command fallback of readDirectory and rename (used where SFTP cannot work) runs here against
// real files through /bin/sh, with the same argv the ssh transport sends: hostile names, symlinks,
// and the exit codes that say why.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShellList, shellFailureKind, shellListArgv, shellRenameArgv } from '../../src/transport/shellDirOps';

const run = (argv: string[]) => spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });

describe('shell readDirectory and rename', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swb-shelldir-'));
  const hostile = ["a b 'q' \"dq\" $(touch pwned) `x`", 'ünï 日本', 'new\nline', '-dash'];

  it('lists hostile names, types, sizes and whole-second mtimes', () => {
    for (const name of hostile) writeFileSync(join(dir, name), name);
    mkdirSync(join(dir, 'sub dir'));
    symlinkSync('sub dir', join(dir, 'to-sub'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    utimesSync(join(dir, '-dash'), 1_700_000_000.7, 1_700_000_000.7);
    const r = run(shellListArgv(dir));
    assert.equal(r.status, 0, r.stderr);
    const entries = parseShellList(r.stdout).sort((a, b) => a.name.localeCompare(b.name));
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual([...byName.keys()].sort(), [...hostile, 'sub dir', 'to-sub', 'dangling'].sort());
    assert.deepEqual(byName.get('-dash'), { name: '-dash', type: 'file', size: 5, mtimeMs: 1_700_000_000_000 });
    assert.equal(byName.get('sub dir')?.type, 'dir');
    assert.deepEqual([byName.get('to-sub')?.type, byName.get('to-sub')?.targetType], ['symlink', 'dir']);
    assert.deepEqual([byName.get('dangling')?.type, byName.get('dangling')?.targetType], ['symlink', undefined]);
    assert.ok(!existsSync(join(dir, 'pwned')) && !existsSync('pwned'), 'no name was run as a command');
  });

  it('says why a listing failed', () => {
    const missing = run(shellListArgv(join(dir, 'missing')));
    assert.equal(shellFailureKind(missing.status, missing.stderr), 'notFound');
    const file = run(shellListArgv(join(dir, 'ünï 日本')));
    assert.equal(shellFailureKind(file.status, file.stderr), 'notDirectory');
  });

  it('renames, refusing an existing target unless asked, never into a folder', () => {
    const a = join(dir, hostile[0]!);
    const b = join(dir, 'renamed $(x)');
    assert.equal(run(shellRenameArgv(a, b, false)).status, 0);
    assert.equal(readFileSync(b, 'utf8'), hostile[0]);
    const taken = run(shellRenameArgv(b, join(dir, 'ünï 日本'), false));
    assert.equal(shellFailureKind(taken.status, taken.stderr), 'exists');
    assert.equal(run(shellRenameArgv(b, join(dir, 'ünï 日本'), true)).status, 0);
    assert.equal(readFileSync(join(dir, 'ünï 日本'), 'utf8'), hostile[0]);
    const gone = run(shellRenameArgv(b, join(dir, 'x'), false));
    assert.equal(shellFailureKind(gone.status, gone.stderr), 'notFound');
    const intoDir = run(shellRenameArgv(join(dir, 'new\nline'), join(dir, 'sub dir'), true));
    assert.notEqual(intoDir.status, 0, 'mv -T does not move a file into a folder of the target name');
    rmSync(dir, { recursive: true, force: true });
  });
});
