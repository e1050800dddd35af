// The Jobs view's poll cycle on a cluster WITHOUT accounting, on outputs recorded from the real
// 22.05 cluster (test/fixtures/slurm-22.05) and sacct's real answer there (recorded on the "noacct"
// flavor, .devcontainer/cluster/flavor-noacct.sh: exit 1, stderr "Slurm accounting storage is
// disabled"). Only the transport is left out: runCall's real decision (parseResult) turns that
// answer into the SlurmCommandError the product sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResult, type ClusterContext, type SlurmCall } from '../../src/slurm';
import { accountingDisabledOn, isAccountingDisabled, runAccountingCall, NO_ACCOUNTING_NOTICE } from '../../src/slurm/accounting';
import { sacctCall } from '../../src/slurm';
import { JobTracker, type CallRunner } from '../../src/session/jobTracker';
import { notificationsFor } from '../../src/session/notifications';
import type { ExecResult, Transport } from '../../src/transport/types';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05');
const fixture = (name: string): string => readFileSync(join(dir, name), 'utf8');
const manifest = JSON.parse(fixture('manifest.json')) as { context: ClusterContext; recordedAt: string };
const RECORD_END = '\u001e\n';
const now = () => Date.parse(manifest.recordedAt) + 60_000;

/** sacct on a cluster with AccountingStorageType=accounting_storage/none (22.05), verbatim. */
const SACCT_DISABLED: ExecResult = { code: 1, stdout: '', stderr: 'Slurm accounting storage is disabled\n' } as ExecResult;

const queueLines = fixture('squeue.txt').split(RECORD_END).filter((l) => l.length > 0);
/** squeue --states=all of the same moment: 30704 FAILED (exit 3), 30703 COMPLETED, 30718 TIMEOUT. */
const allLines = fixture('squeue-all.txt').split(RECORD_END).filter((l) => l.length > 0);
const line = (lines: string[], id: string): string => lines.find((l) => l.startsWith(`${id}\u001f`))!;

/** squeue answers `queue` (or `all` with --states=all); sacct answers like a cluster without accounting. */
function noAccounting(outputs: { queue: string; all?: string }, calls: string[][]): CallRunner {
  return {
    context: async () => manifest.context,
    run: async <T>(call: SlurmCall<T>) => {
      calls.push([...call.argv]);
      if (call.argv[0] === 'sacct') return parseResult(call, SACCT_DISABLED);
      const stdout = call.argv.includes('--states=all') ? (outputs.all ?? '') : outputs.queue;
      return parseResult(call, { code: 0, stdout, stderr: '' } as ExecResult);
    },
  };
}

const command = (argv: string[]): string => (argv[0] === 'env' ? argv.find((a) => a !== 'env' && !a.includes('='))! : argv[0]);

