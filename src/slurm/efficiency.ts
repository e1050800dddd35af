/**
 * Usage of finished jobs, seff-like, from ONE sacct call over a set of jobs, steps included:
 *
 *   sacct --noheader --parsable2 --delimiter=<US> --jobs=1,2 --format=JobID,State,Elapsed,...
 *
 * Unlike sacct.ts this one has no --allocations: MaxRSS is only measured per step (jobacct_gather),
 * so the step lines (123.batch, 123.extern, 123.0, 123_4.batch) are read and folded into their job.
 *
 * Seen on 22.05.8 and 24.11.5 (test/fixtures/slurm-<version>/efficiency/):
 *   - ReqMem is the job's TOTAL request with no suffix: --mem-per-cpu=300M -c 2 prints "600M",
 *     -N 2 --mem=400M prints "800M". Releases before 21.08 print "4Gn" (per node) or "1Gc" (per
 *     CPU); both forms are read. The step lines leave ReqMem empty.
 *   - MaxRSS is empty on the allocation line and "214560K", "10.50M" (decimals!) on step lines;
 *     it is the largest TASK of the step, not the step's sum.
 *   - TotalCPU is "MM:SS.mmm" ("00:08.901"), "H:MM:SS" or "D-HH:MM:SS"; the allocation line's is
 *     the sum of its steps.
 *   - GPUs are in AllocTRES ("gres/gpu=1") with AccountingStorageTRES=gres/gpu.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { SlurmCall } from './call';
import type { Duration } from './duration';
import { durationSeconds, parseDuration } from './duration';
import { SlurmArgumentError } from './errors';
import { fieldTable } from './fieldTable';
import { FieldFormatError } from './fieldError';
import type { JobId } from './jobId';
import { assertJobIdArg, parseJobId } from './jobId';
import type { JobState } from './jobState';
import { parseJobState } from './jobState';
import { ColumnCollector, FIELD_SEP, convertRecords, optionalText, splitDelimitedLines } from './records';
import { SACCT_MAX_IDS } from './sacct';
import { gpusInTres } from './tres';

/** The fields of the usage call, in output order (fieldTable.ts). */
export const USAGE_FIELDS = fieldTable([
  { key: 'jobId', field: 'JobID' },
  { key: 'state', field: 'State' },
  { key: 'elapsed', field: 'Elapsed' },
  { key: 'timeLimit', field: 'Timelimit' },
  { key: 'totalCpu', field: 'TotalCPU' },
  { key: 'allocCpus', field: 'AllocCPUS', check: 'int' },
  { key: 'reqMem', field: 'ReqMem' },
  { key: 'maxRss', field: 'MaxRSS' },
  { key: 'allocTres', field: 'AllocTRES' },
  { key: 'nodes', field: 'NNodes', check: 'int' },
]);
const F = USAGE_FIELDS.at;

/** How ReqMem was given: the job's total (22.05+), or per node / per CPU (older "n"/"c" suffix). */
export type MemoryPer = 'job' | 'node' | 'cpu';

export interface MemoryRequest {
  /** The number as printed, in MiB. */
  mb: number;
  per: MemoryPer;
  /** Exactly as printed. */
  raw: string;
}

export interface StepUsage {
  /** "batch", "extern", "0", ... */
  step: string;
  state: JobState;
  elapsed: Duration;
  /** CPU seconds (user + system) of the step; undefined when sacct printed none. */
  totalCpuSeconds?: number;
  /** Largest resident set of any task of the step, MiB; undefined when not measured. */
  maxRssMb?: number;
}

export interface JobUsage {
  /** The allocation's id as sacct prints it (123, 123_4, 123+0). */
  id: JobId;
  state: JobState;
  elapsed: Duration;
  timeLimit: Duration;
  /** CPU seconds of the whole job (sacct's sum over its steps). */
  totalCpuSeconds?: number;
  allocCpus: number;
  nodes: number;
  reqMem?: MemoryRequest;
  allocTres?: string;
  gpus: number;
  /** Largest MaxRSS over the job's steps, MiB; undefined when no step measured any. */
  maxRssMb?: number;
  /** The step whose task peaked (e.g. "batch", "0"). */
  maxRssStep?: string;
  steps: StepUsage[];
}

/** Sacct's memory notation: number, optional binary unit, optional n/c (per node/CPU, before 21.08). */
const memorySchema = lazySchema(() => z
  .string()
  .regex(/^\d+(?:\.\d+)?[KMGTP]?[nc]?$/)
  .transform((text) => {
    const m = /^(\d+(?:\.\d+)?)([KMGTP]?)([nc]?)$/.exec(text) as RegExpExecArray;
    const scale: Record<string, number> = { '': 1 / (1024 * 1024), K: 1 / 1024, M: 1, G: 1024, T: 1024 ** 2, P: 1024 ** 3 };
    // A bare number is bytes in MaxRSS; ReqMem always carries a unit on the releases we read.
    const per: MemoryPer = m[3] === 'n' ? 'node' : m[3] === 'c' ? 'cpu' : 'job';
    return { mb: Number(m[1]) * (scale[m[2]] ?? 1), per };
  }));

