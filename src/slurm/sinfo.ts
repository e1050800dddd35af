/**
 * sinfo: nodes and partitions in ONE node-oriented call (one record per node and partition),
 * from which partitions are aggregated.
 *
 *   sinfo --Node --noheader -O 'NodeList:<US>,PartitionName:<US>,...,Reason:<RS>'
 *
 * Seen on 22.05: Gres "(null)" when a node has none, GresUsed "gpu:0" even then; GresUsed of a
 * busy GPU node "gpu:1(IDX:0)"; CPUsState is "allocated/idle/other/total"; a partition with no
 * nodes does not appear in node-oriented output.
 */
import type { SlurmCall } from './call';
import type { Duration } from './duration';
import { memoDurationParser } from './duration';
import { FIELD_SEP, RECORD_END, intField, mapTerminatedRecords, optionalText } from './records';
import { fieldTable } from './fieldTable';
import { gpusInGres } from './tres';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

/** sinfo's fields, in output order: model key, -O field name (fieldTable.ts). CPUs, CPUsState and
 * Memory are checked by SinfoRecordSchema. */
export const SINFO_FIELDS = fieldTable([
  { key: 'node', field: 'NodeList' },
  { key: 'partitionName', field: 'PartitionName' },
  { key: 'partition', field: 'Partition' },
  { key: 'available', field: 'Available' },
  { key: 'timeLimit', field: 'Time' },
  { key: 'defaultTime', field: 'DefaultTime' },
  { key: 'state', field: 'StateLong' },
  { key: 'cpus', field: 'CPUs' },
  { key: 'cpusState', field: 'CPUsState' },
  { key: 'cpuLoad', field: 'CPUsLoad' },
  { key: 'memory', field: 'Memory' },
  { key: 'allocMemory', field: 'AllocMem' },
  { key: 'freeMemory', field: 'FreeMem' },
  { key: 'gres', field: 'Gres' },
  { key: 'gresUsed', field: 'GresUsed' },
  { key: 'features', field: 'Features' },
  { key: 'reason', field: 'Reason' },
]);
const F = SINFO_FIELDS.at;

export interface NodeInfo {
  name: string;
  partitions: string[];
  /** As printed ("idle", "mixed", "drained*", "down~"); `baseState` without flags. */
  state: string;
  baseState: string;
  /** Suffix flags: * not responding, ~ powered off, # powering up, ! powering down, % powering down, $ maintenance, @ reboot, ^ rebooting, - planned. */
  stateFlags: string;
  cpus: { allocated: number; idle: number; other: number; total: number };
  cpuLoad?: number;
  memoryMb: number;
  allocMemoryMb?: number;
  freeMemoryMb?: number;
  gpus: { total: number; used: number };
  gres?: string;
  gresUsed?: string;
  features?: string;
  reason?: string;
}

export interface PartitionInfo {
  name: string;
  isDefault: boolean;
  /** "up", "down", "drain", "inact". */
  available: string;
  timeLimit: Duration;
  defaultTime: Duration;
  nodes: string[];
  cpus: { allocated: number; idle: number; other: number; total: number };
  memoryMb: number;
  allocMemoryMb: number;
  gpus: { total: number; used: number };
}

export interface ClusterInfo {
  nodes: NodeInfo[];
  partitions: PartitionInfo[];
}

export function sinfoArgv(): string[] {
  const format = SINFO_FIELDS.fields.map((f, i) => `${f}:${i === SINFO_FIELDS.count - 1 ? RECORD_END : FIELD_SEP}`).join(',');
  return ['sinfo', '--Node', '--noheader', '-O', format];
}

export function sinfoCall(): SlurmCall<ClusterInfo> {
  return { name: 'sinfo', argv: sinfoArgv(), parse: (o) => parseSinfo(o.stdout) };
}

const SinfoRecordSchema = lazySchema(() => z.object({
  cpus: z.string().regex(/^\d+$/),
  cpusState: z.string().regex(/^\d+\/\d+\/\d+\/\d+$/),
  memory: z.string().regex(/^\d+$/),
}));

