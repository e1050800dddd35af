// The folder-sync planner: what goes up (new, changed size, changed mtime), what stays (unchanged,
// excluded, symlinks, too large, changed on the cluster), remote listings with hostile names, and
// the remote listing as argv (no name ever inside a script). Plus the local walk on a real temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  describeSkipped, describeUpload, excludeMatcher, parseRemoteListing, parseSyncSettings, planSync, remoteJobDir, remoteListingArgv, remoteWorkspaceDir,
  workspaceDirName, type LocalEntry, type RemoteFile,
} from '../../src/submit/syncPlan';
import { scanLocalFolder, syncTarget } from '../../src/submit/folderSync';
import { DEFAULT_SYNC_EXCLUDE } from '../../src/config/settings';

const T = 1_700_000_000_123;
const file = (p: string, size: number, mtimeMs = T): LocalEntry => ({ kind: 'file', path: p, size, mtimeMs });
const remote = (entries: [string, number, number, boolean?][]) => new Map<string, RemoteFile>(entries.map(([p, size, mtimeMs, wholeSeconds]) => [p, { size, mtimeMs, wholeSeconds: wholeSeconds ?? false }]));
const opts = { exclude: excludeMatcher(DEFAULT_SYNC_EXCLUDE), maxFileBytes: 1024 * 1024 };

test('unchanged, changed size, changed mtime, new: only the last three go up, sorted', () => {
  const plan = planSync(
    [file('same.txt', 10), file('grown.txt', 11), file('touched.txt', 10, T + 5_000), file('new.txt', 3)],
    remote([['same.txt', 10, T], ['grown.txt', 10, T], ['touched.txt', 10, T]]),
    opts,
  );
  assert.deepEqual(plan.uploads.map((u) => [u.path, u.reason]), [['grown.txt', 'size'], ['new.txt', 'new'], ['touched.txt', 'mtime']]);
  assert.equal(plan.unchanged, 1);
  assert.equal(plan.uploadBytes, 11 + 3 + 10);
  assert.deepEqual(plan.skipped, []);
});

test('a file system with whole seconds compares equal by seconds', () => {
  const plan = planSync([file('a', 1, T)], remote([['a', 1, Math.floor(T / 1000) * 1000, true]]), opts);
  assert.equal(plan.unchanged, 1);
  assert.equal(plan.uploads.length, 0);
});

test('a remote copy changed on the cluster (newer, different) is not overwritten but reported', () => {
  const plan = planSync([file('results.csv', 5, T)], remote([['results.csv', 9, T + 60_000]]), opts);
  assert.deepEqual(plan.uploads, []);
  assert.deepEqual(plan.skipped, [{ path: 'results.csv', reason: 'changed on the cluster' }]);
  // Touching the local file makes it the newer one again: it goes up.
  assert.equal(planSync([file('results.csv', 5, T + 120_000)], remote([['results.csv', 9, T + 60_000]]), opts).uploads.length, 1);
});

test('remote-only files are never planned for anything (no deletions exist in a plan)', () => {
  const plan = planSync([], remote([['slurm-12.out', 100, T], ['data/big.h5', 1e9, T]]), opts);
  assert.deepEqual(plan, { uploads: [], uploadBytes: 0, unchanged: 0, skipped: [], excluded: 0 });
});

test('excluded, symlinks, other kinds and too large files are skipped with a reason', () => {
  const plan = planSync(
    [file('.git/config', 10), file('src/__pycache__/m.cpython-311.pyc', 10), file('x.pyc', 1), file('node_modules/a/index.js', 1), { kind: 'symlink', path: 'link' }, { kind: 'other', path: 'fifo' }, file('huge.bin', 2 * 1024 * 1024), file('ok.py', 1)],
    new Map(),
    opts,
  );
  assert.equal(plan.excluded, 4);
  assert.deepEqual(plan.skipped, [{ path: 'link', reason: 'symlink' }, { path: 'fifo', reason: 'not a regular file' }, { path: 'huge.bin', reason: 'too large' }]);
  assert.deepEqual(plan.uploads.map((u) => u.path), ['ok.py']);
});

