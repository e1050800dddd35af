// Live usage of a running job (issue 20 point 3): sstat as recorded on the bundled 22.05 cluster,
// set against the job's allocation from its `scontrol show job` text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sstatCall } from '../../src/slurm/sstat';
import { allocationFromScontrol, liveUsageLines } from '../../src/session/liveUsage';

test('sstat: per-step CPU and peak memory; "No steps running" is no usage, not an error', () => {
  const call = sstatCall('13532');
  assert.deepEqual(call.argv, ['sstat', '-a', '-n', '-P', '-j', '13532', '--format=JobID,AveCPU,MaxRSS,NTasks']);
  // Recorded: a python job holding a 100 MB bytearray, 7 s into its run.
  const steps = call.parse({ stdout: '13532.batch|00:00:01|113484K|1\n13532.0|01:02.500|2.5G|4\n', stderr: '' });
  assert.deepEqual(steps, [
    { step: 'batch', aveCpuSeconds: 1, maxRssMb: 113484 / 1024, tasks: 1 },
    { step: '0', aveCpuSeconds: 62.5, maxRssMb: 2560, tasks: 4 },
  ]);
  assert.deepEqual(call.recover?.({ stdout: '', stderr: 'sstat: error: No steps running for job 13531', code: 1 }), []);
  assert.equal(call.recover?.({ stdout: '', stderr: 'sstat: error: Invalid user', code: 1 }), undefined);
  assert.throws(() => call.parse({ stdout: '13532.batch|00:00:01|lots|1\n', stderr: '' }), /sstat/);
});

test('live usage: CPU used of what the allocation offered so far, peak memory of what was asked', () => {
  const scontrol = 'JobId=13532 JobName=x\n   JobState=RUNNING Reason=None\n   RunTime=00:00:20 TimeLimit=00:02:00\n   NumNodes=1 NumCPUs=2 NumTasks=1 CPUs/Task=2\n   TRES=cpu=2,mem=500M,node=1,billing=2\n';
  const alloc = allocationFromScontrol(scontrol);
  assert.deepEqual(alloc, { runSeconds: 20, cpus: 2, memMb: 500 });
  const [line] = liveUsageLines([{ step: 'batch', aveCpuSeconds: 10, maxRssMb: 125, tasks: 1 }], alloc, new Date(Date.UTC(2026, 11, 4, 21, 30, 5)));
  assert.equal(line, '# Live usage (sstat, 21:30:05 UTC, refreshed every 30 s while this is open): CPU 10 s used of 40 s available (20 s × 2 CPUs): 25 % · peak memory 125 MB of 500 MB asked (25 %)');
  assert.match(liveUsageLines([], alloc, new Date(0))[0], /no step running yet/);
  assert.deepEqual(allocationFromScontrol('RunTime=1-02:03:04 NumCPUs=8 TRES=cpu=8,mem=2G,node=1'), { runSeconds: 93784, cpus: 8, memMb: 2048 });
});
