/**
 * For the submit flow's partition picker: each partition with its free CPUs/GPUs and whether it can
 * take a given request now, ever, or not at all (and why). Pure; feed it the latest
 * `ClusterResources` (ResourcesMonitor.state(cluster).resources) and the job's request.
 *
 *   const choices = summarizePartitions(resources, { cpusPerNode: 4, gpusPerNode: 1, nodes: 1, timeLimitSeconds: 3600 });
 *   // -> [{ partition: 'gpu', description: '6/8 CPU free · 3/4 GPU free', fitsNow: true, canEverFit: true, warnings: [] }, ...]
 */
import { durationSeconds, formatDuration } from '../slurm/duration';
import { partitionDescription } from './format';
import { gpuTypeLabel } from './gres';
import { partitionNodes, type ClusterResources, type NodeResources, type PartitionResources } from './model';
import { describeReservation, overlappingReservations } from '../slurm/reservations';

export interface ResourceRequest {
  /** CPUs needed on each node (cpus-per-task × tasks-per-node). Default 1. */
  cpusPerNode?: number;
  /** GPUs needed on each node. Default 0. */
  gpusPerNode?: number;
  /** Only GPUs of this type count. */
  gpuType?: string;
  /** Memory needed on each node, MiB. */
  memoryMbPerNode?: number;
  /** Nodes needed. Default 1. */
  nodes?: number;
  /** Requested time limit; checked against the partition's limit and reservations. */
  timeLimitSeconds?: number;
}

export interface PartitionChoice {
  partition: string;
  isDefault: boolean;
  /** "12/16 CPU free · 2/4 GPU free": put it next to the partition name. */
  description: string;
  freeCpus: number;
  totalCpus: number;
  freeGpus: number;
  totalGpus: number;
  /** Enough free right now on enough nodes: the job would likely start at once. */
  fitsNow: boolean;
  /** The partition could ever run it (enough nodes/CPUs/GPUs exist, time limit allows, partition up). */
  canEverFit: boolean;
  /** Why it can never fit, when `canEverFit` is false ("no node has 2 GPUs"). */
  problem?: string;
  /** Reservations (maintenance first) overlapping [now, now + time limit] on this partition's nodes. */
  warnings: string[];
}

function nodeGpus(n: NodeResources, type: string | undefined, which: 'free' | 'total'): number {
  if (type === undefined) return n.gpus[which];
  return n.gpus.byType.filter((t) => gpuTypeLabel(t.type) === type).reduce((s, t) => s + t[which], 0);
}

export function summarizePartition(resources: ClusterResources, p: PartitionResources, request: ResourceRequest = {}, now: number = resources.at): PartitionChoice {
  const cpus = request.cpusPerNode ?? 1;
  const gpus = request.gpusPerNode ?? 0;
  const mem = request.memoryMbPerNode ?? 0;
  const nodes = request.nodes ?? 1;
  const members = partitionNodes(resources, p);
  const fitsNowOn = members.filter((n) => n.cpus.free >= cpus && nodeGpus(n, request.gpuType, 'free') >= gpus && n.memoryMb.free >= mem).length;
  const couldFitOn = members.filter((n) => n.cpus.total >= cpus && nodeGpus(n, request.gpuType, 'total') >= gpus && n.memoryMb.total >= mem).length;

  let problem: string | undefined;
  const limit = durationSeconds(p.timeLimit);
  if (!p.acceptsJobs) problem = `partition is ${p.available}`;
  else if (request.timeLimitSeconds !== undefined && limit !== undefined && request.timeLimitSeconds > limit) problem = `time limit is ${formatDuration(p.timeLimit)}`;
  else if (couldFitOn < nodes) {
    const what = [`${cpus} CPU${cpus === 1 ? '' : 's'}`];
    if (gpus > 0) what.push(`${gpus} ${request.gpuType ? `${request.gpuType} ` : ''}GPU${gpus === 1 ? '' : 's'}`);
    if (mem > 0) what.push(`${mem} MiB`);
    problem = nodes === 1 ? `no node has ${what.join(' + ')}` : `only ${couldFitOn} of ${nodes} nodes have ${what.join(' + ')}`;
  }

  const warnings: string[] = [];
  if (request.timeLimitSeconds !== undefined) {
    const window = { start: new Date(now), end: new Date(now + request.timeLimitSeconds * 1000) };
    const hits = overlappingReservations(resources.reservations, window, { nodes: p.nodeNames, partition: p.name });
    hits.sort((a, b) => Number(b.maintenance) - Number(a.maintenance) || a.start.getTime() - b.start.getTime());
    for (const r of hits) warnings.push(describeReservation(r));
  }

  const choice: PartitionChoice = {
    partition: p.name,
    isDefault: p.isDefault,
    description: partitionDescription(p),
    freeCpus: p.cpus.free,
    totalCpus: p.cpus.total,
    freeGpus: p.gpus.free,
    totalGpus: p.gpus.total,
    fitsNow: problem === undefined && fitsNowOn >= nodes,
    canEverFit: problem === undefined,
    warnings,
  };
  if (problem !== undefined) choice.problem = problem;
  return choice;
}

/** Every partition of the cluster, default first, then in sinfo's order. */
export function summarizePartitions(resources: ClusterResources, request: ResourceRequest = {}, now?: number): PartitionChoice[] {
  const list = resources.partitions.map((p) => summarizePartition(resources, p, request, now));
  return list.sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

/** The picker's detail line: "fits now", "queued: busy", or "cannot run: no node has 2 GPUs". */
export function choiceStatus(c: PartitionChoice): string {
  if (!c.canEverFit) return `cannot run here: ${c.problem ?? 'unknown reason'}`;
  return c.fitsNow ? 'free now' : 'would queue: not enough free right now';
}
