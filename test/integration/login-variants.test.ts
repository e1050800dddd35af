// The extension against realistic logins (issue 17), through the REAL product code path (the ssh2
// transport bedTransport builds, the Jobs view's lister, submitRemote, the log follower and the
// scancel call) for every login variant of every selected bed (.bed/login-variants*.json, written
// by .devcontainer/cluster/login-variants.sh): users whose dot files print banners on stdout and
// stderr or export their own Slurm output formats, tcsh/zsh/dash/fish login shells, and the test
// user on sshds with MaxSessions 1 and 2. The truth each check compares with comes from root
// where the cluster lives (runuser/squeue/sacct/the file system, no login shell in between).
// Only our own job ids are cancelled: the MaxSessions variants log in as the shared test user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { JobLogFollower } from '../../src/logs/jobLogFollower';
import { JobStatusWatcher, slurmJobStatusLookup } from '../../src/logs/jobStatus';
import { resolveTargets } from '../../src/logs/logTargets';
import { TailMux } from '../../src/logs/tailMux';
import { rowFromSqueue } from '../../src/session/jobTracker';
import { clusterContext } from '../../src/session/slurmJobLister';
import { runCall, scancelCall } from '../../src/slurm';
import { SqueueListingCache } from '../../src/slurm/squeueListing';
import { composeJob } from '../../src/submit/compose';
import { submitRemote } from '../../src/submit/remoteSubmit';
import { loadTemplates, type HeaderTemplate } from '../../src/templates/templateStore';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBeds, selectedBedVersions, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { RecordingSink } from './logs-support';
import { asRoot, asUser, hostPath, readLoginVariants, rootFinalState, rootSqueueIds, sbatchAs, variantBed, type LoginVariant, type LoginVariants } from './loginVariants';

const opts = { timeoutMs: 20_000 };

/** One poll's listing, the way the Jobs view's tracker reads it (one squeue through the listing cache). */
async function pollRows(t: Transport) {
  return (await runCall(t, new SqueueListingCache(rowFromSqueue).call(await clusterContext(t, opts)), opts)).rows;
}
const perTest = { timeout: 60_000 };
const followBudgetMs = 40_000;

let templates: HeaderTemplate[] | undefined;
async function defaultTemplate(): Promise<HeaderTemplate> {
  templates ??= (await loadTemplates({ builtinDir: path.resolve(__dirname, '../../templates'), trusted: true })).templates;
  return templates.find((t) => t.id === 'default')!;
}

const beds = readBeds();
selectedBedVersions().forEach((version, i) => {
  const bed = beds[i];
  const lv = readLoginVariants(version);
  for (const variant of lv.variants) {
    describe(`${bedLabel(bed)} — login ${variant.name} (${variant.notes})`, () => variantTests(bed, lv, variant));
  }
});

/** Numbered lines over about 1.2 s: a log that grows while it is followed. */
const numberedScript = (tag: string) => `#!/bin/sh\nfor i in 1 2 3 4 5; do echo "${tag} line $i"; sleep 0.25; done\n`;
const numberedOutput = (tag: string) => [1, 2, 3, 4, 5].map((i) => `${tag} line ${i}\n`).join('');

