// A busy or rate-limited slurmctld (issue 17, item 6). The answers are Slurm's own texts as the
// commands print them ("<rpc> error: <slurm_strerror>"): the rate-limit ones from slurm_errno.c of
// 24.11 (SLURMCTLD_COMMUNICATIONS_BACKOFF / _HARD_DROP, also found verbatim in the 24.11 bed's
// libslurmfull.so), the client's own retry line ("RPC rate limited %d time(s). Sleeping then trying
// again."), the timeout and EAGAIN texts. runCall's real decision (parseResult) makes the errors.
//
// Seen on 24.11 with rl_enable: the client sleeps and retries by itself ("RPC rate limited N
// time(s). Sleeping then trying again." with -v) and the command succeeds late, so the usual
// symptom is a command timeout — also transient. 22.05 has no rl_enable (it came with 23.02); the
// integration test on a real rate-limiting 24.11 slurmctld is test/integration/jobs-ratelimit.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRateLimited, isTransientSlurmError, parseResult, squeueCall, SlurmParseError, type ClusterContext } from '../../src/slurm';
import { isAccountingDisabled } from '../../src/slurm/accounting';
import { Poller, type PollerTiming } from '../../src/poller/poller';
import { ManualClock, flush } from './manualClock';
import { JobStatusWatcher } from '../../src/logs/jobStatus';
import type { ExecResult } from '../../src/transport/types';
import { CommandTimeoutError } from '../../src/core/errors';

const ctx = { version: { major: 24, minor: 11, patch: 5, text: '24.11.5' }, user: 'slurmuser', utcOffsetMinutes: 0 } as unknown as ClusterContext;

/** The SlurmCommandError squeue exiting 1 with `stderr` becomes. */
function squeueFailure(stderr: string): unknown {
  try {
    parseResult(squeueCall(ctx), { code: 1, stdout: '', stderr } as ExecResult);
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

const TRANSIENT = [
  'slurm_load_jobs error: Rate limit exceeded, please retry momentarily\n',
  'slurm_load_jobs error: Rate limit exceeded, please retry later\n',
  'squeue: error: RPC rate limited 10 time(s). Sleeping then trying again.\nslurm_load_jobs error: Rate limit exceeded, please retry momentarily\n',
  'slurm_load_jobs error: Socket timed out on send/recv operation\n',
  'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n',
  'squeue: error: slurm_receive_msg: Resource temporarily unavailable\n',
  'sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying\n',
  'error: Too many requests\n',
];

test('busy or rate-limited answers are transient; rate limits are named as such', () => {
  for (const stderr of TRANSIENT) {
    const err = squeueFailure(stderr);
    assert.equal(isTransientSlurmError(err), true, stderr);
    assert.equal(isAccountingDisabled(err), false);
  }
  assert.equal(isRateLimited(squeueFailure(TRANSIENT[0])), true);
  assert.equal(isRateLimited(squeueFailure(TRANSIENT[1])), true);
  assert.equal(isRateLimited(squeueFailure(TRANSIENT[3])), false, 'a socket timeout is busy, not rate limiting');
  assert.match((squeueFailure(TRANSIENT[0]) as Error & { hint?: string }).hint ?? '', /rate-limiting/);
});

test('refusals, bad input and parse errors are not transient', () => {
  for (const stderr of [
    'slurm_load_jobs error: Invalid job id specified\n',
    'squeue: error: Invalid user: nobody2\n',
    'Slurm accounting storage is disabled\n',
    'bash: line 1: squeue: command not found\n',
    'slurm_load_jobs error: Access/permission denied\n',
  ]) {
    assert.equal(isTransientSlurmError(squeueFailure(stderr)), false, stderr);
  }
  assert.equal(isTransientSlurmError(new SlurmParseError('squeue', 'bad', 'x')), false);
  assert.equal(isTransientSlurmError(new Error('Rate limit exceeded')), false, 'only Slurm commands\' answers are classified');
  assert.equal(isTransientSlurmError(new CommandTimeoutError('squeue', 30_000)), true, 'a command that ran out of time: busy');
});


test('poller on a rate-limited slurmctld: backs off, and focus/visibility changes add no polls meanwhile', async () => {
  const clock = new ManualClock();
  const timing: PollerTiming = { intervalMs: 1000, idleFactor: 4, debounceMs: 100, maxBackoffMs: 16_000 };
  let limited = true;
  let polls = 0;
  const poller = new Poller<number>(async () => {
    polls++;
    if (limited) throw squeueFailure(TRANSIENT[0]);
    return polls;
  }, timing, clock);
  const outcomes: boolean[] = [];
  poller.onDidPoll((o) => outcomes.push(o.ok));
  poller.start();
  await flush();
  assert.equal(polls, 1);
  assert.equal(poller.currentDelayMs(), 2000, 'the first failure doubles the interval');
  // The user clicks around: unfocus/focus and hide/show, many times, while it is failing.
  for (let i = 0; i < 10; i++) {
    poller.setFocused(false);
    poller.setFocused(true);
    poller.setVisible(false);
    poller.setVisible(true);
    await flush();
  }
  assert.equal(polls, 1, 'no extra poll from focus or visibility while backing off');
  await clock.advance(2000);
  assert.equal(polls, 2);
  assert.equal(poller.currentDelayMs(), 4000);
  await clock.advance(4000);
  assert.equal(polls, 3);
  assert.equal(poller.currentDelayMs(), 8000);
  // 60 s of rate limiting: 2+4+8+16+16+16 s between tries, not one per second.
  await clock.advance(60_000 - 6000);
  assert.ok(polls <= 8, `${polls} polls in a minute`);
  limited = false;
  await clock.advance(16_000);
  assert.equal(outcomes.at(-1), true);
  assert.equal(poller.currentDelayMs(), 1000, 'back to the normal interval after a success');
  poller.dispose();
});

test('log status watcher on a rate-limited slurmctld: failed checks back off, pollSoon does not bypass it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let lookups = 0;
  const watcher = new JobStatusWatcher(async () => {
    lookups++;
    throw squeueFailure(TRANSIENT[0]);
  }, 2_000, 15_000);
  const sub = watcher.watch('42', () => undefined);
  t.mock.timers.tick(0);
  await flush();
  assert.equal(lookups, 1);
  assert.equal(watcher.currentIntervalMs, 4_000);
  for (let i = 0; i < 5; i++) watcher.pollSoon();
  t.mock.timers.tick(100);
  await flush();
  assert.equal(lookups, 1, 'pollSoon waits for the backed-off check');
  t.mock.timers.tick(4_000);
  await flush();
  assert.equal(lookups, 2);
  assert.equal(watcher.currentIntervalMs, 8_000);
  sub.dispose();
  watcher.dispose();
});
