/**
 * How well a finished job used what it asked for (seff-like), from one sacct usage record
 * (src/slurm/efficiency.ts): CPU, memory, time, GPUs, and a plain-words hint when far off.
 * Pure: no I/O, no vscode.
 *
 * Memory is compared PER NODE: MaxRSS is the largest task of a step (sacct), and a job's request
 * is what each node grants it (--mem), so "peaked at 3.1 GB of 64 GB" reads the way users ask.
 * Several tasks on one node each count alone here, as in seff: the hint then errs on the generous
 * side, never the stingy one.
 */
import { durationSeconds, parseDuration } from '../slurm/duration';
import type { JobUsage } from '../slurm/efficiency';

export interface CpuEfficiency {
  /** CPU seconds used (TotalCPU). */
  usedSeconds: number;
  /** Elapsed × AllocCPUS. */
  availableSeconds: number;
  fraction: number;
  allocCpus: number;
  /** CPUs kept busy on average (used / elapsed). */
  busyCpus: number;
}

export interface MemoryEfficiency {
  /** Largest MaxRSS over the steps, MiB. */
  peakMb: number;
  /** Which step peaked ("batch", "0", ...). */
  peakStep?: string;
  /** Requested memory per node, MiB. */
  requestedMb: number;
  fraction: number;
  /** True when the job ran on more than one node (the figures are per node). */
  perNode: boolean;
}

export interface TimeEfficiency {
  elapsedSeconds: number;
  /** undefined for UNLIMITED or no limit. */
  limitSeconds?: number;
  fraction?: number;
}

export interface Efficiency {
  jobId: string;
  state: string;
  cpu?: CpuEfficiency;
  memory?: MemoryEfficiency;
  time?: TimeEfficiency;
  gpus: number;
  /** Plain-words advice, most useful first; empty when the request fit. */
  hints: string[];
  /** What could not be measured, and why (e.g. no step recorded MaxRSS). */
  missing: string[];
}

/** A COMPLETED job's figures say what it needs; a failed or cancelled one's only what it got to. */
const SETTLED = new Set(['COMPLETED']);

export function jobEfficiency(u: JobUsage): Efficiency {
  const state = u.state.name;
  const hints: string[] = [];
  const missing: string[] = [];
  const elapsed = durationSeconds(u.elapsed);
  const settled = SETTLED.has(state);

  let cpu: CpuEfficiency | undefined;
  if (elapsed !== undefined && elapsed > 0 && u.allocCpus > 0 && u.totalCpuSeconds !== undefined) {
    const available = elapsed * u.allocCpus;
    cpu = { usedSeconds: u.totalCpuSeconds, availableSeconds: available, fraction: u.totalCpuSeconds / available, allocCpus: u.allocCpus, busyCpus: u.totalCpuSeconds / elapsed };
  } else missing.push(elapsed === 0 || elapsed === undefined ? 'CPU: the job did not run long enough to measure.' : 'CPU: sacct printed no TotalCPU.');

  let memory: MemoryEfficiency | undefined;
  const requestedMb = requestedPerNodeMb(u);
  if (u.maxRssMb !== undefined && requestedMb !== undefined && requestedMb > 0) {
    memory = { peakMb: u.maxRssMb, peakStep: u.maxRssStep, requestedMb, fraction: u.maxRssMb / requestedMb, perNode: u.nodes > 1 };
  } else if (u.maxRssMb === undefined) {
    missing.push('Memory: no step recorded MaxRSS (the site may not gather job accounting: JobAcctGatherType).');
  } else missing.push(`Memory: no request to compare with (ReqMem ${u.reqMem?.raw ?? 'empty'}).`);

  let time: TimeEfficiency | undefined;
  if (elapsed !== undefined) {
    const limit = durationSeconds(u.timeLimit);
    time = limit !== undefined && limit > 0 ? { elapsedSeconds: elapsed, limitSeconds: limit, fraction: elapsed / limit } : { elapsedSeconds: elapsed };
  }

  if (state === 'OUT_OF_MEMORY' && requestedMb !== undefined) {
    hints.push(`Ran out of memory at ${formatMb(requestedMb)}${memory?.perNode ? ' per node' : ''}: ask for more, e.g. --mem=${memOption(niceMb(Math.max(requestedMb, memory?.peakMb ?? 0) * 1.5))}.`);
  } else if (memory && settled) {
    const per = memory.perNode ? ' per node' : '';
    const suggestion = niceMb(memory.peakMb * 1.2);
    if (memory.fraction < 0.5 && suggestion < memory.requestedMb) {
      hints.push(`Asked ${formatMb(memory.requestedMb)}${per}, peaked at ${formatMb(memory.peakMb)}: ${formatMb(suggestion)} would do (--mem=${memOption(suggestion)}).`);
    } else if (memory.fraction > 1) {
      // Seen on the bundled clusters (no cgroup limits): a job 4x over its --mem still COMPLETED.
      hints.push(`Peaked at ${formatMb(memory.peakMb)}, more than the ${formatMb(memory.requestedMb)}${per} it asked for: this cluster let it, most kill such jobs. Ask for --mem=${memOption(niceMb(memory.peakMb * 1.2))}.`);
    } else if (memory.fraction > 0.9) {
      hints.push(`Peaked at ${percent(memory.fraction)} of its ${formatMb(memory.requestedMb)}${per}: close to being killed for memory, give it some headroom.`);
    }
  }

  if (cpu && settled) {
    const need = Math.max(1, Math.ceil(cpu.busyCpus - 0.05));
    if (cpu.allocCpus > 1 && cpu.fraction < 0.75 && need < cpu.allocCpus) {
      hints.push(`Used ${percent(cpu.fraction)} of ${cpu.allocCpus} CPUs: ${need} would do (-c ${need}).`);
    } else if (cpu.allocCpus === 1 && cpu.fraction < 0.25 && cpu.availableSeconds >= 60) {
      hints.push(`Used ${percent(cpu.fraction)} of its CPU: it mostly waited (input/output, sleep or a lock).`);
    }
  }

  if (time?.limitSeconds !== undefined) {
    if (state === 'TIMEOUT') {
      hints.push(`Hit its ${formatSeconds(time.limitSeconds)} time limit: ask for more time (--time).`);
    } else if (settled && time.fraction !== undefined && time.fraction < 0.25 && time.limitSeconds - time.elapsedSeconds >= 30 * 60) {
      hints.push(`Ran ${formatSeconds(time.elapsedSeconds)} of a ${formatSeconds(time.limitSeconds)} limit: a shorter limit starts sooner (e.g. --time=${timeOption(niceLimit(time.elapsedSeconds * 1.5))}).`);
    }
  }

  return { jobId: u.id.text, state, cpu, memory, time, gpus: u.gpus, hints, missing };
}