test('exclude globs: names anywhere, paths from the root, ** and ?', () => {
  const m = excludeMatcher(['*.log', 'data/raw', 'build/**/tmp', 'v?', '  ', 'out/']);
  assert.ok(m('a/b/c.log'));
  assert.ok(m('data/raw'));
  assert.ok(m('data/raw/x.csv'));
  assert.ok(!m('other/data/raw/x.csv'), 'a path pattern is anchored at the synced folder');
  assert.ok(m('build/tmp/x'));
  assert.ok(m('build/a/b/tmp/x'));
  assert.ok(m('v1/x'));
  assert.ok(!m('v10/x'));
  assert.ok(m('out/a'));
  assert.ok(!m('src/main.py'));
  assert.ok(!m('a.log.txt'));
});

test('nested dirs and hostile names compare by their exact relative path', () => {
  const names = ["it's a \"file\" $(touch x) ü 😀.txt", 'new\nline.txt', 'tab\there.txt', 'a/b/c/deep.dat', '-rf'];
  const listing = names.map((n, i) => `${n}\t${i + 1}\t${Math.floor(T / 1000)}.1230000000\0`).join('');
  const parsed = parseRemoteListing(listing);
  assert.deepEqual([...parsed.keys()], names);
  assert.deepEqual(parsed.get('tab\there.txt'), { size: 3, mtimeMs: T, wholeSeconds: false });
  const plan = planSync(names.map((n, i) => file(n, i + 1)), parsed, opts);
  assert.equal(plan.unchanged, names.length);
});

test('remote listing: whole-second times, an empty workspace, garbage refused', () => {
  assert.deepEqual(parseRemoteListing('a\t1\t1700000000.0000000000\0b\t2\t1700000000\0'), new Map([
    ['a', { size: 1, mtimeMs: 1_700_000_000_000, wholeSeconds: true }],
    ['b', { size: 2, mtimeMs: 1_700_000_000_000, wholeSeconds: true }],
  ]));
  assert.equal(parseRemoteListing('').size, 0);
  assert.throws(() => parseRemoteListing('no tabs here\0'), /Unexpected line/);
  assert.throws(() => parseRemoteListing('a\tx\t1\0'), /Unexpected line/);
});

test('the remote listing is argv: names only ever arguments, never inside the script', () => {
  const hostile = "/home/u/ws/it's $(rm -rf ~)";
  const list = remoteListingArgv(hostile);
  assert.deepEqual(list.slice(0, 2), ['sh', '-c']);
  assert.equal(list[4], hostile);
  assert.ok(!list[2].includes(hostile));
});

test('the remote workspace is stable per local folder and distinct for same-named folders', () => {
  assert.equal(workspaceDirName('/home/a/proj'), workspaceDirName('/home/a/proj'));
  assert.notEqual(workspaceDirName('/home/a/proj'), workspaceDirName('/home/b/proj'));
  assert.match(workspaceDirName('/home/a/my proj ü'), /^my_proj_u-[0-9a-f]{8}$/);
  assert.match(remoteWorkspaceDir('/home/u/.slurm-workbench', '/x/proj'), /^\/home\/u\/\.slurm-workbench\/workspaces\/proj-[0-9a-f]{8}$/);
  assert.equal(remoteJobDir('/r/ws', ''), '/r/ws');
  assert.equal(remoteJobDir('/r/ws', 'a/b c'), '/r/ws/a/b c');
  assert.throws(() => remoteJobDir('/r/ws', '../x'));
});

