// Why a job waits, in plain words (issue 20 point 1): every reason the issue names gets a sentence,
// the facts that are known, and advice; reason strings as squeue (%r) and scontrol (Reason=) print them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPending, parseDependency, pendingDetailsHeader, splitReason } from '../../src/session/pendingReason';
import { squeueStartCall } from '../../src/slurm/squeueStart';

const job = (reason: string, extra: Record<string, string> = {}) => ({ id: '42', reason, timeLimit: '4:00:00', partition: 'debug', ...extra });

test('every named reason gets its own sentence, never the fallback', () => {
  const reasons = ['Priority', 'Resources', 'Dependency', 'DependencyNeverSatisfied', 'BeginTime', 'JobHeldUser', 'JobHeldAdmin', 'Reservation',
    'ReqNodeNotAvail, UnavailableNodes:node[1-2]', 'ReqNodeNotAvail, Reserved for maintenance', 'PartitionTimeLimit', 'PartitionNodeLimit', 'PartitionDown',
    'QOSMaxJobsPerUserLimit', 'QOSMaxSubmitJobPerUserLimit', 'QOSGrpCpuLimit', 'QOSMaxWallDurationPerJobLimit', 'QOSMaxGRESPerUser', 'AssocMaxJobsLimit', 'AssocGrpCPURunMinutesLimit', 'AssocGrpMemLimit',
    '(launch failed requeued held)', 'JobArrayTaskLimit', 'None'];
  for (const r of reasons) {
    const e = explainPending(job(r));
    assert.doesNotMatch(e.summary, /^Slurm says/, `${r}: ${e.summary}`);
    assert.ok(e.summary.length > 20, r);
  }
});

test('limits say who sets them and what they cap', () => {
  assert.match(explainPending(job('QOSMaxJobsPerUserLimit')).summary, /your QOS is reached: running jobs per user/);
  assert.match(explainPending(job('AssocGrpCPURunMinutesLimit')).summary, /your account \(association\) is reached: CPU-minutes of running jobs for the whole group/);
  assert.match(explainPending(job('QOSMaxSubmitJobPerUserLimit')).summary, /queued and running jobs per user/);
  assert.match(explainPending(job('QOSMaxGRESPerUser')).summary, /GPUs\) per user/);
  const withQos = explainPending(job('QOSMaxJobsPerUserLimit'), { qos: { name: 'swb-limited', maxJobsPerUser: 1 }, runningJobs: 1 });
  assert.deepEqual(withQos.facts, ['QOS swb-limited allows 1 running job(s) per user; you have 1 running.']);
});

test('facts: expected start, the dependency and its state, partition limits', () => {
  const now = Date.UTC(2026, 11, 4, 20, 0, 0);
  const e = explainPending(job('Resources'), { expectedStart: now + 45 * 60_000, now });
  assert.deepEqual(e.facts, ['The scheduler expects it to start at 2026-12-04 20:45 UTC (in about 45 min).']);
  const d = explainPending(job('DependencyNeverSatisfied', { dependency: 'afterok:30704(failed)' }), { dependencies: new Map([['30704', { state: 'FAILED', reason: 'NonZeroExitCode' }]]) });
  assert.match(d.summary, /will never start by itself/);
  assert.deepEqual(d.facts, ['afterok: starts once job 30704 has completed successfully — job 30704 is FAILED (NonZeroExitCode).']);
  assert.deepEqual(d.advice.map((a) => a.action), ['showDependency', 'cancel']);
  const t = explainPending(job('PartitionTimeLimit'), { partition: { name: 'debug', maxTime: '1:00:00' } });
  assert.match(t.summary, /time limit \(4:00:00\) is longer than partition debug allows/);
  assert.deepEqual(t.facts, ['Partition debug allows at most 1:00:00.']);
  assert.match(t.advice[0].text, /to 1:00:00 or less/);
  assert.deepEqual(explainPending(job('JobHeldUser')).advice.map((a) => a.action), ['release']);
  assert.deepEqual(explainPending(job('JobHeldAdmin')).advice.map((a) => a.action), [undefined], 'an admin hold cannot be released by the user');
});

test('reason and dependency strings as Slurm prints them', () => {
  assert.deepEqual(splitReason('ReqNodeNotAvail, UnavailableNodes:node[1-2]'), { code: 'ReqNodeNotAvail', detail: 'UnavailableNodes:node[1-2]' });
  assert.deepEqual(splitReason('(launch failed requeued held)'), { code: 'launch failed requeued held' });
  assert.deepEqual(parseDependency('afterok:12925(unfulfilled),afterany:7_3:8(unfulfilled)'), [{ type: 'afterok', id: '12925' }, { type: 'afterany', id: '7_3' }, { type: 'afterany', id: '8' }]);
  assert.deepEqual(parseDependency('(null)'), []);
  const text = 'JobId=12926 JobName=wrap\n   JobState=PENDING Reason=Dependency Dependency=afterok:12925(unfulfilled)\n';
  const header = pendingDetailsHeader(text, { id: '12926' });
  assert.match(header, /^# Why pending: It waits for the job\(s\) it depends on\.\n# {3}afterok: starts once job 12925 has completed successfully\./);
  assert.equal(pendingDetailsHeader('JobState=RUNNING Reason=None', { id: '1' }), '');
  assert.match(pendingDetailsHeader('JobState=PENDING Reason=ReqNodeNotAvail,_Reserved_for_maintenance Dependency=(null)', { id: '1' }), /Reserved for maintenance/);
});

test('squeue --start: the estimate in the cluster\'s zone, N/A as none, the reason last', () => {
  const call = squeueStartCall(['12925', '12927'], 60);
  assert.deepEqual(call.argv, ['squeue', '--start', '-h', '--jobs=12925,12927', '-o', '%i|%S|%q|%a|%u|%v|%r']);
  // The first line as recorded on the bundled 22.05 cluster (zone-less local times); the second line's
  // reservation "maint" is made up, to show a named one passes through (recorded ones: pending-reasons-recorded.test.ts).
  const out = call.parse({ stdout: '12927|2026-12-04T21:07:15|normal|workbench|slurmuser|(null)|BeginTime\n12925|N/A|normal|workbench|slurmuser|maint|Resources\n', stderr: '' });
  assert.deepEqual(out, [
    { id: '12927', expectedStart: Date.UTC(2026, 11, 4, 20, 7, 15), qos: 'normal', account: 'workbench', user: 'slurmuser', reservation: undefined, reason: 'BeginTime' },
    { id: '12925', expectedStart: undefined, qos: 'normal', account: 'workbench', user: 'slurmuser', reservation: 'maint', reason: 'Resources' },
  ]);
  assert.deepEqual(call.recover?.({ stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified', code: 1 }), []);
  assert.throws(() => call.parse({ stdout: 'garbage\n', stderr: '' }), /squeue --start/);
});
