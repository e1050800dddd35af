// A cluster WITHOUT accounting: the "noacct" flavor (.devcontainer/cluster/flavor-noacct.sh, started
// by up.sh: Slurm 22.05, AccountingStorageType=accounting_storage/none, login sshd whose sessions
// get its SLURM_CONF), driven through the real product code over the real ssh2 transport. The only
// wrapper counts the Slurm commands the transport runs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession, type ClusterSnapshot } from '../../src/session/clusterSession';
import type { JobEvent } from '../../src/session/jobTracker';
import { notificationsFor } from '../../src/session/notifications';
import { clusterContext } from '../../src/session/slurmJobLister';
import { slurmJobStatusLookup } from '../../src/logs/jobStatus';
import { resolveTargets } from '../../src/logs/logTargets';
import { accountingDisabledOn } from '../../src/slurm/accounting';
import { bedLabel, readBed, repoRoot, sshRun } from './bed';
import { bedTransport } from './bedTransport';
import { nativeClusterOnly } from './devcontainerSkip';
import { countingTransport } from './countingTransport';

const skip = nativeClusterOnly('the no-accounting flavor is a native cluster on this machine (flavor-noacct.sh, started by up.sh), not a compose service');
// up.sh writes it natively; a missing file there is an error that says how to fix it.
const bed = skip ? undefined : readBed(path.join(repoRoot, '.bed', 'cluster-noacct.json'));


describe(`no accounting: ${bed ? bedLabel(bed) : 'noacct'}`, { skip }, () => {
  if (!bed) return;
  const submitted: string[] = [];
  after(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  });

  test('the login node really has no accounting', async () => {
    const r = await sshRun('sacct -X --noheader', { bed });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Slurm accounting storage is disabled/);
    const conf = await sshRun('scontrol show config', { bed });
    assert.match(conf.stdout, /ClusterName\s+= noacct/);
  });

  test('a job that runs and fails shows finished with its final state from slurmctld; one notice; sacct once; no error', async () => {
    const commands: string[] = [];
    const inner = bedTransport(bed, 'noacct');
    const transport = countingTransport(inner, commands);
    const session = new ClusterSession('noacct', transport, { timing: { ...DEFAULT_TIMING, intervalMs: 500, debounceMs: 50 }, commandTimeoutMs: 30_000 });
    const notices: string[] = [];
    const events: JobEvent[] = [];
    const errors: string[] = [];
    session.onDidNotice((n) => notices.push(n));
    session.onDidJobEvents((e) => events.push(...e));
    session.onDidChange(({ snapshot }) => {
      if (snapshot.error !== undefined) errors.push(snapshot.error);
    });
    try {
      session.start();
      await until(() => !session.snapshot.loading, 'the first poll');

      const sub = await sshRun(`sbatch --parsable -J 'wb noacct fail' --wrap 'sleep 2; echo bye; exit 3'`, { bed });
      assert.equal(sub.code, 0, sub.stderr);
      const id = sub.stdout.trim();
      submitted.push(id);
      // What the submit command does after sbatch: the job is reported even if it ends between polls.
      session.expectJob(id, 'wb noacct fail');
      void session.refresh('submit');

      await until(() => events.some((e) => e.kind === 'finished' && e.job.id === id), `the finished event of job ${id}`, 60_000);
      const finished = events.find((e) => e.kind === 'finished' && e.job.id === id)!;
      assert.equal(finished.job.state, 'FAILED');
      assert.equal(finished.job.exitCode, '3:0');
      assert.equal(finished.job.name, 'wb noacct fail');
      assert.ok(finished.job.endTime !== undefined);
      // The notification the VS Code layer shows for it (JobNotifier → notificationsFor).
      const notes = notificationsFor('noacct', [finished], 'all', () => false);
      assert.equal(notes.length, 1);
      assert.equal(notes[0].severity, 'error');
      assert.match(notes[0].message, new RegExp(`Job ${id} "wb noacct fail" on noacct ended FAILED \\(exit code 3:0\\)`));

      // More cycles: the finished job stays listed, sacct is never asked again, no error appears.
      const cyclesBefore = commands.filter((c) => c === 'squeue').length;
      await until(() => commands.filter((c) => c === 'squeue').length >= cyclesBefore + 4, 'four more polls', 30_000);
      const snap: ClusterSnapshot = session.snapshot;
      const row = snap.jobs.find((j) => j.id === id);
      assert.equal(row?.state, 'FAILED', 'the finished job is still shown');
      assert.equal(row?.exitCode, '3:0');
      assert.equal(commands.filter((c) => c === 'sacct').length, 1, `sacct at most once per session: ${commands.join(' ')}`);
      assert.equal(notices.length, 1, 'exactly one notice');
      assert.match(notices[0], /no Slurm accounting/);
      assert.deepEqual(snap.notices, notices);
      assert.deepEqual(errors, [], 'no error state');
      assert.equal(snap.error, undefined);
      assert.equal(accountingDisabledOn(transport), notices[0], 'remembered for this connection');

      // The log follower's status lookup and target resolution on the same connection: slurmctld's
      // answer, no second sacct.
      const opts = { timeoutMs: 30_000 };
      const lookup = slurmJobStatusLookup(transport, () => clusterContext(transport, opts), opts);
      const statuses = await lookup([id, '999999999'], new AbortController().signal);
      assert.deepEqual({ ...statuses.get(id) }, { id, state: 'FAILED', phase: 'finished', reason: 'NonZeroExitCode', exitCode: '3:0', source: 'squeue' });
      assert.equal(statuses.has('999999999'), false);
      const ctx = await clusterContext(transport, opts);
      const targets = await resolveTargets(transport, ctx, 'noacct', id, opts);
      assert.equal(targets[0].stdoutPath, `${bed.home}/slurm-${id}.out`);
      await assert.rejects(resolveTargets(transport, ctx, 'noacct', '999999998', opts), /no Slurm accounting/);
      assert.equal(commands.filter((c) => c === 'sacct').length, 1, `still one sacct: ${commands.join(' ')}`);
    } finally {
      session.dispose();
    }
  });
});

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
