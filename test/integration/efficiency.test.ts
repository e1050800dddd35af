// Efficiency of finished jobs (issue 20 point 2), live on every selected bed (22.05 and 24.11):
// a job that holds a known amount of memory and a CPU-bound job on half its CPUs, each measuring
// ITSELF (peak RSS from getrusage, CPU time from process_time, its own wall clock) and writing the
// figures next to its output. Our ONE sacct usage call (real ssh2 transport) must agree with the
// job's own truth within ±10 %. The beds gather accounting with jobacct_gather/linux every 2 s.
//
// The host has 2 cores shared with other work, so a busy loop rarely gets a whole core: the CPU
// truth is what the loop itself consumed, not the 50 % it would be on an idle machine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCall } from '../../src/slurm/call';
import { usageCall, type JobUsage } from '../../src/slurm/efficiency';
import { jobEfficiency, type Efficiency } from '../../src/session/efficiency';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { finalState } from './jobWait';

const MEMORY_SCRIPT = `#!/bin/bash
python3 - <<'PY' > self.mem
import resource, time
b = bytearray(200 * 1024 * 1024)
for i in range(0, len(b), 4096):
    b[i] = 1
time.sleep(10)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
PY
`;

// One busy thread on a 2-CPU allocation for 20 s of wall time. The wall clock is read by the batch
// script around python (its start-up counts in Elapsed too); CPU time by the loop itself.
const CPU_SCRIPT = `#!/bin/bash
start=$(date +%s.%N)
cpu=$(python3 - <<'PY'
import time
w0, c0 = time.time(), time.process_time()
while time.time() - w0 < 20:
    pass
print(time.process_time() - c0)
PY
)
end=$(date +%s.%N)
echo "$cpu $(python3 -c "print($end - $start)")" > self.cpu
`;

interface Live {
  bed: Bed;
  t: Transport;
  dir: string;
  memId?: number;
  cpuId?: number;
  usage: JobUsage[];
}

const live: Live[] = readBeds().map((bed) => ({ bed, t: bedTransport(bed), dir: `${bed.home}/.slurm-wb-efficiency-${process.pid}-${bed.clusterName}`, usage: [] }));

