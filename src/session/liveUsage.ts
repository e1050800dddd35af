/**
 * Live usage of a running job, for its details document: sstat's per-step figures (CPU time,
 * peak memory) set against what the job has (elapsed run time, CPUs, memory asked), taken from
 * the `scontrol show job` text the document already holds. VS Code-free and pure.
 */
import type { StepLiveUsage } from '../slurm/sstat';
import { formatMb, formatSeconds, percent } from './efficiency';

export interface JobAllocation {
  runSeconds?: number;
  cpus?: number;
  /** Memory asked for the job, MiB (TRES mem=). */
  memMb?: number;
}

const SIZE: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 ** 2 };

/** RunTime=, NumCPUs= and TRES mem= of `scontrol show job` text. */
export function allocationFromScontrol(text: string): JobAllocation {
  const run = /RunTime=(?:(\d+)-)?(\d+):(\d+):(\d+)/.exec(text);
  const cpus = /NumCPUs=(\d+)/.exec(text);
  const mem = /TRES=[^\s]*\bmem=(\d+(?:\.\d+)?)([KMGT])/.exec(text);
  return {
    runSeconds: run ? Number(run[1] ?? 0) * 86400 + Number(run[2]) * 3600 + Number(run[3]) * 60 + Number(run[4]) : undefined,
    cpus: cpus ? Number(cpus[1]) : undefined,
    memMb: mem ? Number(mem[1]) * (SIZE[mem[2]] ?? 1) : undefined,
  };
}

/** Comment lines for the details document; one line saying why when there is nothing to show. */
export function liveUsageLines(steps: readonly StepLiveUsage[], alloc: JobAllocation, at: Date): string[] {
  const when = at.toISOString().slice(11, 19);
  if (steps.length === 0) return [`# Live usage (sstat, ${when} UTC): no step running yet — figures appear once the job's first step runs.`];
  const cpuSeconds = steps.reduce((sum, s) => sum + (s.aveCpuSeconds ?? 0) * s.tasks, 0);
  const peaks = steps.map((s) => s.maxRssMb).filter((x): x is number => x !== undefined);
  const peakMb = peaks.length ? Math.max(...peaks) : undefined;
  const parts: string[] = [];
  const capacity = alloc.runSeconds && alloc.cpus ? alloc.runSeconds * alloc.cpus : undefined;
  parts.push(`CPU ${formatSeconds(cpuSeconds)} used${capacity ? ` of ${formatSeconds(capacity)} available (${alloc.runSeconds ? formatSeconds(alloc.runSeconds) : '?'} × ${alloc.cpus} CPU${alloc.cpus === 1 ? '' : 's'}): ${percent(Math.min(1, cpuSeconds / capacity))}` : ''}`);
  if (peakMb !== undefined) parts.push(`peak memory ${formatMb(peakMb)}${alloc.memMb ? ` of ${formatMb(alloc.memMb)} asked (${percent(peakMb / alloc.memMb)})` : ''}`);
  return [`# Live usage (sstat, ${when} UTC, refreshed every 30 s while this is open): ${parts.join(' · ')}`];
}
