/**
 * The utilisation picture's data: per partition, stacked bars for CPU, GPU, nodes and memory,
 * already reduced to segments and labels so the webview only draws. Pure and serialisable
 * (it travels to the webview with postMessage).
 */
import { formatDuration } from '../slurm/duration';
import { formatMemoryMb, gpuTypesText } from './format';
import { partitionNodes, type ClusterResources, type PartitionResources } from './model';
import type { ClusterResourcesState } from './monitor';
import { describeReservation } from '../slurm/reservations';

/** free: can be used now; used: busy; partial: mixed nodes; down: on nodes that take no jobs. */
export type SegmentKind = 'free' | 'used' | 'partial' | 'down';

export interface BarSegment {
  kind: SegmentKind;
  value: number;
  /** Hover text: "9 free". */
  title: string;
}

export interface UtilisationBar {
  label: string;
  total: number;
  /** Shown right of the bar: "9/16 free". */
  summary: string;
  segments: BarSegment[];
}

export interface UtilisationPartition {
  name: string;
  isDefault: boolean;
  status: string;
  acceptsJobs: boolean;
  bars: UtilisationBar[];
  /** "node2 drained — disk check". */
  downNodes: string[];
}

export interface UtilisationCluster {
  cluster: string;
  loading: boolean;
  error?: string;
  stale: boolean;
  /** "14:03:12" — when the figures were read. */
  readAt?: string;
  partitions: UtilisationPartition[];
  /** Upcoming reservations, maintenance ones flagged. */
  reservations: { text: string; maintenance: boolean }[];
}

function seg(kind: SegmentKind, value: number, title: string): BarSegment[] {
  return value > 0 ? [{ kind, value, title }] : [];
}

export function partitionBars(r: ClusterResources, p: PartitionResources): UtilisationBar[] {
  const members = partitionNodes(r, p);
  const cpuDown = members.filter((n) => n.category === 'unavailable' || n.category === 'other').reduce((s, n) => s + n.cpus.total, 0);
  const cpuUsed = Math.max(0, p.cpus.total - p.cpus.free - cpuDown);
  const bars: UtilisationBar[] = [
    {
      label: 'CPU',
      total: p.cpus.total,
      summary: `${p.cpus.free}/${p.cpus.total} free`,
      segments: [...seg('used', cpuUsed, `${cpuUsed} in use`), ...seg('down', cpuDown, `${cpuDown} on nodes that take no jobs`), ...seg('free', p.cpus.free, `${p.cpus.free} free`)],
    },
  ];
  if (p.gpus.total > 0) {
    const gpuDown = members.filter((n) => n.category === 'unavailable' || n.category === 'other').reduce((s, n) => s + n.gpus.total, 0);
    const gpuUsed = Math.max(0, p.gpus.total - p.gpus.free - gpuDown);
    const typed = p.gpus.byType.some((t) => t.type !== '');
    bars.push({
      label: 'GPU',
      total: p.gpus.total,
      summary: typed ? `${p.gpus.free}/${p.gpus.total} free (${gpuTypesText(p.gpus.byType)})` : `${p.gpus.free}/${p.gpus.total} free`,
      segments: [...seg('used', gpuUsed, `${gpuUsed} in use`), ...seg('down', gpuDown, `${gpuDown} on nodes that take no jobs`), ...seg('free', p.gpus.free, `${p.gpus.free} free`)],
    });
  }
  const c = p.nodeCounts;
  const otherDown = c.unavailable + c.other;
  bars.push({
    label: 'Nodes',
    total: c.total,
    summary: [`${c.idle} idle`, ...(c.mixed ? [`${c.mixed} mixed`] : []), ...(c.allocated ? [`${c.allocated} allocated`] : []), ...(otherDown ? [`${otherDown} down/drained`] : [])].join(' · '),
    segments: [...seg('used', c.allocated, `${c.allocated} allocated`), ...seg('partial', c.mixed, `${c.mixed} mixed`), ...seg('down', otherDown, `${otherDown} down/drained/reserved`), ...seg('free', c.idle, `${c.idle} idle`)],
  });
  const memDown = members.filter((n) => n.category === 'unavailable' || n.category === 'other').reduce((s, n) => s + n.memoryMb.total, 0);
  const memUsed = Math.max(0, p.memoryMb.total - p.memoryMb.free - memDown);
  bars.push({
    label: 'Memory',
    total: p.memoryMb.total,
    summary: `${formatMemoryMb(p.memoryMb.free)} of ${formatMemoryMb(p.memoryMb.total)} free`,
    segments: [...seg('used', memUsed, `${formatMemoryMb(memUsed)} allocated`), ...seg('down', memDown, `${formatMemoryMb(memDown)} on nodes that take no jobs`), ...seg('free', p.memoryMb.free, `${formatMemoryMb(p.memoryMb.free)} free`)],
  });
  return bars;
}

export function utilisationCluster(state: ClusterResourcesState, formatTime: (d: Date) => string = (d) => d.toLocaleTimeString()): UtilisationCluster {
  const out: UtilisationCluster = { cluster: state.cluster, loading: state.loading, stale: state.stale, partitions: [], reservations: [] };
  if (state.error !== undefined) out.error = state.error;
  const r = state.resources;
  if (!r) return out;
  out.readAt = formatTime(new Date(r.at));
  out.partitions = r.partitions.map((p) => ({
    name: p.name,
    isDefault: p.isDefault,
    status: `${p.available} · limit ${formatDuration(p.timeLimit)} · ${p.nodeCounts.total} node${p.nodeCounts.total === 1 ? '' : 's'}`,
    acceptsJobs: p.acceptsJobs,
    bars: partitionBars(r, p),
    downNodes: partitionNodes(r, p)
      .filter((n) => n.category === 'unavailable')
      .map((n) => `${n.name} ${n.state}${n.reason ? ` — ${n.reason}` : ''}`),
  }));
  out.reservations = r.reservations
    .filter((x) => x.end.getTime() > r.at)
    .sort((a, b) => a.start.getTime() - b.start.getTime())
    .map((x) => ({ text: describeReservation(x, (d) => d.toLocaleString()), maintenance: x.maintenance }));
  return out;
}
