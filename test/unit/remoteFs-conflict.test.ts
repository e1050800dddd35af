// The write conflict check and the watcher's diff, pure; then RemoteFiles over the real local
// transport in a throwaway home: a file changed behind our back is refused, a forced write goes
// through, and errors arrive as the kinds VS Code's FileSystemError needs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, KnownVersions, checkWrite, sameVersion } from '../../src/remoteFs/conflict';
import { RemoteFiles, RemoteFsError, remoteFsKindOf } from '../../src/remoteFs/remoteFiles';
import { diffObserved, startStatPoll } from '../../src/remoteFs/statPoll';
import { fileOpError } from '../../src/transport/fileDirErrors';
import { useLocalHome } from './localHome';

describe('conflict check', () => {
  it('compares size and whole seconds', () => {
    assert.ok(sameVersion({ size: 3, mtimeMs: 1_000_400 }, { size: 3, mtimeMs: 1_000_999 }));
    assert.ok(!sameVersion({ size: 3, mtimeMs: 1_000_000 }, { size: 3, mtimeMs: 1_001_000 }));
    assert.ok(!sameVersion({ size: 3, mtimeMs: 1_000_000 }, { size: 4, mtimeMs: 1_000_000 }));
  });

  it('refuses a write over a changed or deleted file, allows one never read', () => {
    assert.doesNotThrow(() => checkWrite('f', undefined, { size: 1, mtimeMs: 0 }));
    assert.doesNotThrow(() => checkWrite('f', { size: 1, mtimeMs: 5000 }, { size: 1, mtimeMs: 5000 }));
    assert.throws(() => checkWrite('f', { size: 1, mtimeMs: 5000 }, { size: 2, mtimeMs: 5000 }), (e: unknown) => e instanceof ConflictError && /changed on the cluster/.test(e.message) && e.current?.size === 2);
    assert.throws(() => checkWrite('f', { size: 1, mtimeMs: 5000 }, undefined), (e: unknown) => e instanceof ConflictError && /deleted/.test(e.message));
  });

  it('remembers versions, moves and forgets folders, stays bounded', () => {
    const v = new KnownVersions(3);
    v.remember('p\0~/d/a', { size: 1, mtimeMs: 1 });
    v.remember('p\0~/d/b', { size: 2, mtimeMs: 2 });
    v.remember('p\0~/dx', { size: 3, mtimeMs: 3 });
    v.move('p\0~/d', 'p\0~/e');
    assert.deepEqual(v.get('p\0~/e/a'), { size: 1, mtimeMs: 1 });
    assert.equal(v.get('p\0~/d/a'), undefined);
    assert.deepEqual(v.get('p\0~/dx'), { size: 3, mtimeMs: 3 }, 'a sibling with the same prefix is not moved');
    v.forget('p\0~/e');
    assert.equal(v.get('p\0~/e/b'), undefined);
    v.remember('1', { size: 0, mtimeMs: 0 });
    v.remember('2', { size: 0, mtimeMs: 0 });
    v.remember('3', { size: 0, mtimeMs: 0 });
    assert.equal(v.get('p\0~/dx'), undefined, 'the oldest is forgotten past the limit');
  });

  it('maps transport failures to FileSystemError kinds', () => {
    assert.equal(remoteFsKindOf(fileOpError('exists', 'x')), 'FileExists');
    assert.equal(remoteFsKindOf(Object.assign(new Error('x'), { cause: Object.assign(new Error('ENOENT'), { code: 'ENOENT' }) })), 'FileNotFound');
    assert.equal(remoteFsKindOf(new Error('Could not read ~/x on a: sh: 1: cannot open: Permission denied')), 'NoPermissions');
    assert.equal(remoteFsKindOf(new Error('timeout')), undefined);
  });
});

describe('watch diff and poll', () => {
  it('reports the path and its entries by name', () => {
    const stat = { type: 'dir' as const, size: 4096, mtimeMs: 1000 };
    const e = (name: string, size: number) => ({ name, type: 'file' as const, size, mtimeMs: 1000 });
    assert.deepEqual(diffObserved({ stat, entries: [e('a', 1), e('b', 1)] }, { stat: { ...stat, mtimeMs: 2000 }, entries: [e('a', 2), e('c', 1)] }), [
      { type: 'changed' },
      { type: 'changed', name: 'a' },
      { type: 'created', name: 'c' },
      { type: 'deleted', name: 'b' },
    ]);
    assert.deepEqual(diffObserved({ stat }, { stat: undefined }), [{ type: 'deleted' }]);
    assert.deepEqual(diffObserved({ stat }, { stat }), []);
  });

  it('polls one round at a time and stops when disposed', async () => {
    const timers: (() => void)[] = [];
    let size = 1;
    let rounds = 0;
    const seen: unknown[] = [];
    const poll = startStatPoll({
      intervalMs: () => 10_000,
      observe: async () => {
        rounds++;
        return { stat: { type: 'file', size, mtimeMs: 0 } };
      },
      onChanges: (c) => seen.push(...c),
      setTimer: (fn) => (timers.push(fn), { cancel: () => undefined }),
    });
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    assert.equal(rounds, 1);
    assert.equal(timers.length, 1, 'the next round is scheduled only after this one ended');
    size = 2;
    timers.shift()!();
    await settle();
    assert.deepEqual(seen, [{ type: 'changed' }]);
    poll.dispose();
    timers.shift()?.();
    await settle();
    assert.ok(rounds <= 3);
    assert.equal(seen.length, 1);
  });
});