test('no accounting: sacct is asked once, one notice, and a job that left the queue is confirmed by slurmctld', async () => {
  const calls: string[][] = [];
  const tracker = new JobTracker(undefined, now);
  // 30704 still in the queue (as if running: 30716's record with its id) ...
  const running30704 = line(queueLines, '30716').split('30716').join('30704') + RECORD_END;
  // slurmctld's memory of the user's jobs stands in for the history window: 30703 ended COMPLETED.
  const first = await tracker.poll(noAccounting({ queue: running30704, all: line(allLines, '30703') + RECORD_END + running30704 }, calls), 'start');
  assert.deepEqual(calls.map(command), ['squeue', 'sacct', 'squeue'], 'the history window asks sacct once, then slurmctld');
  assert.ok(calls[2].includes('--states=all') && !calls[2].some((a) => a.startsWith('--jobs=')), "the user's jobs slurmctld remembers");
  assert.equal(first.jobs.find((j) => j.id === '30703')?.state, 'COMPLETED', 'a job that ended before the session shows as finished');
  assert.equal(first.events.length, 0, 'and raises no event');
  assert.equal(first.jobs.find((j) => j.id === '30704')?.state, 'RUNNING');
  assert.deepEqual(first.notices, [NO_ACCOUNTING_NOTICE]);
  assert.match(first.notices[0], /no Slurm accounting/);
  assert.equal(tracker.accountingNotice, NO_ACCOUNTING_NOTICE);

  // ... then it leaves; slurmctld (squeue --states=all) still has it FAILED with exit code 3.
  calls.length = 0;
  const poll = await tracker.poll(noAccounting({ queue: '', all: line(allLines, '30704') + RECORD_END }, calls), 'timer');
  assert.deepEqual(calls.map(command), ['squeue', 'squeue'], 'no sacct again: one squeue for the queue, one for the ids that left');
  const asked = calls[1];
  assert.ok(asked.includes('--states=all') && asked.includes('--array'));
  assert.equal(asked.find((a) => a.startsWith('--jobs=')), '--jobs=30704');
  assert.deepEqual(poll.notices, [], 'the notice is raised once');
  const finished = poll.events.filter((e) => e.kind === 'finished');
  assert.equal(finished.length, 1);
  assert.equal(finished[0].job.id, '30704');
  assert.equal(finished[0].job.state, 'FAILED');
  assert.equal(finished[0].job.exitCode, '3:0');
  assert.equal(finished[0].job.name, 'zoo fail3', 'final facts come from slurmctld');
  assert.ok(finished[0].job.endTime !== undefined, 'the end time is known');
  assert.equal(finished[0].before?.state, 'RUNNING');
  const notes = notificationsFor('noacct', poll.events, 'all', () => false);
  assert.equal(notes.length, 1);
  assert.match(notes[0].message, /Job 30704 "zoo fail3" on noacct ended FAILED \(exit code 3:0\)/);
  const row = poll.jobs.find((j) => j.id === '30704');
  assert.equal(row?.state, 'FAILED', 'the finished job stays in the list');

  // Later cycles never ask sacct (a manual refresh re-reads slurmctld's memory instead); the
  // finished job stays shown even once slurmctld has forgotten it.
  for (const [reason, expected] of [['timer', ['squeue']], ['manual', ['squeue', 'squeue']]] as const) {
    calls.length = 0;
    const later = await tracker.poll(noAccounting({ queue: '' }, calls), reason);
    assert.deepEqual(calls.map(command), expected);
    assert.equal(later.jobs.find((j) => j.id === '30704')?.state, 'FAILED');
  }
});

test('no accounting: a job slurmctld does not know yet is asked again, then given up', async () => {
  const calls: string[][] = [];
  const tracker = new JobTracker({ historyDays: 2, historyEveryMs: 600_000, maxConfirmAttempts: 3, maxFinished: 500 }, now);
  await tracker.poll(noAccounting({ queue: line(queueLines, '30716') + RECORD_END }, calls), 'start');
  let left = await tracker.poll(noAccounting({ queue: '' }, calls), 'timer');
  assert.equal(left.jobs.find((j) => j.id === '30716')?.reason, 'left the queue; asking slurmctld for its end');
  for (let i = 0; i < 3; i++) left = await tracker.poll(noAccounting({ queue: '' }, calls), 'timer');
  assert.equal(left.jobs.find((j) => j.id === '30716'), undefined, 'dropped after maxConfirmAttempts, without a made-up end');
  assert.equal(left.events.filter((e) => e.kind === 'finished').length, 0);
  assert.equal(calls.filter((c) => c[0] === 'sacct').length, 1);
});

test('accounting answer: the real message is recognised, remembered per connection, other failures still throw', async () => {
  let runs = 0;
  const transport = {
    exec: async () => {
      runs++;
      return SACCT_DISABLED;
    },
  } as unknown as Transport;
  const call = sacctCall(manifest.context, ['30704']);
  assert.throws(() => parseResult(call, SACCT_DISABLED), (err) => isAccountingDisabled(err));
  const first = await runAccountingCall(transport, call);
  const second = await runAccountingCall(transport, call);
  assert.deepEqual([first.available, second.available, runs], [false, false, 1], 'sacct runs once per connection');
  assert.equal(accountingDisabledOn(transport), NO_ACCOUNTING_NOTICE);

  const other = { exec: async () => ({ code: 1, stdout: '', stderr: 'sacct: error: Problem talking to the database: Connection refused\n' }) } as unknown as Transport;
  await assert.rejects(runAccountingCall(other, call), /Problem talking to the database/);
  assert.equal(accountingDisabledOn(other), undefined, 'a database outage is not "no accounting"');
});
