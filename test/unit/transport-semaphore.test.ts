// The channel bound (semaphore) and the reconnect backoff: pure logic, no network.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Semaphore } from '../../src/transport/semaphore';
import { backoffDelayMs, DEFAULT_BACKOFF } from '../../src/transport/backoff';
import { CancelledError } from '../../src/core/errors';
import { SLURM_OUTPUT_VARIABLES, renderCommand } from '../../src/transport/commandRunner';

describe('Semaphore', () => {
  it('never lets more than capacity run, and runs everything queued (FIFO)', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sem.use(async () => {
          running++;
          peak = Math.max(peak, running);
          order.push(i);
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          running--;
        }),
      ),
    );
    assert.equal(peak, 3);
    assert.equal(sem.active, 0);
    assert.equal(sem.waiting, 0);
    assert.deepEqual(order.slice(0, 3), [0, 1, 2]);
    assert.equal(order.length, 40);
  });

  it('releases the slot when the work throws; release is idempotent', async () => {
    const sem = new Semaphore(1);
    await assert.rejects(sem.use(async () => { throw new Error('boom'); }), /boom/);
    const release = await sem.acquire();
    release();
    release();
    assert.equal(sem.active, 0);
  });

  it('a waiter whose signal aborts leaves the queue with CancelledError', async () => {
    const sem = new Semaphore(1);
    const hold = await sem.acquire();
    const ctl = new AbortController();
    const waiting = sem.acquire(ctl.signal);
    assert.equal(sem.waiting, 1);
    ctl.abort();
    await assert.rejects(waiting, CancelledError);
    assert.equal(sem.waiting, 0);
    hold();
    assert.equal(sem.active, 0);
  });

  it('rejectWaiters fails queued work but not holders', async () => {
    const sem = new Semaphore(1);
    const hold = await sem.acquire();
    const waiting = sem.acquire();
    sem.rejectWaiters(new Error('closing'));
    await assert.rejects(waiting, /closing/);
    hold();
    assert.equal(sem.active, 0);
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and jitters within [half, full]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const full = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** (attempt - 1));
        const d = backoffDelayMs(attempt, DEFAULT_BACKOFF, () => r);
        return d >= Math.floor(full / 2) && d <= full;
      }),
    );
    assert.equal(backoffDelayMs(1, DEFAULT_BACKOFF, () => 0), 250);
    assert.equal(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0), 1000);
    assert.equal(backoffDelayMs(30, DEFAULT_BACKOFF, () => 0.999999), DEFAULT_BACKOFF.maxMs);
  });
});

describe('renderCommand', () => {
  const pin = `unset ${SLURM_OUTPUT_VARIABLES.join(' ')}; LC_ALL=C; export LC_ALL`;
  it('quotes argv, pins the environment after the prelude, sends the prelude output to stderr', () => {
    assert.equal(renderCommand(['squeue', '-u', "o'brien"]), `${pin}\nsqueue -u 'o'\\''brien'`);
    const withPrelude = renderCommand(['squeue'], 'module load slurm').split('\n');
    assert.match(withPrelude[0] ?? '', /MODULESHOME/);
    assert.deepEqual(withPrelude.slice(1), ['{', 'module load slurm', '} 1>&2', pin, 'squeue']);
    assert.equal(renderCommand(['squeue'], '   '), `${pin}\nsqueue`);
  });
  it('leaves the login environment alone for commands a job inherits (sbatch)', () => {
    assert.equal(renderCommand(['sbatch', 'x'], undefined, 'login'), 'sbatch x');
  });
  it('unsets every variable that changes what squeue, sacct, sinfo and scontrol print', () => {
    for (const v of ['SQUEUE_FORMAT', 'SQUEUE_FORMAT2', 'SQUEUE_SORT', 'SACCT_FORMAT', 'SINFO_FORMAT', 'SLURM_TIME_FORMAT', 'SLURM_CLUSTERS']) {
      assert.ok((SLURM_OUTPUT_VARIABLES as readonly string[]).includes(v), v);
    }
    assert.ok(!(SLURM_OUTPUT_VARIABLES as readonly string[]).some((v) => v.startsWith('SBATCH_') || v === 'SLURM_CONF'));
  });
});
