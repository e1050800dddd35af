// Log path resolution, checked against what slurmstepd 22.05 really named files on the bundled
// cluster (submitted by hand while writing this: `-o "o-%J-%s-%N-%n-%t-%z-%5z-%%-%u-%x-%3j-%a-%A.out"`
// on job 24 gave "o-24-batch-vm-0-0-%z-5z-%-slurmuser-lp name-024-4294967294-24.out"; array 25
// task 3 with "a-%J-%s-%a-%4a-%A-%j.out" gave "a-25-batch-3-0003-25-25.out", task 2 (job 28)
// "a-28-batch-2-0002-25-28.out"; "b\%j-%j.out" gave "b%j-%j.out"; `-a 1` with no -o gave
// "slurm-27_1.out"). The zoo fixtures check the same against a recorded `ls`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandLogPattern, resolveLogPaths } from '../../src/slurm';
import type { LogPathJob } from '../../src/slurm';

const base: LogPathJob = { rawJobId: 24, name: 'lp name', user: 'slurmuser', workDir: '/home/slurmuser/lp', batchHost: 'vm' };

describe('log paths', () => {
  it('expands every pattern letter like slurmstepd', () => {
    assert.equal(
      expandLogPattern('o-%J-%s-%N-%n-%t-%z-%5z-%%-%u-%x-%3j-%a-%A.out', base),
      '/home/slurmuser/lp/o-24-batch-vm-0-0-%z-5z-%-slurmuser-lp name-024-4294967294-24.out',
    );
    const t3: LogPathJob = { ...base, rawJobId: 25, arrayJobId: 25, arrayTaskId: 3 };
    assert.equal(expandLogPattern('a-%J-%s-%a-%4a-%A-%j.out', t3), '/home/slurmuser/lp/a-25-batch-3-0003-25-25.out');
    const t2: LogPathJob = { ...base, rawJobId: 28, arrayJobId: 25, arrayTaskId: 2 };
    assert.equal(expandLogPattern('a-%J-%s-%a-%4a-%A-%j.out', t2), '/home/slurmuser/lp/a-28-batch-2-0002-25-28.out');
  });

  it('a backslash turns expansion off; widths cap at 10; trailing % and %12 behave like Slurm', () => {
    assert.equal(expandLogPattern('b\\%j-%j.out', base), '/home/slurmuser/lp/b%j-%j.out');
    assert.equal(expandLogPattern('x\\\\y', base), '/home/slurmuser/lp/x\\y');
    assert.equal(expandLogPattern('%20j', base), '/home/slurmuser/lp/0000000024');
    assert.equal(expandLogPattern('end%', base), '/home/slurmuser/lp/end%');
    assert.equal(expandLogPattern('end%12', base), '/home/slurmuser/lp/end2');
    assert.equal(expandLogPattern('/abs/%x.log', base), '/abs/lp name.log');
  });

  it('defaults: slurm-%j.out, arrays slurm-%A_%a.out; squeue\'s wrong array default is corrected', () => {
    assert.deepEqual(resolveLogPaths(base), { stdout: '/home/slurmuser/lp/slurm-24.out', stderr: '/home/slurmuser/lp/slurm-24.out', unresolvedTask: false });
    const task: LogPathJob = { ...base, rawJobId: 27, arrayJobId: 27, arrayTaskId: 1 };
    assert.equal(resolveLogPaths(task).stdout, '/home/slurmuser/lp/slurm-27_1.out');
    assert.equal(resolveLogPaths({ ...task, stdout: '/home/slurmuser/lp/slurm-27.out' }).stdout, '/home/slurmuser/lp/slurm-27_1.out');
    const pending: LogPathJob = { ...base, rawJobId: 27, arrayJobId: 27 };
    assert.equal(resolveLogPaths(pending).unresolvedTask, true);
  });

  it('separate stderr, relative to the work dir', () => {
    const p = resolveLogPaths({ ...base, stdout: 'out/%x-%j.out', stderr: '/tmp/%u-%j.err' });
    assert.deepEqual(p, { stdout: '/home/slurmuser/lp/out/lp name-24.out', stderr: '/tmp/slurmuser-24.err', unresolvedTask: false });
  });
});