describe('RemoteFiles over the local transport', () => {
  const local = useLocalHome('swb-remotefs-');
  const files = () => new RemoteFiles({ transportFor: (p) => (p === 'local' ? local.transport : undefined), timeoutMs: () => 10_000, maxReadBytes: () => 1024 });
  const loc = (remotePath: string) => ({ profile: 'local', remotePath });

  it('reads, refuses a write after a change behind its back, allows a forced one', async () => {
    const fs = files();
    writeFileSync(join(local.home, 'a.txt'), 'one');
    assert.equal(Buffer.from(await fs.readFile(loc('~/a.txt'))).toString(), 'one');
    await fs.writeFile(loc('~/a.txt'), Buffer.from('mine'), { create: false, overwrite: true });
    assert.equal(readFileSync(join(local.home, 'a.txt'), 'utf8'), 'mine', 'our own write does not conflict with itself');
    writeFileSync(join(local.home, 'a.txt'), 'theirs!');
    utimesSync(join(local.home, 'a.txt'), new Date(), new Date(Date.now() + 5_000));
    await assert.rejects(fs.writeFile(loc('~/a.txt'), Buffer.from('mine 2'), { create: false, overwrite: true }), ConflictError);
    assert.equal(readFileSync(join(local.home, 'a.txt'), 'utf8'), 'theirs!');
    await fs.writeFile(loc('~/a.txt'), Buffer.from('mine 2'), { create: false, overwrite: true, force: true });
    assert.equal(readFileSync(join(local.home, 'a.txt'), 'utf8'), 'mine 2');
  });

  it('says why with FileSystemError kinds', async () => {
    const fs = files();
    const kind = (k: string) => (e: unknown) => e instanceof RemoteFsError && e.kind === k;
    await assert.rejects(fs.readFile(loc('~/missing')), kind('FileNotFound'));
    await assert.rejects(fs.readDirectory(loc('~/missing')), kind('FileNotFound'));
    writeFileSync(join(local.home, 'f'), 'x');
    await assert.rejects(fs.readDirectory(loc('~/f')), kind('FileNotADirectory'));
    await assert.rejects(fs.writeFile(loc('~/f'), Buffer.from('y'), { create: true, overwrite: false }), kind('FileExists'));
    await assert.rejects(fs.writeFile(loc('~/nodir/f'), Buffer.from('y'), { create: true, overwrite: true }), kind('FileNotFound'));
    await assert.rejects(fs.createDirectory(loc('~/f')), kind('FileExists'));
    writeFileSync(join(local.home, 'big'), Buffer.alloc(2048));
    await assert.rejects(fs.readFile(loc('~/big')), (e: unknown) => e instanceof RemoteFsError && /maxFileSizeMB/.test(e.hint ?? ''));
    await assert.rejects(fs.stat({ profile: 'nope', remotePath: '~' }), kind('Unavailable'));
    if (process.getuid?.() !== 0) {
      mkdirSync(join(local.home, 'locked'));
      chmodSync(join(local.home, 'locked'), 0);
      await assert.rejects(fs.readDirectory(loc('~/locked')), kind('NoPermissions'));
      chmodSync(join(local.home, 'locked'), 0o755);
    }
  });

  it('renames (refusing an existing target unless asked), deletes and creates folders', async () => {
    const fs = files();
    await fs.createDirectory(loc('~/d'));
    await fs.writeFile(loc('~/d/x y.txt'), Buffer.from('1'), { create: true, overwrite: false });
    await fs.writeFile(loc('~/d/z'), Buffer.from('2'), { create: true, overwrite: false });
    await assert.rejects(fs.rename(loc('~/d/x y.txt'), loc('~/d/z'), false), (e: unknown) => e instanceof RemoteFsError && e.kind === 'FileExists');
    await fs.rename(loc('~/d/x y.txt'), loc('~/d/z'), true);
    assert.deepEqual((await fs.readDirectory(loc('~/d'))).map((e) => e.name), ['z']);
    await assert.rejects(fs.delete(loc('~/d'), false), /not empty/);
    await fs.delete(loc('~/d'), true);
    await assert.rejects(fs.stat(loc('~/d')), (e: unknown) => e instanceof RemoteFsError && e.kind === 'FileNotFound');
  });
});
