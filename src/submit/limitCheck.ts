/**
 * Limits checked before anything is uploaded: would the planned job ever fit the partition? Pure;
 * given the job's effective sbatch options and the cluster's resources (resources/model.ts, built
 * from the same `sinfo` the submit form already read), it lists what is wrong:
 *
 *   checkLimits(new Map([['partition', 'gpu'], ['time', '2:00:00'], ['gres', 'gpu:3']]), resources)
 *   // -> [{ code: 'timeAboveMax', option: 'time', message: 'Time limit 2:00:00 is above ... 1:00:00 ...' },
 *   //     { code: 'tooManyGpus', option: 'gres', message: '3 GPUs per node, but ... at most 2 ...' }]
 *
 * Why warn rather than let sbatch decide: sbatch refuses some of these (too many GPUs), but it
 * *accepts* a time above the partition's MaxTime and the job then pends forever with reason
 * PartitionTimeLimit — the user learns it much later, from the queue. VS Code-free.
 */
import { durationSeconds, formatDuration } from '../slurm/duration';
import { formatMemoryMb } from '../resources/format';
import { partitionNodes, type ClusterResources, type PartitionResources } from '../resources/model';
import { gpusOf, MEMORY_PATTERN } from './answers';

export type LimitProblemCode = 'unknownPartition' | 'partitionNotUp' | 'timeAboveMax' | 'tooManyGpus' | 'tooManyCpus' | 'tooMuchMemory';

export interface LimitProblem {
  code: LimitProblemCode;
  /** The sbatch option at fault (long name), to point at it in the script. */
  option: string;
  /** One sentence: what is asked, what the partition allows, what follows. */
  message: string;
}

/**
 * sbatch's --time forms in seconds: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS;
 * 'unlimited' for UNLIMITED/INFINITE; undefined when the text is none of these.
 */
export function sbatchTimeSeconds(text: string): number | 'unlimited' | undefined {
  const v = text.trim();
  if (/^(?:unlimited|infinite)$/i.test(v)) return 'unlimited';
  let m = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(v);
  if (m) return Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  m = /^(\d+)(?::(\d+))?(?::(\d+))?$/.exec(v);
  if (!m) return undefined;
  if (m[3] !== undefined) return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  if (m[2] !== undefined) return Number(m[1]) * 60 + Number(m[2]);
  return Number(m[1]) * 60;
}

/** `--mem` sizes in MiB (sbatch's default unit is M); undefined when malformed. */
export function sbatchMemoryMb(text: string): number | undefined {
  const v = text.trim();
  if (!MEMORY_PATTERN.test(v)) return undefined;
  const m = /^(\d+)([KMGT])?/i.exec(v);
  if (!m) return undefined;
  const factor = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[(m[2] ?? 'M').toUpperCase() as 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * factor;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function positiveInt(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) && Number(text) > 0 ? Number(text) : undefined;
}

/** The partition the job goes to: its own, or the cluster's default. */
export function targetPartition(options: ReadonlyMap<string, string | undefined>, resources: Pick<ClusterResources, 'partitions'>): string | undefined {
  return options.get('partition') ?? resources.partitions.find((p) => p.isDefault)?.name;
}

/** The time limit problem alone (the #SBATCH diagnostics use it too). */
export function timeLimitProblem(time: string | undefined, partition: Pick<PartitionResources, 'name' | 'timeLimit'>): LimitProblem | undefined {
  if (time === undefined) return undefined;
  const asked = sbatchTimeSeconds(time);
  const max = durationSeconds(partition.timeLimit);
  if (asked === undefined || max === undefined) return undefined;
  if (asked !== 'unlimited' && asked <= max) return undefined;
  return {
    code: 'timeAboveMax',
    option: 'time',
    message: `Time limit ${time} is above partition "${partition.name}"'s maximum of ${formatDuration(partition.timeLimit)}: sbatch accepts the job, but it will pend forever (reason PartitionTimeLimit).`,
  };
}

export function checkLimits(options: ReadonlyMap<string, string | undefined>, resources: ClusterResources): LimitProblem[] {
  if (resources.partitions.length === 0) return [];
  const wanted = targetPartition(options, resources);
  if (wanted === undefined) return [];
  const names = wanted.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Map(resources.partitions.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    return [{
      code: 'unknownPartition',
      option: 'partition',
      // sinfo does not list hidden partitions: say what follows unless it is one of those.
      message: `Partition ${unknown.map((u) => `"${u}"`).join(', ')} is not among the partitions of ${resources.cluster} (${resources.partitions.map((p) => p.name).join(', ')}): unless it is a hidden partition you may use, sbatch will refuse the job.`,
    }];
  }
  // With several partitions Slurm uses whichever fits: only a single one is worth second-guessing.
  if (names.length !== 1) return [];
  const partition = known.get(names[0]) as PartitionResources;
  const problems: LimitProblem[] = [];
  if (!partition.acceptsJobs) {
    problems.push({ code: 'partitionNotUp', option: 'partition', message: `Partition "${partition.name}" is ${partition.available}: the job will wait until an administrator brings it up.` });
  }
  const time = timeLimitProblem(options.get('time'), partition);
  if (time) problems.push(time);

  const nodes = partitionNodes(resources, partition);
  if (nodes.length === 0) return problems;
  const most = (f: (n: (typeof nodes)[number]) => number) => nodes.reduce((m, n) => Math.max(m, f(n)), 0);

  const gpus = gpusOf(options);
  const maxGpus = most((n) => n.gpus.total);
  if (gpus !== undefined && gpus > maxGpus) {
    problems.push({
      code: 'tooManyGpus',
      option: options.has('gres') ? 'gres' : 'gpus',
      message: `${plural(gpus, 'GPU')} per node, but the nodes of partition "${partition.name}" have at most ${maxGpus}: sbatch will refuse the job.`,
    });
  }

  const cpusPerTask = positiveInt(options.get('cpus-per-task'));
  const maxCpus = most((n) => n.cpus.total);
  if (cpusPerTask !== undefined && cpusPerTask > maxCpus) {
    problems.push({
      code: 'tooManyCpus',
      option: 'cpus-per-task',
      message: `${plural(cpusPerTask, 'CPU')} per task, but the nodes of partition "${partition.name}" have at most ${maxCpus}: sbatch will refuse the job.`,
    });
  }

  // --mem=0 means "all of the node's memory": always fits.
  const memText = options.get('mem');
  const mem = memText === undefined ? undefined : sbatchMemoryMb(memText);
  const maxMem = most((n) => n.memoryMb.total);
  if (mem !== undefined && mem > 0 && maxMem > 0 && mem > maxMem) {
    problems.push({
      code: 'tooMuchMemory',
      option: 'mem',
      message: `Memory ${memText} per node, but the nodes of partition "${partition.name}" have at most ${formatMemoryMb(maxMem)} (${maxMem} MiB): sbatch will refuse the job.`,
    });
  }
  return problems;
}