/** Memory each node grants the job, MiB: ReqMem is the job's total on 21.08+, per node/CPU before. */
export function requestedPerNodeMb(u: Pick<JobUsage, 'reqMem' | 'nodes' | 'allocCpus'>): number | undefined {
  if (!u.reqMem) return undefined;
  const nodes = Math.max(1, u.nodes);
  switch (u.reqMem.per) {
    case 'node':
      return u.reqMem.mb;
    case 'cpu':
      return (u.reqMem.mb * u.allocCpus) / nodes;
    case 'job':
      return u.reqMem.mb / nodes;
  }
}

/** "CPU 48 % · memory 21 % · time 5 %": one line for a tooltip or a list. */
export function efficiencySummary(e: Efficiency): string {
  const parts: string[] = [];
  if (e.cpu) parts.push(`CPU ${percent(e.cpu.fraction)}`);
  if (e.memory) parts.push(`memory ${percent(e.memory.fraction)}`);
  if (e.time?.fraction !== undefined) parts.push(`time ${percent(e.time.fraction)}`);
  if (e.gpus > 0) parts.push(`${e.gpus} GPU${e.gpus === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/**
 * The time note a finished job's tooltip can give from the listing alone (Elapsed and Timelimit
 * as Slurm prints them), with no extra call: "ran 3:04 of a 4:00:00 limit (1 %)".
 */
export function timeUseNote(elapsed: string | undefined, limit: string | undefined): string | undefined {
  if (elapsed === undefined || limit === undefined) return undefined;
  const e = safeSeconds(elapsed);
  const l = safeSeconds(limit);
  if (e === undefined || l === undefined || l <= 0) return undefined;
  return `ran ${formatSeconds(e)} of a ${formatSeconds(l)} limit (${percent(e / l)})`;
}

function safeSeconds(text: string): number | undefined {
  try {
    return durationSeconds(parseDuration(text));
  } catch {
    return undefined;
  }
}

export function percent(fraction: number): string {
  const p = fraction * 100;
  return `${p < 10 ? p.toFixed(1).replace(/\.0$/, '') : Math.round(p)} %`;
}

/** MiB in Slurm's units (binary, spelled MB/GB as Slurm's M/G): "210 MB", "3.1 GB", "64 GB". */
export function formatMb(mb: number): string {
  if (mb >= 1024 * 1024) return `${trim(mb / (1024 * 1024))} TB`;
  if (mb >= 1024) return `${trim(mb / 1024)} GB`;
  if (mb >= 1) return `${Math.round(mb)} MB`;
  return `${Math.round(mb * 1024)} KB`;
}

function trim(n: number): string {
  return n < 10 ? n.toFixed(1).replace(/\.0$/, '') : String(Math.round(n));
}

/** A request size people type: multiples of 128 MB below 1 GB, whole GB above. */
export function niceMb(mb: number): number {
  if (mb <= 1024) return Math.max(128, Math.ceil(mb / 128) * 128);
  return Math.ceil(mb / 1024) * 1024;
}

function memOption(mb: number): string {
  return mb % 1024 === 0 ? `${mb / 1024}G` : `${mb}M`;
}

/** "45 s", "3 min", "4 h", "1 h 30 min", "2 d 3 h". */
export function formatSeconds(s: number): string {
  const total = Math.round(s);
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.round(total / 60)} min`;
  if (total < 86400) {
    const h = Math.floor(total / 3600);
    const m = Math.round((total % 3600) / 60);
    return m === 0 ? `${h} h` : `${h} h ${m} min`;
  }
  const d = Math.floor(total / 86400);
  const h = Math.round((total % 86400) / 3600);
  return h === 0 ? `${d} d` : `${d} d ${h} h`;
}

/** A limit people type: quarter hours up to 2 h, whole hours above; at least 15 min. */
function niceLimit(s: number): number {
  if (s <= 2 * 3600) return Math.max(900, Math.ceil(s / 900) * 900);
  return Math.ceil(s / 3600) * 3600;
}

/** Slurm's --time form: "15" (minutes) below a day, "D-HH:00:00" above. */
function timeOption(s: number): string {
  const minutes = Math.round(s / 60);
  if (minutes < 24 * 60) return minutes % 60 === 0 ? `${minutes / 60}:00:00` : String(minutes);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  return `${d}-${String(h).padStart(2, '0')}:00:00`;
}

/**
 * Efficiencies already computed (by the Show Efficiency command), so a finished job's tooltip can
 * show them without a call of its own. Bounded: the oldest entry goes first.
 */
export class EfficiencyMemory {
  private readonly byKey = new Map<string, Efficiency>();
  constructor(private readonly capacity = 500) {}

  remember(cluster: string, e: Efficiency): void {
    const key = `${cluster}\u0000${e.jobId}`;
    this.byKey.delete(key);
    this.byKey.set(key, e);
    if (this.byKey.size > this.capacity) {
      const oldest = this.byKey.keys().next().value;
      if (oldest !== undefined) this.byKey.delete(oldest);
    }
  }

  get(cluster: string, jobId: string): Efficiency | undefined {
    return this.byKey.get(`${cluster}\u0000${jobId}`);
  }
}


/** One bar of the details panel: what was used of what was asked, in words and as a fraction. */
export interface EfficiencyBar {
  label: string;
  /** 0..n (above 1 when a job used more than asked, e.g. memory on a cluster that does not enforce it). */
  fraction: number;
  /** "5.2 CPU s of 40 (2 CPUs × 20 s)". */
  detail: string;
}

/** What the panel draws, computed here so the webview only copies text (and tests read it). */
export interface EfficiencyView {
  title: string;
  state: string;
  bars: EfficiencyBar[];
  facts: string[];
  hints: string[];
  missing: string[];
}

export function efficiencyView(e: Efficiency, jobName?: string): EfficiencyView {
  const bars: EfficiencyBar[] = [];
  if (e.cpu) {
    const c = e.cpu;
    bars.push({ label: 'CPU', fraction: c.fraction, detail: `${percent(c.fraction)}: ${formatSeconds(c.usedSeconds)} of CPU time over ${formatSeconds(c.availableSeconds / c.allocCpus)} × ${c.allocCpus} CPU${c.allocCpus === 1 ? '' : 's'} (${c.busyCpus.toFixed(1)} busy on average)` });
  }
  if (e.memory) {
    const m = e.memory;
    bars.push({ label: 'Memory', fraction: m.fraction, detail: `${percent(m.fraction)}: peaked at ${formatMb(m.peakMb)} of ${formatMb(m.requestedMb)}${m.perNode ? ' per node' : ''}${m.peakStep ? ` (step ${m.peakStep})` : ''}` });
  }
  if (e.time?.fraction !== undefined && e.time.limitSeconds !== undefined) {
    bars.push({ label: 'Time', fraction: e.time.fraction, detail: `${percent(e.time.fraction)}: ran ${formatSeconds(e.time.elapsedSeconds)} of a ${formatSeconds(e.time.limitSeconds)} limit` });
  }
  const facts: string[] = [];
  if (e.time && e.time.limitSeconds === undefined) facts.push(`Ran ${formatSeconds(e.time.elapsedSeconds)} (no time limit).`);
  facts.push(e.gpus > 0 ? `${e.gpus} GPU${e.gpus === 1 ? '' : 's'} allocated (sacct records no GPU utilisation here).` : 'No GPUs allocated.');
  return { title: `Job ${e.jobId}${jobName ? ` (${jobName})` : ''}`, state: e.state, bars, facts, hints: e.hints, missing: e.missing };
}