const STATE_FLAGS = /[*~#!%$@^-]+$/;

export function parseSinfo(stdout: string): ClusterInfo {
  const durations = memoDurationParser();
  const rows = mapTerminatedRecords('sinfo', stdout, SINFO_FIELDS.count, (f) => {
    const checked = SinfoRecordSchema.safeParse({ cpus: f[F.cpus], cpusState: f[F.cpusState], memory: f[F.memory] });
    if (!checked.success) {
      const key = String(checked.error.issues[0]?.path[0]);
      if (key === 'cpusState') intField('CPUsState', f[F.cpusState]);
      const bad = key === 'cpus' ? F.cpus : F.memory;
      intField(SINFO_FIELDS.fields[bad], f[bad]);
    }
    const [allocated, idle, other, total] = f[F.cpusState].split('/').map(Number);
    const gres = optionalText(f[F.gres]);
    const gresUsed = optionalText(f[F.gresUsed]);
    const flags = STATE_FLAGS.exec(f[F.state])?.[0] ?? '';
    const node: NodeInfo = {
      name: f[F.node],
      partitions: [f[F.partitionName]],
      state: f[F.state],
      baseState: f[F.state].slice(0, f[F.state].length - flags.length),
      stateFlags: flags,
      cpus: { allocated, idle, other, total },
      memoryMb: Number(f[F.memory]),
      gpus: { total: (gres && gpusInGres(gres)) || 0, used: (gresUsed && gpusInGres(gresUsed)) || 0 },
    };
    const load = Number(f[F.cpuLoad]);
    if (f[F.cpuLoad] !== '' && Number.isFinite(load)) node.cpuLoad = load;
    if (/^\d+$/.test(f[F.allocMemory])) node.allocMemoryMb = Number(f[F.allocMemory]);
    if (/^\d+$/.test(f[F.freeMemory])) node.freeMemoryMb = Number(f[F.freeMemory]);
    if (gres !== undefined) node.gres = gres;
    if (gresUsed !== undefined) node.gresUsed = gresUsed;
    const features = optionalText(f[F.features]);
    if (features !== undefined) node.features = features;
    const reason = f[F.reason] === 'none' ? undefined : optionalText(f[F.reason]);
    if (reason !== undefined) node.reason = reason;
    const partition = {
      name: f[F.partitionName],
      isDefault: f[F.partition].endsWith('*'),
      available: f[F.available],
      timeLimit: durations(f[F.timeLimit], 'Time'),
      defaultTime: durations(f[F.defaultTime], 'DefaultTime'),
    };
    return { node, partition };
  });

  const nodes = new Map<string, NodeInfo>();
  const partitions = new Map<string, PartitionInfo>();
  for (const { node, partition } of rows) {
    const seen = nodes.get(node.name);
    if (seen) {
      if (!seen.partitions.includes(partition.name)) seen.partitions.push(partition.name);
    } else nodes.set(node.name, node);
    let p = partitions.get(partition.name);
    if (!p) {
      p = { ...partition, nodes: [], cpus: { allocated: 0, idle: 0, other: 0, total: 0 }, memoryMb: 0, allocMemoryMb: 0, gpus: { total: 0, used: 0 } };
      partitions.set(partition.name, p);
    }
    if (!p.nodes.includes(node.name)) {
      p.nodes.push(node.name);
      p.cpus.allocated += node.cpus.allocated;
      p.cpus.idle += node.cpus.idle;
      p.cpus.other += node.cpus.other;
      p.cpus.total += node.cpus.total;
      p.memoryMb += node.memoryMb;
      p.allocMemoryMb += node.allocMemoryMb ?? 0;
      p.gpus.total += node.gpus.total;
      p.gpus.used += node.gpus.used;
    }
  }
  return { nodes: [...nodes.values()], partitions: [...partitions.values()] };
}
