/**
 * Diagnostics for `#SBATCH` headers: what the directive parser reports (unknown options, missing
 * values, directives after the first command...) plus value checks — malformed --time/--mem,
 * counts that are not numbers, partitions the cluster does not have, more GPUs per node than any
 * node of the partition has, a time limit above the partition's MaxTime. Cluster facts are
 * optional (known only while connected). VS Code-free.
 */
import type { ClusterInfo } from '../slurm/sinfo';
import { MEMORY_PATTERN, TIME_PATTERN, gpusOf } from '../submit/answers';
import { effectiveDirectives, parseScript, type Directive } from '../submit/directives';
import { timeLimitProblem } from '../submit/limitCheck';
import { maxGpusPerNode } from '../submit/sbatchErrors';
import { optionByLong, optionByShort } from '../slurm/sbatchOptions';

export interface SbatchDiagnostic {
  line: number;
  start: number;
  end: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  code: string;
}

function valueRange(d: Directive): { line: number; start: number; end: number } {
  return { line: d.line, start: d.valueStart ?? d.start, end: d.valueEnd ?? d.end };
}

export function diagnoseScript(text: string, cluster?: ClusterInfo): SbatchDiagnostic[] {
  const parsed = parseScript(text);
  const out: SbatchDiagnostic[] = parsed.problems.map((p) => ({ line: p.line, start: p.start, end: p.end, severity: p.severity, message: p.message, code: p.code }));
  for (const d of parsed.directives) {
    const option = optionByLong(d.option).option;
    if (!option || d.value === undefined) continue;
    const v = d.value;
    const bad = (message: string, code: string, severity: SbatchDiagnostic['severity'] = 'error') => out.push({ ...valueRange(d), severity, message, code });
    switch (option.kind) {
      case 'time':
        if (!TIME_PATTERN.test(v)) bad(`"${v}" is not a time sbatch accepts: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED.`, 'badTime');
        break;
      case 'memory':
        if (!MEMORY_PATTERN.test(v)) bad(`"${v}" is not a size sbatch accepts: a whole number with an optional unit K, M, G or T (e.g. 4G).`, 'badMemory');
        break;
      case 'count':
        if (!/^\d+$/.test(v)) bad(`--${option.long} takes a whole number, not "${v}".`, 'badCount');
        break;
      case 'nodes':
        if (!/^\d+(?:-\d+)?$/.test(v)) bad(`--nodes takes a count or a range min-max, not "${v}".`, 'badNodes');
        break;
      case 'partition':
        if (cluster && cluster.partitions.length > 0) {
          const known = new Set(cluster.partitions.map((p) => p.name));
          const unknown = v.split(',').filter((p) => !known.has(p));
          if (unknown.length > 0) bad(`Partition ${unknown.map((u) => `"${u}"`).join(', ')} does not exist on this cluster (${[...known].join(', ')}).`, 'unknownPartition');
        }
        break;
      default:
        break;
    }
    if (option.plugin) bad(`--${option.long} comes from the ${option.plugin} plugin: sbatch refuses it on clusters without ${option.plugin}.`, 'pluginOption', 'info');
  }
  // Each component of a heterogeneous job is checked against its own partition.
  for (let component = 0; cluster && component < parsed.components; component++) {
    const own = parsed.directives.filter((d) => (d.component ?? 0) === component);
    const eff = effectiveDirectives(own, component);
    const gpus = gpusOf(eff);
    const partition = eff.get('partition') ?? cluster.partitions.find((p) => p.isDefault)?.name;
    if (gpus !== undefined && partition !== undefined && !partition.includes(',') && cluster.partitions.some((p) => p.name === partition)) {
      const max = maxGpusPerNode(partition, cluster.nodes);
      if (gpus > max) {
        const d = [...own].reverse().find((x) => x.option === 'gres' || x.option === 'gpus');
        if (d) out.push({ ...valueRange(d), severity: 'error', code: 'tooManyGpus', message: `${gpus} GPU(s) per node, but the nodes of partition "${partition}" have at most ${max}: sbatch will refuse the job.` });
      }
    }
    // sbatch accepts a time above MaxTime and the job pends forever: a warning, not an error.
    const target = partition === undefined || partition.includes(',') ? undefined : cluster.partitions.find((p) => p.name === partition);
    const time = target ? timeLimitProblem(eff.get('time'), target) : undefined;
    if (time) {
      const d = [...own].reverse().find((x) => x.option === 'time');
      if (d) out.push({ ...valueRange(d), severity: 'warning', code: time.code, message: time.message });
    }
  }
  return out;
}

/** What is being typed at a position of a directive line: an option name or an option's value. */
export type CompletionSite = { kind: 'option'; prefix: string } | { kind: 'value'; option: string; prefix: string };

export function completionSite(lineText: string, character: number): CompletionSite | undefined {
  if (!lineText.startsWith('#SBATCH')) return undefined;
  const before = lineText.slice(0, character);
  if (before.length < '#SBATCH'.length) return undefined;
  const rest = before.slice('#SBATCH'.length);
  if (rest !== '' && !/^\s/.test(rest)) return undefined;
  if (/(?:^|\s)#/.test(rest.replace(/"[^"]*"|'[^']*'/g, ''))) return undefined; // inside a trailing comment
  let m = /--([a-z-]+)=([^\s]*)$/.exec(rest);
  if (m) {
    const option = optionByLong(m[1]).option;
    return option ? { kind: 'value', option: option.long, prefix: m[2] } : undefined;
  }
  m = /--([a-z-]+)\s+([^\s-][^\s]*)?$/.exec(rest);
  if (m) {
    const option = optionByLong(m[1]).option;
    if (option && option.arg === 'required') return { kind: 'value', option: option.long, prefix: m[2] ?? '' };
  }
  // A short option's value: `-q normal`, `-p gpu` (and getopt's attached `-qnormal`). A bare `-q`
  // is still an option being typed.
  m = /(?:^|\s)-([A-Za-z])(?:(\s+)([^\s-][^\s]*)?|([^\s=-][^\s]*))$/.exec(rest);
  if (m) {
    const option = optionByShort(m[1]);
    if (option && option.arg === 'required') return { kind: 'value', option: option.long, prefix: m[3] ?? m[4] ?? '' };
  }
  m = /(?:^|\s)(-{0,2}[a-z-]*)$/.exec(rest);
  if (m) return { kind: 'option', prefix: m[1] };
  return undefined;
}

/** The directive (option or value) at a position, for hovers. */
export function directiveAt(text: string, line: number, character: number): Directive | undefined {
  return parseScript(text).directives.find((d) => d.line === line && character >= d.start && character <= (d.valueEnd ?? d.end));
}
