// Efficiency of finished jobs (issue 20 point 2) from sacct usage output RECORDED on the bundled
// clusters of both Slurm versions (test/fixtures/slurm-<version>/efficiency/README.md says what
// each job did), plus the older per-node / per-CPU ReqMem forms no bed prints any more.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SlurmArgumentError, SlurmParseError } from '../../src/slurm/errors';
import { FIELD_SEP } from '../../src/slurm/records';
import { parseUsage, usageArgv, type JobUsage } from '../../src/slurm/efficiency';
import { efficiencySummary, efficiencyView, EfficiencyMemory, formatMb, jobEfficiency, niceMb, requestedPerNodeMb, timeUseNote } from '../../src/session/efficiency';

const fixture = (version: string, name: string) => readFileSync(join(__dirname, '..', 'fixtures', `slurm-${version}`, 'efficiency', name), 'utf8');

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} not within ${tolerance} of ${expected}`);

describe('sacct usage call', () => {
  it('asks for the steps (no --allocations), with our delimiter and the usage fields', () => {
    const argv = usageArgv(['12', '13_4']);
    assert.equal(argv[0], 'sacct');
    assert.ok(!argv.includes('--allocations') && !argv.includes('-X'));
    assert.ok(argv.includes(`--delimiter=${FIELD_SEP}`));
    assert.ok(argv.includes('--jobs=12,13_4'));
    assert.ok(argv.includes('--format=JobID,State,Elapsed,Timelimit,TotalCPU,AllocCPUS,ReqMem,MaxRSS,AllocTRES,NNodes'));
  });

  it('refuses an empty list and an id that is not one', () => {
    assert.throws(() => usageArgv([]), SlurmArgumentError);
    assert.throws(() => usageArgv(['12;rm -rf /']), SlurmArgumentError);
  });

  it('names the line when a number column is not a number', () => {
    const line = ['12', 'COMPLETED', '00:00:10', '00:05:00', '00:01.000', 'two', '1G', '', 'cpu=2', '1'].join(FIELD_SEP);
    assert.throws(() => parseUsage(`${line}\n`), (e: unknown) => e instanceof SlurmParseError && /AllocCPUS/.test(e.message));
  });

  it('names the line when MaxRSS is not a size', () => {
    const job = ['12', 'COMPLETED', '00:00:10', '00:05:00', '00:01.000', '1', '1G', '', 'cpu=1', '1'].join(FIELD_SEP);
    const step = ['12.batch', 'COMPLETED', '00:00:10', '', '00:01.000', '1', '', 'lots', 'cpu=1', '1'].join(FIELD_SEP);
    assert.throws(() => parseUsage(`${job}\n${step}\n`), (e: unknown) => e instanceof SlurmParseError && /MaxRSS/.test(e.message) && e.lineNumber === 2);
  });
});

for (const version of ['22.05', '24.11']) {
  describe(`efficiency from recorded sacct, Slurm ${version}`, () => {
    const jobs = parseUsage(fixture(version, 'sacct-usage.txt'));
    const [memJob, cpuJob, perCpuJob, twoNodeJob, gpuJob] = jobs;

    it('folds every step into its job: five jobs, steps kept in order', () => {
      assert.equal(jobs.length, 5);
      assert.deepEqual(
        jobs.map((j) => j.steps.map((s) => s.step)),
        [['batch'], ['batch'], ['batch', '0', '1'], ['batch', '0'], ['batch']],
      );
    });

    it('memory job: 1 GB asked, MaxRSS of the batch step ~210 MiB (200 MiB bytearray + python)', () => {
      assert.deepEqual(memJob.reqMem && { mb: memJob.reqMem.mb, per: memJob.reqMem.per }, { mb: 1024, per: 'job' });
      assert.equal(memJob.maxRssStep, 'batch');
      near(memJob.maxRssMb ?? 0, 210, 5, 'MaxRSS MiB');
      const e = jobEfficiency(memJob);
      near(e.memory?.fraction ?? 0, 210 / 1024, 0.01, 'memory fraction');
      assert.equal(e.memory?.perNode, false);
      // 210 MiB × 1.2 = 252 -> 256 MB.
      assert.ok(e.hints.some((h) => h === 'Asked 1 GB, peaked at 210 MB: 256 MB would do (--mem=256M).'), e.hints.join(' | '));
    });

    it('CPU job: TotalCPU of a one-CPU busy loop on 2 CPUs; the hint says 1 would do', () => {
      assert.equal(cpuJob.allocCpus, 2);
      const e = jobEfficiency(cpuJob);
      assert.ok(e.cpu);
      // Recorded: 8.9 s (22.05) / 8.8 s (24.11) CPU over ~20 s on 2 CPUs (the shared host slowed the loop).
      near(e.cpu.usedSeconds, 8.8, 0.2, 'TotalCPU seconds');
      near(e.cpu.fraction, e.cpu.usedSeconds / (e.cpu.availableSeconds), 1e-9, 'fraction');
      assert.ok(e.cpu.fraction > 0.15 && e.cpu.fraction < 0.3, String(e.cpu.fraction));
      assert.ok(e.hints.some((h) => /^Used 2\d % of 2 CPUs: 1 would do \(-c 1\)\.$/.test(h)), e.hints.join(' | '));
    });

    it('per-CPU request: ReqMem prints the job total (2 × 300M = 600M), the peak is the srun step', () => {
      assert.equal(perCpuJob.reqMem?.raw, '600M');
      assert.equal(perCpuJob.reqMem?.per, 'job');
      assert.equal(requestedPerNodeMb(perCpuJob), 600);
      assert.equal(perCpuJob.maxRssStep, '0');
      // The job's TotalCPU is its steps' sum, give or take a few ms (24.11: 0.302 vs 0.300).
      const sum = perCpuJob.steps.reduce((s, x) => s + (x.totalCpuSeconds ?? 0), 0);
      near(perCpuJob.totalCpuSeconds ?? 0, sum, 0.01, 'TotalCPU = sum of steps');
    });

    it('two nodes: ReqMem is the total (800M), compared per node (400 MB) with the largest task', () => {
      assert.equal(twoNodeJob.nodes, 2);
      assert.equal(twoNodeJob.reqMem?.raw, '800M');
      const e = jobEfficiency(twoNodeJob);
      assert.equal(e.memory?.requestedMb, 400);
      assert.equal(e.memory?.perNode, true);
      near(e.memory?.peakMb ?? 0, 88, 2, 'peak MiB');
      assert.ok(e.hints.some((h) => h.startsWith('Asked 400 MB per node, peaked at 88 MB: 128 MB would do')), e.hints.join(' | '));
    });

    it('GPU job: AllocTRES gres/gpu=1 counts one GPU', () => {
      assert.equal(gpuJob.gpus, 1);
      assert.match(efficiencySummary(jobEfficiency(gpuJob)), /1 GPU$/);
      assert.equal(memJob.gpus, 0);
    });

    it('short jobs with long limits get no time hint below 30 minutes of slack', () => {
      // 14 s of a 10 min limit: far off in ratio, but not worth a word.
      assert.ok(!jobEfficiency(memJob).hints.some((h) => h.startsWith('Ran ')));
      near(jobEfficiency(memJob).time?.fraction ?? 0, 14 / 600, 0.01, 'time fraction');
    });

    const limits = parseUsage(fixture(version, 'sacct-usage-limits.txt'));
    it('over its memory request: the bed did not kill it (task/none), the hint says so and asks for more', () => {
      const over = limits[0];
      assert.equal(over.state.name, 'COMPLETED');
      const e = jobEfficiency(over);
      assert.ok((e.memory?.fraction ?? 0) > 4, String(e.memory?.fraction));
      assert.ok(e.hints.some((h) => /^Peaked at 4\d\d MB, more than the 100 MB it asked for/.test(h) && h.endsWith('--mem=512M.')), e.hints.join(' | '));
    });

    it('TIMEOUT: the job is TIMEOUT, its batch step CANCELLED; the hint asks for more time', () => {
      const to = limits[1];
      assert.equal(to.state.name, 'TIMEOUT');
      assert.equal(to.steps[0]?.state.name, 'CANCELLED');
      const e = jobEfficiency(to);
      assert.deepEqual(e.hints, ['Hit its 1 min time limit: ask for more time (--time).']);
    });
  });
}

describe('efficiency rules (constructed records for what no bed prints)', () => {
  const base = parseUsage(fixture('24.11', 'sacct-usage.txt'))[0];
  const make = (over: Partial<JobUsage>): JobUsage => ({ ...base, ...over });
  const seconds = (n: number) => ({ kind: 'seconds' as const, seconds: n });

  it('reads the older ReqMem forms: "4Gn" per node, "1Gc" per CPU', () => {
    const older = [
      ['7', 'COMPLETED', '01:00:00', '04:00:00', '01:55:12', '4', '4Gn', '', 'cpu=4,mem=8G,node=2', '2'],
      ['7.batch', 'COMPLETED', '01:00:00', '', '01:55:12', '2', '', '3174M', 'cpu=2,node=1', '1'],
      ['8', 'COMPLETED', '01:00:00', '04:00:00', '01:00:00', '4', '1Gc', '', 'cpu=4,mem=4G,node=1', '1'],
    ].map((f) => f.join(FIELD_SEP));
    const [perNode, perCpu] = parseUsage(`${older.join('\n')}\n`);
    assert.deepEqual(perNode.reqMem, { mb: 4096, per: 'node', raw: '4Gn' });
    assert.equal(requestedPerNodeMb(perNode), 4096);
    assert.deepEqual(perCpu.reqMem, { mb: 1024, per: 'cpu', raw: '1Gc' });
    assert.equal(requestedPerNodeMb(perCpu), 4096);
  });

  it("the issue's examples, word for word", () => {
    const e = jobEfficiency(
      make({ reqMem: { mb: 64 * 1024, per: 'job', raw: '64G' }, nodes: 1, maxRssMb: 3.1 * 1024, allocCpus: 4, elapsed: seconds(180), timeLimit: seconds(4 * 3600), totalCpuSeconds: 0.48 * 4 * 180 }),
    );
    assert.deepEqual(e.hints, [
      'Asked 64 GB, peaked at 3.1 GB: 4 GB would do (--mem=4G).',
      'Used 48 % of 4 CPUs: 2 would do (-c 2).',
      'Ran 3 min of a 4 h limit: a shorter limit starts sooner (e.g. --time=15).',
    ]);
    assert.equal(efficiencySummary(e), 'CPU 48 % · memory 4.8 % · time 1.3 %');
  });

  it('a request that fit gets no hint', () => {
    const e = jobEfficiency(make({ reqMem: { mb: 1024, per: 'job', raw: '1G' }, maxRssMb: 800, allocCpus: 2, elapsed: seconds(3000), timeLimit: seconds(3600), totalCpuSeconds: 0.9 * 2 * 3000 }));
    assert.deepEqual(e.hints, []);
    assert.deepEqual(e.missing, []);
  });

  it('near the memory limit: a warning, not a cut', () => {
    const e = jobEfficiency(make({ reqMem: { mb: 1024, per: 'job', raw: '1G' }, maxRssMb: 980 }));
    assert.ok(e.hints.some((h) => h.startsWith('Peaked at 96 % of its 1 GB: close to being killed')), e.hints.join(' | '));
  });

  it('OUT_OF_MEMORY asks for half as much again', () => {
    const e = jobEfficiency(make({ state: { name: 'OUT_OF_MEMORY', known: true, phase: 'finished', raw: 'OUT_OF_MEMORY' }, reqMem: { mb: 2048, per: 'job', raw: '2G' }, maxRssMb: 2040 }));
    assert.equal(e.hints[0], 'Ran out of memory at 2 GB: ask for more, e.g. --mem=3G.');
  });

  it('a failed or cancelled job gets figures but no sizing advice', () => {
    const e = jobEfficiency(make({ state: { name: 'FAILED', known: true, phase: 'finished', raw: 'FAILED' }, reqMem: { mb: 64 * 1024, per: 'job', raw: '64G' }, maxRssMb: 100 }));
    assert.ok(e.memory);
    assert.deepEqual(e.hints, []);
  });

  it('no MaxRSS from any step: memory is reported missing with the likely cause, not as 0 %', () => {
    const e = jobEfficiency(make({ maxRssMb: undefined, maxRssStep: undefined }));
    assert.equal(e.memory, undefined);
    assert.match(e.missing.join(' '), /JobAcctGatherType/);
  });

  it('formats sizes and request steps the way people type them', () => {
    assert.equal(formatMb(3.1 * 1024), '3.1 GB');
    assert.equal(formatMb(64 * 1024), '64 GB');
    assert.equal(formatMb(209.5), '210 MB');
    assert.equal(niceMb(252), 256);
    assert.equal(niceMb(100), 128);
    assert.equal(niceMb(3.72 * 1024), 4096);
  });

  it('the tooltip time note comes from the listing text alone', () => {
    assert.equal(timeUseNote('3:04', '4:00:00'), 'ran 3 min of a 4 h limit (1.3 %)');
    assert.equal(timeUseNote('1-02:00:00', 'UNLIMITED'), undefined);
    assert.equal(timeUseNote(undefined, '1:00'), undefined);
    assert.equal(timeUseNote('garbage', '1:00'), undefined);
  });

  it('remembers computed efficiencies per cluster, oldest out first', () => {
    const mem = new EfficiencyMemory(2);
    const e = (id: string) => ({ ...jobEfficiency(base), jobId: id });
    mem.remember('a', e('1'));
    mem.remember('b', e('1'));
    mem.remember('a', e('2'));
    assert.equal(mem.get('a', '1'), undefined);
    assert.equal(mem.get('b', '1')?.jobId, '1');
    assert.equal(mem.get('a', '2')?.jobId, '2');
  });

  it('the panel view: one bar per measured figure, words a screen reader can read, the hints as they are', () => {
    const jobs = parseUsage(fixture('24.11', 'sacct-usage.txt'));
    const v = efficiencyView(jobEfficiency(jobs[0]), 'eff-mem');
    assert.equal(v.title, 'Job 2677 (eff-mem)');
    assert.deepEqual(v.bars.map((b) => b.label), ['CPU', 'Memory', 'Time']);
    assert.match(v.bars[1].detail, /^2\d %: peaked at 210 MB of 1 GB \(step batch\)$/);
    assert.match(v.bars[2].detail, /: ran 13 s of a 10 min limit$/);
    assert.deepEqual(v.facts, ['No GPUs allocated.']);
    assert.deepEqual(v.hints, jobEfficiency(jobs[0]).hints);
    const gpu = efficiencyView(jobEfficiency(jobs[4]));
    assert.equal(gpu.title, 'Job 2681');
    assert.match(gpu.facts[0], /^1 GPU allocated/);
  });
});