test('syncTarget: off, the script folder, the workspace folder with the script inside it', () => {
  const s = parseSyncSettings({}).settings;
  assert.equal(syncTarget(s, '/w/p/run.sh', '/w', '/r'), undefined);
  const scriptFolder = syncTarget({ ...s, syncFolder: 'scriptFolder' }, '/w/p/run.sh', '/w', '/r')!;
  assert.equal(scriptFolder.localDir, '/w/p');
  assert.equal(scriptFolder.jobDir, scriptFolder.remoteDir);
  const ws = syncTarget({ ...s, syncFolder: 'workspaceFolder' }, '/w/p/q/run.sh', '/w', '/r')!;
  assert.equal(ws.localDir, '/w');
  assert.equal(ws.jobDir, `${ws.remoteDir}/p/q`);
  // Outside the workspace: the script's own folder.
  assert.equal(syncTarget({ ...s, syncFolder: 'workspaceFolder' }, '/elsewhere/run.sh', '/w', '/r')!.localDir, '/elsewhere');
});

test('settings: defaults, valid values, and a bad value falls back alone', () => {
  const d = parseSyncSettings({});
  assert.equal(d.settings.syncFolder, 'off');
  assert.ok(d.settings.syncExclude.includes('.git'));
  assert.equal(d.settings.syncMaxFileMb, 50);
  const r = parseSyncSettings({ syncFolder: 'everything', syncExclude: ['*.tmp'], syncMaxFileMb: -1 });
  assert.equal(r.settings.syncFolder, 'off');
  assert.deepEqual(r.settings.syncExclude, ['*.tmp']);
  assert.equal(r.settings.syncMaxFileMb, 50);
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0], /slurm\.submit\.syncFolder/);
});

test('describeUpload, describeSkipped', () => {
  assert.equal(describeUpload({ uploads: [{ path: 'a', size: 1, mtimeMs: 0, reason: 'new' }], uploadBytes: 1536 }), '1 changed file (1.5 KB)');
  assert.equal(describeUpload({ uploads: [], uploadBytes: 3 * 1024 * 1024 }), '0 changed files (3.0 MB)');
  assert.equal(describeSkipped({ skipped: [] }), undefined);
  assert.equal(describeSkipped({ skipped: [{ path: 'l', reason: 'symlink' }, { path: 'b', reason: 'too large' }] }, 1), 'not synced: "l" (symlink) and 1 more');
});

test('the local walk: nested folders, hostile names, symlinks reported, excluded folders not entered, ms mtimes', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'swb-sync-'));
  try {
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
    writeFileSync(path.join(root, 'a', 'b', 'deep.txt'), 'deep');
    writeFileSync(path.join(root, "it's $(x) ü\nnl.txt"), 'h');
    writeFileSync(path.join(root, 'node_modules', 'x', 'i.js'), '');
    symlinkSync(path.join(root, 'a'), path.join(root, 'link'));
    // .5 s is exact in binary floating point (utimes takes float seconds).
    utimesSync(path.join(root, 'a', 'b', 'deep.txt'), 1_700_000_000.5, 1_700_000_000.5);
    const entries = await scanLocalFolder(root, excludeMatcher(DEFAULT_SYNC_EXCLUDE));
    entries.sort((x, y) => (x.path < y.path ? -1 : 1));
    assert.deepEqual(entries, [
      { kind: 'file', path: 'a/b/deep.txt', size: 4, mtimeMs: 1_700_000_000_500 },
      { kind: 'file', path: "it's $(x) ü\nnl.txt", size: 1, mtimeMs: (entries[1] as { mtimeMs: number }).mtimeMs },
      { kind: 'symlink', path: 'link' },
      { kind: 'other', path: 'node_modules' },
    ]);
    const plan = planSync(entries, new Map(), opts);
    assert.deepEqual(plan.uploads.map((u) => u.path), ['a/b/deep.txt', "it's $(x) ü\nnl.txt"]);
    assert.equal(plan.excluded, 1);
    assert.deepEqual(plan.skipped, [{ path: 'link', reason: 'symlink' }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
