// Folder sync against the real bundled cluster through the real sshd and ssh2 transport: a local
// folder is mirrored into <remoteRoot>/workspaces/<name>-<hash>, a job reads a data file by its
// relative path and COMPLETES with that content; after one local change a re-sync uploads exactly
// that file and leaves the other's remote inode and mtime alone; a hostile name round-trips; a
// file changed on the cluster is not overwritten. On every selected bed (Slurm 22.05 and 24.11;
// SLURM_WB_BEDS chooses). Our own remote root per bed, removed afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { quoteArg } from '../../src/core/shellQuote';
import { absoluteRemoteRoot, submitRemote } from '../../src/submit/remoteSubmit';
import { applyFolderSync, planFolderSync, syncTarget, type SyncTarget } from '../../src/submit/folderSync';
import { parseSyncSettings, type SyncSettings } from '../../src/submit/syncPlan';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { finalState } from './jobWait';

const settings: SyncSettings = { ...parseSyncSettings({}).settings, syncFolder: 'workspaceFolder' };
const remote = { timeoutMs: 120_000 };
const hostile = `it's a "data" $(touch pwned) ü 😀\nline.txt`;

for (const bed of readBeds()) describe(`folder sync on ${bedLabel(bed)}`, () => syncSuite(bed));

function syncSuite(bed: Bed): void {
  let transport: Transport;
  let local: string;
  let target: SyncTarget;
  const submitted: number[] = [];
  const remoteRoot = `~/.swb-sync-it-${randomBytes(4).toString('hex')}`;
  before(async () => {
    transport = bedTransport(bed, bed.clusterName, { defaultTimeoutMs: 60_000 });
    local = mkdtempSync(path.join(tmpdir(), 'swb sync ü '));
    mkdirSync(path.join(local, 'jobs', 'run one'), { recursive: true });
    mkdirSync(path.join(local, 'data'), { recursive: true });
    mkdirSync(path.join(local, '.git'), { recursive: true });
    writeFileSync(path.join(local, 'data', 'input.txt'), 'hello from the data file\n');
    writeFileSync(path.join(local, 'data', 'other.txt'), 'unchanged\n');
    writeFileSync(path.join(local, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(local, 'jobs', 'run one', 'run.sh'), '#!/bin/bash\ncat ../../data/input.txt\n');
    const root = await absoluteRemoteRoot(transport, remoteRoot, remote);
    target = syncTarget(settings, path.join(local, 'jobs', 'run one', 'run.sh'), local, root)!;
  });

  after(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    transport?.dispose();
    if (local) rmSync(local, { recursive: true, force: true });
  });

  const remotePath = (rel: string) => quoteArg(path.posix.join(target.remoteDir, rel));
  async function inodeAndMtime(rel: string): Promise<string> {
    const r = await sshRun(`stat -c '%i %.9Y' -- ${remotePath(rel)}`, { bed });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  }

  test('first sync uploads the folder (not .git), and a job reads a data file by its relative path', async () => {
    assert.match(target.remoteDir, /\/workspaces\/swb_sync_u_[A-Za-z0-9]+-[0-9a-f]{8}$/);
    assert.equal(target.jobDir, `${target.remoteDir}/jobs/run one`);
    const planned = await planFolderSync(transport, target, settings, remote);
    assert.deepEqual(planned.plan.uploads.map((u) => u.path), ['data/input.txt', 'data/other.txt', 'jobs/run one/run.sh']);
    assert.equal(planned.plan.excluded, 1);
    const progress: string[] = [];
    const done = await applyFolderSync(transport, planned, { ...remote, onProgress: (p) => progress.push(p.path) });
    assert.equal(done.uploaded, 3);
    assert.equal(progress.length, 3);
    const git = await sshRun(`test -e ${remotePath('.git')} && echo yes || echo no`, { bed });
    assert.equal(git.stdout.trim(), 'no');

    // Each file arrived stamped with its local mtime (whole seconds, set before the rename).
    const stamped = await sshRun(`stat -c '%.9Y' -- ${remotePath('data/input.txt')}`, { bed });
    const localSeconds = Math.floor(statSync(path.join(local, 'data', 'input.txt')).mtimeMs / 1000);
    assert.equal(stamped.stdout.trim(), `${localSeconds}.000000000`);
    // Nothing changed: the same plan is empty (mtimes were stamped to the local ones).
    const again = await planFolderSync(transport, target, settings, remote);
    assert.equal(again.plan.uploads.length, 0);
    assert.equal(again.plan.unchanged, 3);

    const script = '#!/bin/bash\n#SBATCH --time=2\n#SBATCH --job-name=wb-sync\ncat ../../data/input.txt\n';
    const result = await submitRemote(transport, { remoteRoot, files: [{ name: 'run.sh', content: script }], scriptName: 'run.sh', label: 'sync', chdir: target.jobDir }, remote);
    submitted.push(result.jobId);
    assert.equal(result.workDir, target.jobDir);
    assert.notEqual(result.remoteDir, target.jobDir, 'the rendered script still goes into its own job folder');
    assert.equal(await finalState(bed, result.jobId), 'COMPLETED');
    const out = await sshRun(`cat -- ${quoteArg(`${target.jobDir}/slurm-${result.jobId}.out`)}`, { bed });
    assert.equal(out.stdout, 'hello from the data file\n');
  });

  test('after one local change a re-sync uploads exactly that file; the other keeps its remote inode and mtime', async () => {
    const before = await inodeAndMtime('data/other.txt');
    const changedBefore = await inodeAndMtime('data/input.txt');
    writeFileSync(path.join(local, 'data', 'input.txt'), 'changed!\n');
    const planned = await planFolderSync(transport, target, settings, remote);
    assert.deepEqual(planned.plan.uploads.map((u) => [u.path, u.reason]), [['data/input.txt', 'size']]);
    const done = await applyFolderSync(transport, planned, remote);
    assert.equal(done.uploaded, 1);
    assert.equal(await inodeAndMtime('data/other.txt'), before);
    assert.notEqual(await inodeAndMtime('data/input.txt'), changedBefore);
    assert.equal((await sshRun(`cat -- ${remotePath('data/input.txt')}`, { bed })).stdout, 'changed!\n');

    // Same size, only a newer mtime (saved again unchanged): uploaded too.
    const later = Math.floor(Date.now() / 1000) + 60;
    utimesSync(path.join(local, 'data', 'other.txt'), later, later);
    const touched = await planFolderSync(transport, target, settings, remote);
    assert.deepEqual(touched.plan.uploads.map((u) => [u.path, u.reason]), [['data/other.txt', 'mtime']]);
    await applyFolderSync(transport, touched, remote);
    assert.equal((await planFolderSync(transport, target, settings, remote)).plan.uploads.length, 0);
  });

  test('a hostile file name round-trips and injects nothing', async () => {
    writeFileSync(path.join(local, 'data', hostile), 'hostile content\n');
    const planned = await planFolderSync(transport, target, settings, remote);
    assert.deepEqual(planned.plan.uploads.map((u) => u.path), [`data/${hostile}`]);
    await applyFolderSync(transport, planned, remote);
    assert.equal((await sshRun(`cat -- ${remotePath(`data/${hostile}`)}`, { bed })).stdout, 'hostile content\n');
    assert.equal((await planFolderSync(transport, target, settings, remote)).plan.unchanged, 4);
    const pwned = await sshRun(`find ~ -maxdepth 1 -name pwned; find ${quoteArg(target.remoteDir)} -name pwned`, { bed });
    assert.equal(pwned.stdout.trim(), '');
    const temps = await sshRun(`find ${quoteArg(target.remoteDir)} -name '*.swb-*.tmp'`, { bed });
    assert.equal(temps.stdout.trim(), '', 'no upload temp file left behind');
  });

  test('a file changed on the cluster is not overwritten, and remote-only files are left alone', async () => {
    // Newer than the local copy (whose mtime the previous test put a minute ahead).
    const stamp = Math.floor(Date.now() / 1000) + 3600;
    await sshRun(`echo 'edited on the cluster' > ${remotePath('data/other.txt')} && touch -d @${stamp} ${remotePath('data/other.txt')}; echo out > ${remotePath('results.csv')}`, { bed });
    const planned = await planFolderSync(transport, target, settings, remote);
    assert.deepEqual(planned.plan.uploads, []);
    assert.deepEqual(planned.plan.skipped, [{ path: 'data/other.txt', reason: 'changed on the cluster' }]);
    assert.equal((await sshRun(`cat -- ${remotePath('results.csv')}`, { bed })).stdout, 'out\n');
  });

  test('a failed upload names the file, leaves no temp file, and stops before anything is submitted', async () => {
    mkdirSync(path.join(local, 'locked'), { recursive: true });
    writeFileSync(path.join(local, 'locked', 'x.txt'), 'x\n');
    await sshRun(`mkdir -p ${remotePath('locked')} && chmod 555 ${remotePath('locked')}`, { bed });
    try {
      const planned = await planFolderSync(transport, target, settings, remote);
      assert.deepEqual(planned.plan.uploads.map((u) => u.path), ['locked/x.txt']);
      await assert.rejects(applyFolderSync(transport, planned, remote), (err: Error) => {
        assert.match(err.message, /^Folder sync failed at locked\/x\.txt: /);
        return true;
      });
      const left = await sshRun(`ls -A ${remotePath('locked')}`, { bed });
      assert.equal(left.stdout.trim(), '');
    } finally {
      await sshRun(`chmod 755 ${remotePath('locked')}`, { bed });
      rmSync(path.join(local, 'locked'), { recursive: true, force: true });
    }
  });

  test('cancelling mid-sync stops it; the files already uploaded are stamped and not sent again', async () => {
    for (let i = 0; i < 20; i++) writeFileSync(path.join(local, 'data', `many-${i}.txt`), `file ${i}\n`);
    const planned = await planFolderSync(transport, target, settings, remote);
    assert.equal(planned.plan.uploads.length, 20);
    const abort = new AbortController();
    let seen = 0;
    await assert.rejects(
      applyFolderSync(transport, planned, { ...remote, signal: abort.signal, onProgress: () => {
        if (++seen === 2) abort.abort();
      } }),
      (err: Error) => err.name === 'CancelledError',
    );
    const next = await planFolderSync(transport, target, settings, remote);
    assert.ok(next.plan.uploads.length < 20 && next.plan.uploads.length > 0, `${next.plan.uploads.length} left to upload`);
    assert.deepEqual(next.plan.skipped.filter((x) => x.path.startsWith('data/many-')), [], 'uploaded files were stamped, none looks changed on the cluster');
    await applyFolderSync(transport, next, remote);
    assert.equal((await planFolderSync(transport, target, settings, remote)).plan.uploads.length, 0);
  });
}
