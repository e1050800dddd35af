// Limit warnings before submit (src/submit/limitCheck.ts) on the bundled cluster's recorded sinfo
// (22.05: debug = node[1-4] 4 CPUs / 4000 MB each, gpu = node[3-4] with 2 GPUs, MaxTime 1:00:00;
// a drained fixture for a partition that is not up), and the --time diagnostic in #SBATCH help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSinfo } from '../../src/slurm/sinfo';
import { buildClusterResources } from '../../src/resources/model';
import { checkLimits, sbatchMemoryMb, sbatchTimeSeconds } from '../../src/submit/limitCheck';
import { diagnoseScript } from '../../src/language/sbatchDiagnostics';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05', name), 'utf8');
const info = parseSinfo(fixture('resources/sinfo-busy.txt'));
const resources = buildClusterResources('bundled', info, [], 0);
const check = (o: Record<string, string>) => checkLimits(new Map(Object.entries(o)), resources);
const codes = (o: Record<string, string>) => check(o).map((p) => `${p.code}@${p.option}`);

test('sbatch time forms in seconds, as sbatch reads them', () => {
  assert.equal(sbatchTimeSeconds('30'), 1800);
  assert.equal(sbatchTimeSeconds('30:15'), 1815);
  assert.equal(sbatchTimeSeconds('1:00:00'), 3600);
  assert.equal(sbatchTimeSeconds('2-0'), 172800);
  assert.equal(sbatchTimeSeconds('1-02:30'), 95400);
  assert.equal(sbatchTimeSeconds('1-02:30:05'), 95405);
  assert.equal(sbatchTimeSeconds('UNLIMITED'), 'unlimited');
  assert.equal(sbatchTimeSeconds('soon'), undefined);
});

test('memory sizes in MiB (sbatch default unit M)', () => {
  assert.equal(sbatchMemoryMb('4000'), 4000);
  assert.equal(sbatchMemoryMb('4G'), 4096);
  assert.equal(sbatchMemoryMb('512K'), 0.5);
  assert.equal(sbatchMemoryMb('1T'), 1048576);
  assert.equal(sbatchMemoryMb('lots'), undefined);
});

test('a job that fits gives no problem, on the default partition and on gpu', () => {
  assert.deepEqual(check({ time: '59:00', 'cpus-per-task': '4', mem: '3G' }), []);
  assert.deepEqual(check({ partition: 'gpu', time: '1:00:00', gres: 'gpu:2', 'cpus-per-task': '2' }), []);
  assert.deepEqual(check({ mem: '0' }), [], '--mem=0 is all of a node');
  assert.deepEqual(check({}), []);
});

test('every problem at once, each naming the limit and what follows', () => {
  const found = check({ partition: 'gpu', time: '2:00:00', gres: 'gpu:3', 'cpus-per-task': '8', mem: '8G' });
  assert.deepEqual(found.map((p) => p.code), ['timeAboveMax', 'tooManyGpus', 'tooManyCpus', 'tooMuchMemory']);
  assert.deepEqual(found.map((p) => p.message), [
    'Time limit 2:00:00 is above partition "gpu"\'s maximum of 1:00:00: sbatch accepts the job, but it will pend forever (reason PartitionTimeLimit).',
    '3 GPUs per node, but the nodes of partition "gpu" have at most 2: sbatch will refuse the job.',
    '8 CPUs per task, but the nodes of partition "gpu" have at most 4: sbatch will refuse the job.',
    'Memory 8G per node, but the nodes of partition "gpu" have at most 3.9 GiB (4000 MiB): sbatch will refuse the job.',
  ]);
});

test('limits are the most any node of the partition has, not what is free now', () => {
  // In sinfo-busy node1 is fully allocated and node4's GPUs are in use: still possible, just queued.
  assert.deepEqual(codes({ partition: 'gpu', gres: 'gpu:2', 'cpus-per-task': '4' }), []);
  // debug holds node3/node4 too: 2 GPUs fit there, 3 fit nowhere.
  assert.deepEqual(codes({ gres: 'gpu:3' }), ['tooManyGpus@gres']);
  assert.deepEqual(codes({ gpus: 'a100:5' }), ['tooManyGpus@gpus']);
});

test('time: UNLIMITED is above a finite MaxTime; a partition without a limit takes anything', () => {
  assert.deepEqual(codes({ time: 'UNLIMITED' }), ['timeAboveMax@time']);
  assert.deepEqual(codes({ time: '61' }), ['timeAboveMax@time']);
  assert.deepEqual(codes({ time: '60' }), []);
  const unlimited = { ...resources, partitions: resources.partitions.map((p) => ({ ...p, timeLimit: { kind: 'unlimited' as const } })) };
  assert.deepEqual(checkLimits(new Map([['time', '30-00:00:00']]), unlimited), []);
});

test('unknown partition: one problem naming the partitions there are; several partitions are left to Slurm', () => {
  const found = check({ partition: 'gpus', time: '9:00:00' });
  assert.deepEqual(found, [{ code: 'unknownPartition', option: 'partition', message: 'Partition "gpus" is not among the partitions of bundled (debug, gpu): unless it is a hidden partition you may use, sbatch will refuse the job.' }]);
  assert.deepEqual(codes({ partition: 'debug,nope' }), ['unknownPartition@partition']);
  assert.deepEqual(codes({ partition: 'debug,gpu', gres: 'gpu:2', time: '9:00:00' }), []);
});

test('a partition that is not up is named; no cluster facts, no problems', () => {
  const down = { ...resources, partitions: resources.partitions.map((p) => (p.name === 'gpu' ? { ...p, available: 'down', acceptsJobs: false } : p)) };
  assert.deepEqual(checkLimits(new Map([['partition', 'gpu']]), down).map((p) => p.message), ['Partition "gpu" is down: the job will wait until an administrator brings it up.']);
  assert.deepEqual(checkLimits(new Map([['partition', 'x']]), { ...resources, partitions: [], nodes: [] }), []);
});

test('#SBATCH diagnostics: a time above the partition MaxTime is a warning on the --time value', () => {
  const text = '#!/bin/bash\n#SBATCH -p gpu\n#SBATCH --time=2:00:00\nsrun hostname\n';
  const d = diagnoseScript(text, info).filter((x) => x.code === 'timeAboveMax');
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'warning');
  assert.equal(d[0].line, 2);
  assert.equal(text.split('\n')[2].slice(d[0].start, d[0].end), '2:00:00');
  assert.match(d[0].message, /maximum of 1:00:00/);
  // The default partition's limit applies without -p; within the limit, or without cluster facts, nothing.
  assert.equal(diagnoseScript('#SBATCH -t 90\n', info).filter((x) => x.code === 'timeAboveMax').length, 1);
  assert.deepEqual(diagnoseScript('#SBATCH -t 45\n', info).filter((x) => x.code === 'timeAboveMax'), []);
  assert.deepEqual(diagnoseScript('#SBATCH -t 90\n').filter((x) => x.code === 'timeAboveMax'), []);
});