function variantTests(bed: Bed, lv: LoginVariants, v: LoginVariant): void {
  const vbed = variantBed(bed, v);
  const tag = randomBytes(4).toString('hex');
  // Private folders of this run: jobs' logs, and submitRemote's root (checked for strays).
  const dir = `${v.home}/swb-lv-${tag}`;
  const remoteRootName = `.swb-lv-${tag}`;
  const ours: string[] = [];
  let transport: Transport;

  /** The login directory's entries, without the private folders of runs of this file (ours and others'). */
  // Login shells keep their own state under XDG folders (fish creates ~/.local/share/fish when it first
  // needs it, at no fixed moment): those are the shell's, not ours. Our temp files (.name.swb-*.tmp) still count.
  const SHELL_STATE = new Set(['.cache', '.config', '.local']);
  const homeEntries = () => readdirSync(hostPath(lv, v.home)).filter((n) => !/^\.?swb-lv-[0-9a-f]{8}$/.test(n) && !SHELL_STATE.has(n)).sort();
  let homeBefore: string[] = [];

  before(async () => {
    homeBefore = homeEntries();
    const r = await asUser(lv, v.user, ['mkdir', '-p', dir]);
    assert.equal(r.code, 0, r.stderr);
    transport = bedTransport(vbed, `lv-${v.name}`, { defaultTimeoutMs: 20_000 });
  });

  after(async () => {
    transport?.dispose();
    if (ours.length) await asRoot(lv, ['scancel', ...ours]);
    await asUser(lv, v.user, ['rm', '-rf', dir, `${v.home}/${remoteRootName}`]);
  });

  const submitAs = async (args: string[], script: string) => {
    const id = await sbatchAs(lv, v.user, [`--chdir=${dir}`, '-t', '2', ...args], script);
    ours.push(id);
    return id;
  };

  /** Resolves the job's log through the product and follows it to its end, as the Logs command does. */
  async function followToEnd(t: Transport, tails: TailMux, watcher: JobStatusWatcher, jobId: string) {
    const ctx = await clusterContext(t, opts);
    const [target] = await resolveTargets(t, ctx, `lv-${v.name}`, jobId, opts);
    assert.ok(target, `no log target for job ${jobId}`);
    const sink = new RecordingSink();
    const follower = new JobLogFollower(t, watcher, target, sink, { tailLines: 1000, bigFileBytes: 2 * 1024 * 1024, drainTimeoutMs: 20_000, tails });
    follower.start();
    // A follower that never ends is a failure too; stopping it leaves nothing running after the test.
    const timer = setTimeout(() => void follower.stop(`still following after ${followBudgetMs} ms`), followBudgetMs);
    const end = await follower.whenEnded().finally(() => clearTimeout(timer));
    return { target, sink, end, follower };
  }

  function newWatcher(t: Transport): JobStatusWatcher {
    return new JobStatusWatcher(slurmJobStatusLookup(t, () => clusterContext(t, opts), opts), 500);
  }

  test('poll: lists the same jobs as root’s squeue', perTest, async () => {
    const held = [await submitAs(['-H', '-J', 'lv held 1'], '#!/bin/sh\ntrue\n'), await submitAs(['-H', '-J', 'lv held 2'], '#!/bin/sh\ntrue\n')];
    try {
      // Jobs may come and go meanwhile (other helpers use the shared test user; a second run of this
      // file uses the same variant users): what root saw before AND after must be listed, and
      // nothing root saw neither before NOR after.
      const before = await rootSqueueIds(lv, v.user);
      const rows = await pollRows(transport);
      const afterIds = await rootSqueueIds(lv, v.user);
      const listed = rows.map((r) => r.id).sort();
      for (const id of held) assert.ok(listed.includes(id), `held job ${id} listed; got ${listed.join(' ')}`);
      const stable = before.filter((id) => afterIds.includes(id));
      assert.deepEqual(stable.filter((id) => !listed.includes(id)), [], 'every job root saw before and after is listed');
      assert.deepEqual(listed.filter((id) => !before.includes(id) && !afterIds.includes(id)), [], 'nothing root never saw is listed');
      for (const id of held) {
        const row = rows.find((r) => r.id === id)!;
        assert.equal(row.state, 'PENDING');
        assert.equal(row.reason, 'JobHeldUser');
      }
    } finally {
      await asRoot(lv, ['scancel', ...held]);
    }
  });

  test('submit: the script runs with the expected output; nothing but it and its log in the job folder', perTest, async () => {
    const text = '#!/bin/bash\necho "hello from $SLURM_JOB_ID in $PWD"\necho done\n';
    const job = await composeJob({ fileName: 'lv job.sh', text, languageId: 'shellscript', template: await defaultTemplate(), answers: { jobName: `lv ${v.name}`, time: '2' } });
    const result = await submitRemote(transport, { remoteRoot: `~/${remoteRootName}`, files: job.files, scriptName: job.scriptName, label: v.name }, opts);
    const id = String(result.jobId);
    ours.push(id);
    assert.equal(result.remoteDir, path.posix.join(v.home, remoteRootName, 'jobs', path.posix.basename(result.remoteDir)));
    assert.equal(await rootFinalState(lv, id), 'COMPLETED');
    assert.equal(readFileSync(hostPath(lv, `${result.remoteDir}/slurm-${id}.out`), 'utf8'), `hello from ${id} in ${result.remoteDir}\ndone\n`);
    assert.deepEqual(readdirSync(hostPath(lv, result.remoteDir)).sort(), [...job.files.map((f) => f.name), `slurm-${id}.out`].sort(), 'no stray file in the job folder');
    assert.deepEqual(readdirSync(hostPath(lv, path.posix.dirname(result.remoteDir))), [path.posix.basename(result.remoteDir)], 'no stray file beside it');
  });

  test('follow: a growing log streams exactly once to the end', perTest, async () => {
    const id = await submitAs(['-J', 'lv follow', '-o', `${dir}/%j.out`], numberedScript('f'));
    const tails = new TailMux(transport, { idleMs: 1_000 });
    const watcher = newWatcher(transport);
    try {
      const { target, sink, end, follower } = await followToEnd(transport, tails, watcher, id);
      assert.equal(target.stdoutPath, `${dir}/${id}.out`);
      assert.equal(end.state, 'ended', end.message);
      assert.equal(end.status?.state, 'COMPLETED');
      assert.equal(sink.bytes('stdout').toString('utf8'), numberedOutput('f'));
      assert.equal(sink.bytes('stderr').toString('utf8'), '');
      assert.equal(follower.runningTails, 0);
    } finally {
      watcher.dispose();
      tails.dispose();
    }
  });

  test('cancel: scancel through the login ends the job CANCELLED', perTest, async () => {
    const id = await submitAs(['-J', 'lv cancel', '-o', '/dev/null'], '#!/bin/sh\nsleep 60\n');
    await runCall(transport, scancelCall([id]), opts);
    assert.match(await rootFinalState(lv, id, 20_000), /^CANCELLED/);
  });

  // Temp files of uploads, fallbacks or helper scripts would show up here (jobs write only into `dir`).
  // The shared test user's home gains other helpers' files meanwhile: checked for the private users.
  if (v.user !== bed.user) {
    test('nothing left in the login directory but this run’s own folders', async () => {
      assert.deepEqual(homeEntries(), homeBefore);
    });
  }

  if (v.maxSessions !== null) {
    test(`MaxSessions ${v.maxSessions}: a poll, a submit and two followed logs at once all succeed`, { timeout: 90_000 }, async () => {
      const held = await submitAs(['-H', '-J', 'lv par held'], '#!/bin/sh\ntrue\n');
      const [a, b] = [await submitAs(['-J', 'lv par a', '-o', `${dir}/%j.out`], numberedScript('a')), await submitAs(['-J', 'lv par b', '-o', `${dir}/%j.out`], numberedScript('b'))];
      // A connection of its own, so nothing the tests above left open counts against the limit.
      const t = bedTransport(vbed, `lv-${v.name}-parallel`, { defaultTimeoutMs: 30_000 });
      const tails = new TailMux(t, { idleMs: 1_000 });
      const watcher = newWatcher(t);
      try {
        const job = await composeJob({ fileName: 'par.sh', text: '#!/bin/sh\necho parallel submit\n', languageId: 'shellscript', template: await defaultTemplate(), answers: { jobName: 'lv par submit', time: '2' } });
        // allSettled: whatever fails, every part has finished before the connection is closed.
        const settled = await Promise.allSettled([
          pollRows(t),
          submitRemote(t, { remoteRoot: `~/${remoteRootName}`, files: job.files, scriptName: job.scriptName, label: 'par' }, opts),
          followToEnd(t, tails, watcher, a),
          followToEnd(t, tails, watcher, b),
        ] as const);
        if (settled[1].status === 'fulfilled') ours.push(String(settled[1].value.jobId));
        const failed = settled.flatMap((r, k) => (r.status === 'rejected' ? [`${['poll', 'submit', 'follow a', 'follow b'][k]}: ${String(r.reason)}`] : []));
        assert.deepEqual(failed, [], 'every part succeeded');
        const [rows, submitted, fa, fb] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
          Awaited<ReturnType<typeof pollRows>>,
          Awaited<ReturnType<typeof submitRemote>>,
          Awaited<ReturnType<typeof followToEnd>>,
          Awaited<ReturnType<typeof followToEnd>>,
        ];
        assert.ok(rows.some((r) => r.id === held && r.reason === 'JobHeldUser'), `the poll lists the held job ${held}`);
        for (const [f, which] of [[fa, 'a'], [fb, 'b']] as const) {
          assert.equal(f.end.state, 'ended', f.end.message);
          assert.equal(f.end.status?.state, 'COMPLETED');
          assert.equal(f.sink.bytes('stdout').toString('utf8'), numberedOutput(which));
        }
        assert.equal(await rootFinalState(lv, String(submitted.jobId)), 'COMPLETED');
        assert.equal(readFileSync(hostPath(lv, `${submitted.remoteDir}/slurm-${submitted.jobId}.out`), 'utf8'), 'parallel submit\n');
      } finally {
        watcher.dispose();
        tails.dispose();
        t.dispose();
      }
    });
  }
}
