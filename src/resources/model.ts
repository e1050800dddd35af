/**
 * The Resources view's model: partitions and their nodes with free/total CPUs, memory and GPUs by
 * type, built from one `sinfo` (slurm/sinfo.ts) and one `scontrol show reservation`. Pure.
 *
 * "Free" means usable by a new job now: idle CPUs / unused GPUs on nodes that accept jobs. A
 * drained, draining, down or not-responding node contributes its totals but nothing free, so
 * "12/16 CPU free" never counts CPUs nobody can get. Nodes whose GRES is "(null)" still count for
 * CPUs and memory; they just add no GPUs.
 */
import type { ClusterInfo, NodeInfo } from '../slurm/sinfo';
import type { Duration } from '../slurm/duration';
import { gpuTypeCounts } from './gres';
import type { Reservation } from '../slurm/reservations';

/** How a node counts in a partition's summary. */
export type NodeCategory = 'idle' | 'mixed' | 'allocated' | 'unavailable' | 'other';

export const NODE_CATEGORY_LABEL: Record<NodeCategory, string> = {
  idle: 'idle',
  mixed: 'mixed',
  allocated: 'allocated',
  unavailable: 'down/drained',
  other: 'reserved/other',
};

export interface Capacity {
  free: number;
  total: number;
}

export interface GpuTypeCapacity extends Capacity {
  /** "" for untyped GPUs. */
  type: string;
}

export interface NodeResources {
  name: string;
  /** As sinfo prints it: "idle", "mixed", "drained", "down*", "idle~". */
  state: string;
  category: NodeCategory;
  /** Admin's reason for down/drained nodes ("disk check"). */
  reason?: string;
  notResponding: boolean;
  partitions: string[];
  cpus: Capacity & { allocated: number };
  memoryMb: Capacity & { allocated: number };
  gpus: Capacity & { byType: GpuTypeCapacity[] };
  cpuLoad?: number;
  features?: string;
  gres?: string;
}

export interface PartitionResources {
  name: string;
  isDefault: boolean;
  /** "up", "down", "drain", "inact": only "up" starts new jobs. */
  available: string;
  acceptsJobs: boolean;
  timeLimit: Duration;
  defaultTime: Duration;
  nodeNames: string[];
  nodeCounts: Record<NodeCategory, number> & { total: number };
  cpus: Capacity;
  memoryMb: Capacity;
  gpus: Capacity & { byType: GpuTypeCapacity[] };
  /** The most free on any single node: what a one-node job can get right now. */
  largestFreeNode: { cpus: number; gpus: number; memoryMb: number };
}

export interface ClusterResources {
  cluster: string;
  partitions: PartitionResources[];
  nodes: NodeResources[];
  reservations: Reservation[];
  /** Set when reservations could not be read (e.g. PrivateData=reservations): the rest still shows. */
  reservationsError?: string;
  /** When the figures were read (ms since epoch). */
  at: number;
}

const UNAVAILABLE = new Set(['down', 'drained', 'draining', 'drain', 'fail', 'failing', 'inval', 'unknown', 'powered_down', 'powering_down', 'reboot_issued', 'reboot_requested']);
const ALLOCATED = new Set(['allocated', 'completing', 'alloc', 'comp']);
// "*" = not responding; "~" powered off, "#" powering up, "!" / "%" powering down: no job starts there now.
const UNUSABLE_FLAGS = /[*!%]/;

export function nodeCategory(node: Pick<NodeInfo, 'baseState' | 'stateFlags'>): NodeCategory {
  // Compound states ("mixed+drain" on some releases, "idle+planned") are judged by their worst part.
  const parts = node.baseState.toLowerCase().split('+');
  if (parts.some((p) => UNAVAILABLE.has(p)) || UNUSABLE_FLAGS.test(node.stateFlags)) return 'unavailable';
  const base = parts[0] ?? '';
  if (base === 'idle') return parts.length > 1 ? 'other' : 'idle';
  if (base === 'mixed' || base === 'mix') return 'mixed';
  if (ALLOCATED.has(base)) return 'allocated';
  return 'other';
}