async function ssh(z: Live, command: string, input?: string): Promise<string> {
  const r = await sshRun(command, { bed: z.bed, input });
  if (r.code !== 0) throw new Error(`\`${command}\` on ${bedLabel(z.bed)} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function submit(z: Live, name: string, options: string, script: string): Promise<number> {
  await ssh(z, `cat > ${z.dir}/${name}.sh`, script);
  const out = await ssh(z, `cd ${z.dir} && sbatch --parsable -J wb-eff-${name} -o ${name}.out -t 5 ${options} ${name}.sh`);
  const id = Number(out.trim().split(';')[0]);
  assert.ok(Number.isInteger(id) && id > 0, `sbatch printed a job id: ${out}`);
  return id;
}

/** sacct lags the job's end by a second or two: poll until every job has its step figures (bounded). */
async function settledUsage(z: Live, ids: number[], budgetMs = 60_000): Promise<JobUsage[]> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const usage = await runCall(z.t, usageCall(ids.map(String)));
    const ready = ids.every((id) => {
      const u = usage.find((x) => x.id.text === String(id));
      return u !== undefined && u.maxRssMb !== undefined && u.totalCpuSeconds !== undefined && u.steps.length > 0;
    });
    if (ready) return usage;
    if (Date.now() > deadline) return usage;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

describe('efficiency of finished jobs (live, every bed)', { timeout: 300_000 }, () => {
  before(async () => {
    await Promise.all(
      live.map(async (z) => {
        await ssh(z, `mkdir -p ${z.dir}`);
        z.memId = await submit(z, 'mem', '--mem=1G', MEMORY_SCRIPT);
        z.cpuId = await submit(z, 'cpu', '-c 2 --mem=256M', CPU_SCRIPT);
        await Promise.all([finalState(z.bed, z.memId), finalState(z.bed, z.cpuId)]);
        z.usage = await settledUsage(z, [z.memId, z.cpuId]);
      }),
    );
  });

  after(async () => {
    await Promise.all(
      live.map(async (z) => {
        const ids = [z.memId, z.cpuId].filter((x): x is number => x !== undefined);
        if (ids.length > 0) await sshRun(`scancel ${ids.join(' ')}`, { bed: z.bed });
        await sshRun(`rm -rf ${z.dir}`, { bed: z.bed });
        z.t.dispose();
      }),
    );
  });

  for (const z of live) {
    describe(bedLabel(z.bed), () => {
      const effOf = (id: number | undefined): Efficiency => {
        const u = z.usage.find((x) => x.id.text === String(id));
        assert.ok(u, `sacct has job ${id}`);
        return jobEfficiency(u);
      };

      it('memory: the peak sacct measured is the job\'s own peak RSS within ±10 %, ≈200 MB of 1 GB', async () => {
        const e = effOf(z.memId);
        assert.ok(e.memory, `memory figures (missing: ${e.missing.join(' ')})`);
        const selfMb = Number((await ssh(z, `cat ${z.dir}/self.mem`)).trim()) / 1024; // ru_maxrss is KiB on Linux
        assert.ok(selfMb > 200, `the job held its 200 MiB (self-reported ${selfMb} MiB)`);
        const truth = selfMb / 1024;
        console.log(`[${z.bed.slurmVersion}] memory: sacct peak ${e.memory.peakMb.toFixed(1)} MiB of ${e.memory.requestedMb} (${(e.memory.fraction * 100).toFixed(1)} %), job's own peak ${selfMb.toFixed(1)} MiB (${(truth * 100).toFixed(1)} %)`);
        assert.equal(e.memory.requestedMb, 1024);
        assert.ok(Math.abs(e.memory.fraction - truth) <= 0.1 * truth, `memory ${e.memory.fraction} vs truth ${truth}`);
        assert.ok(Math.abs(e.memory.fraction - 200 / 1024) <= 0.1 * (200 / 1024) + 0.02, `≈200 MB of 1 GB: ${e.memory.fraction}`);
        assert.ok(e.hints.some((h) => h.startsWith('Asked 1 GB, peaked at ')), e.hints.join(' | '));
      });

      it('CPU: TotalCPU over Elapsed × 2 CPUs is the job\'s own CPU share within ±10 %', async () => {
        const e = effOf(z.cpuId);
        assert.ok(e.cpu, `CPU figures (missing: ${e.missing.join(' ')})`);
        const [cpuSelf, wallSelf] = (await ssh(z, `cat ${z.dir}/self.cpu`)).trim().split(/\s+/).map(Number);
        assert.ok(cpuSelf > 0 && wallSelf >= 20, `self-reported ${cpuSelf} CPU s over ${wallSelf} s`);
        const truth = cpuSelf / (wallSelf * 2);
        console.log(`[${z.bed.slurmVersion}] CPU: sacct ${e.cpu.usedSeconds.toFixed(2)} CPU s over ${e.time?.elapsedSeconds} s × ${e.cpu.allocCpus} = ${(e.cpu.fraction * 100).toFixed(1)} %, job's own ${cpuSelf.toFixed(2)} CPU s over ${wallSelf.toFixed(1)} s × 2 = ${(truth * 100).toFixed(1)} %`);
        assert.equal(e.cpu.allocCpus, 2);
        // One busy thread can use at most half of 2 CPUs.
        assert.ok(e.cpu.fraction <= 0.55, `at most half: ${e.cpu.fraction}`);
        assert.ok(Math.abs(e.cpu.fraction - truth) <= 0.1 * truth, `CPU ${e.cpu.fraction} vs truth ${truth}`);
        // The CPU time itself, not just the ratio: sacct's TotalCPU vs the loop's process_time.
        assert.ok(Math.abs(e.cpu.usedSeconds - cpuSelf) <= 0.1 * cpuSelf, `TotalCPU ${e.cpu.usedSeconds} vs process_time ${cpuSelf}`);
        assert.ok(e.hints.some((h) => /of 2 CPUs: 1 would do/.test(h)), e.hints.join(' | '));
      });
    });
  }
});