function memoryField(field: string, text: string): { mb: number; per: MemoryPer } | undefined {
  if (optionalText(text) === undefined) return undefined;
  const parsed = memorySchema.safeParse(text);
  if (!parsed.success) throw new FieldFormatError(field, text, 'a Slurm memory size (e.g. 250M, 214560K, 4Gn, 1Gc)');
  return parsed.data;
}

function cpuSeconds(text: string): number | undefined {
  return durationSeconds(parseDuration(text, 'TotalCPU'));
}

export function usageArgv(jobIds: readonly string[]): string[] {
  if (jobIds.length === 0) throw new SlurmArgumentError('sacct needs at least one job id.');
  if (jobIds.length > SACCT_MAX_IDS) throw new SlurmArgumentError(`sacct takes at most ${SACCT_MAX_IDS} job ids per call; split the list.`);
  return ['sacct', '--noheader', '--parsable2', `--delimiter=${FIELD_SEP}`, `--jobs=${jobIds.map(assertJobIdArg).join(',')}`, `--format=${USAGE_FIELDS.fields.join(',')}`];
}

/** One sacct for all of `jobIds`: their allocations with the steps folded in, in sacct's order. */
export function usageCall(jobIds: readonly string[]): SlurmCall<JobUsage[]> {
  return { name: 'sacct usage', argv: usageArgv(jobIds), parse: (o) => parseUsage(o.stdout) };
}

interface UsageLine {
  id: JobId;
  state: JobState;
  elapsed: Duration;
  timeLimit: Duration;
  totalCpuSeconds?: number;
  allocCpus: number;
  nodes: number;
  reqMem?: MemoryRequest;
  maxRssMb?: number;
  allocTres?: string;
}

export function parseUsage(stdout: string): JobUsage[] {
  const records = splitDelimitedLines('sacct usage', stdout, FIELD_SEP, USAGE_FIELDS.count);
  const numbers = new ColumnCollector(USAGE_FIELDS.numeric);
  const lines = convertRecords('sacct usage', records, (f): UsageLine => {
    numbers.add(f);
    const reqMem = memoryField('ReqMem', f[F.reqMem]);
    return {
      id: parseJobId(f[F.jobId]),
      state: parseJobState(f[F.state]),
      elapsed: parseDuration(f[F.elapsed], 'Elapsed'),
      timeLimit: parseDuration(f[F.timeLimit], 'Timelimit'),
      totalCpuSeconds: cpuSeconds(f[F.totalCpu]),
      allocCpus: Number(f[F.allocCpus]),
      nodes: Number(f[F.nodes]),
      reqMem: reqMem ? { ...reqMem, raw: f[F.reqMem] } : undefined,
      maxRssMb: memoryField('MaxRSS', f[F.maxRss])?.mb,
      allocTres: optionalText(f[F.allocTres]),
    };
  });
  numbers.check('sacct usage', (i) => (records[i] ?? []).join(FIELD_SEP));
  return foldSteps(lines);
}

/** The allocation's id text of any line: "123_4.batch" -> "123_4". */
function jobKey(id: JobId): string {
  return id.step === undefined ? id.text : id.text.slice(0, id.text.length - id.step.length - 1);
}

function foldSteps(lines: readonly UsageLine[]): JobUsage[] {
  const jobs = new Map<string, JobUsage>();
  const orphans = new Map<string, StepUsage[]>();
  for (const line of lines) {
    const key = jobKey(line.id);
    if (line.id.step === undefined) {
      const job: JobUsage = {
        id: line.id,
        state: line.state,
        elapsed: line.elapsed,
        timeLimit: line.timeLimit,
        totalCpuSeconds: line.totalCpuSeconds,
        allocCpus: line.allocCpus,
        nodes: line.nodes,
        reqMem: line.reqMem,
        allocTres: line.allocTres,
        gpus: gpusInTres(line.allocTres ?? '') ?? 0,
        steps: orphans.get(key) ?? [],
      };
      orphans.delete(key);
      jobs.set(key, job);
      continue;
    }
    const step: StepUsage = { step: line.id.step, state: line.state, elapsed: line.elapsed, totalCpuSeconds: line.totalCpuSeconds, maxRssMb: line.maxRssMb };
    const job = jobs.get(key);
    if (job) job.steps.push(step);
    // sacct prints a job before its steps; kept anyway in case a release does not.
    else orphans.set(key, [...(orphans.get(key) ?? []), step]);
  }
  for (const job of jobs.values()) {
    for (const s of job.steps) {
      if (s.maxRssMb !== undefined && (job.maxRssMb === undefined || s.maxRssMb > job.maxRssMb)) {
        job.maxRssMb = s.maxRssMb;
        job.maxRssStep = s.step;
      }
    }
    // The allocation line sums its steps' CPU time; if a release leaves it empty, sum them here.
    if (job.totalCpuSeconds === undefined && job.steps.some((s) => s.totalCpuSeconds !== undefined)) {
      job.totalCpuSeconds = job.steps.reduce((sum, s) => sum + (s.totalCpuSeconds ?? 0), 0);
    }
  }
  return [...jobs.values()];
}
