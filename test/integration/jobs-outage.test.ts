// slurmctld stops mid-session: the Jobs view's session keeps the last known jobs (marked stale),
// shows the error, backs off, and recovers by itself when slurmctld is back. Real cluster, real
// slurmctld (stopped through its pid file, restarted by the bed's idempotent up.sh).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession } from '../../src/session/clusterSession';
import { readBed, repoRoot, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { nativeClusterOnly } from './devcontainerSkip';
import { untilSnapshot } from './sessionWait';

const CTLD_PID = '/run/slurm-workbench/slurmctld.pid';

let bed: Bed;
const submitted: string[] = [];

before(() => {
  bed = readBed();
});

const skipHere = nativeClusterOnly('stops and restarts slurmctld of the native cluster on this machine (up.sh), which is another container here');

after(async () => {
  if (!skipHere) bringBackSlurmctld();
  if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
});

function bringBackSlurmctld(): void {
  execFileSync('bash', [join(repoRoot, '.devcontainer/cluster/up.sh')], { stdio: 'ignore', timeout: 180_000 });
}


test('slurmctld down: last jobs stay visible marked stale with the error; back up: recovers by itself', { skip: skipHere || (process.getuid?.() !== 0 ? 'needs root to stop slurmctld' : false) }, async () => {
  const held = await sshRun(`sbatch --parsable -H -J 'wb outage' --wrap true`, { bed });
  assert.equal(held.code, 0, held.stderr);
  const id = held.stdout.trim();
  submitted.push(id);

  const transport = bedTransport(bed, 'bundled', { defaultTimeoutMs: 20_000 });
  // Fast timing so the test sees several cycles; backoff is capped low for the same reason.
  const session = new ClusterSession('bundled', transport, { timing: { ...DEFAULT_TIMING, intervalMs: 1000, maxBackoffMs: 4000 }, commandTimeoutMs: 20_000 });
  try {
    session.start();
    await untilSnapshot(session, 'the held job listed', (s) => s.jobs.some((j) => j.id === id));

    process.kill(Number(readFileSync(CTLD_PID, 'utf8').trim()), 'SIGTERM');
    const down = await untilSnapshot(session, 'a failed poll', (s) => s.error !== undefined);
    assert.equal(down.stale, true, 'the last known jobs are marked stale');
    assert.ok(down.jobs.some((j) => j.id === id), 'the last known jobs are still there');
    assert.match(down.error ?? '', /squeue|slurm/i, 'the error names what failed');

    bringBackSlurmctld();
    const up = await untilSnapshot(session, 'recovery', (s) => s.error === undefined && !s.stale && s.jobs.some((j) => j.id === id), 90_000);
    assert.equal(up.connection.kind, 'connected');
  } finally {
    session.dispose();
  }
});