export function nodeResources(node: NodeInfo): NodeResources {
  const category = nodeCategory(node);
  const usable = category === 'idle' || category === 'mixed' || category === 'allocated';
  const types = gpuTypeCounts(node.gres, node.gresUsed);
  // A node whose GRES text names GPUs without counts we understand still reports sinfo's sum.
  const gpuTotal = types.length > 0 ? types.reduce((s, t) => s + t.total, 0) : node.gpus.total;
  const gpuUsed = types.length > 0 ? types.reduce((s, t) => s + t.used, 0) : node.gpus.used;
  const allocMem = node.allocMemoryMb ?? 0;
  const out: NodeResources = {
    name: node.name,
    state: node.state,
    category,
    notResponding: node.stateFlags.includes('*'),
    partitions: [...node.partitions],
    cpus: { free: usable ? node.cpus.idle : 0, total: node.cpus.total, allocated: node.cpus.allocated },
    memoryMb: { free: usable ? Math.max(0, node.memoryMb - allocMem) : 0, total: node.memoryMb, allocated: allocMem },
    gpus: {
      free: usable ? Math.max(0, gpuTotal - gpuUsed) : 0,
      total: gpuTotal,
      byType: types.map((t) => ({ type: t.type, total: t.total, free: usable ? Math.max(0, t.total - t.used) : 0 })),
    },
  };
  if (node.reason !== undefined) out.reason = node.reason;
  if (node.cpuLoad !== undefined) out.cpuLoad = node.cpuLoad;
  if (node.features !== undefined) out.features = node.features;
  if (node.gres !== undefined) out.gres = node.gres;
  return out;
}

export function buildClusterResources(cluster: string, info: ClusterInfo, reservations: Reservation[], at: number): ClusterResources {
  const nodes = info.nodes.map(nodeResources);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const partitions = info.partitions.map((p): PartitionResources => {
    const members = p.nodes.map((n) => byName.get(n)).filter((n): n is NodeResources => n !== undefined);
    const counts = { idle: 0, mixed: 0, allocated: 0, unavailable: 0, other: 0, total: members.length };
    const cpus = { free: 0, total: 0 };
    const memoryMb = { free: 0, total: 0 };
    const gpus = { free: 0, total: 0 };
    const types = new Map<string, GpuTypeCapacity>();
    const largest = { cpus: 0, gpus: 0, memoryMb: 0 };
    for (const n of members) {
      counts[n.category]++;
      cpus.free += n.cpus.free;
      cpus.total += n.cpus.total;
      memoryMb.free += n.memoryMb.free;
      memoryMb.total += n.memoryMb.total;
      gpus.free += n.gpus.free;
      gpus.total += n.gpus.total;
      for (const t of n.gpus.byType) {
        const agg = types.get(t.type) ?? { type: t.type, free: 0, total: 0 };
        agg.free += t.free;
        agg.total += t.total;
        types.set(t.type, agg);
      }
      largest.cpus = Math.max(largest.cpus, n.cpus.free);
      largest.gpus = Math.max(largest.gpus, n.gpus.free);
      largest.memoryMb = Math.max(largest.memoryMb, n.memoryMb.free);
    }
    const acceptsJobs = p.available === 'up';
    return {
      name: p.name,
      isDefault: p.isDefault,
      available: p.available,
      acceptsJobs,
      timeLimit: p.timeLimit,
      defaultTime: p.defaultTime,
      nodeNames: members.map((n) => n.name),
      nodeCounts: counts,
      cpus,
      memoryMb,
      gpus: { ...gpus, byType: [...types.values()] },
      largestFreeNode: largest,
    };
  });
  return { cluster, partitions, nodes, reservations, at };
}

/** The nodes of one partition, in sinfo's order. */
export function partitionNodes(resources: ClusterResources, partition: PartitionResources): NodeResources[] {
  const set = new Set(partition.nodeNames);
  return resources.nodes.filter((n) => set.has(n.name));
}
