/** Short texts shared by the Resources tree, its tooltips, the utilisation panel and the submit flow. Pure. */
import { formatDuration } from '../slurm/duration';
import { gpuTypeLabel } from './gres';
import { NODE_CATEGORY_LABEL, type NodeCategory, type NodeResources, type PartitionResources } from './model';

/** "12/16 CPU free · 2/4 GPU free" (GPUs only where the partition has any). */
export function partitionDescription(p: PartitionResources): string {
  const parts = [`${p.cpus.free}/${p.cpus.total} CPU free`];
  if (p.gpus.total > 0) parts.push(`${p.gpus.free}/${p.gpus.total} GPU free`);
  if (!p.acceptsJobs) parts.unshift(p.available);
  return parts.join(' · ');
}

/** "2/4 a100 · 1/2 v100" or "2/4" when untyped. */
export function gpuTypesText(byType: readonly { type: string; free: number; total: number }[]): string {
  if (byType.length === 1 && byType[0].type === '') return `${byType[0].free}/${byType[0].total}`;
  return byType.map((t) => `${t.free}/${t.total} ${gpuTypeLabel(t.type)}`).join(' · ');
}

/** "mixed · 2/4 CPU · 1/2 GPU free" for a node row; "drained · reason" for one that takes no jobs. */
export function nodeDescription(n: NodeResources): string {
  const parts = [n.state];
  if (n.category === 'unavailable' && n.reason) parts.push(n.reason);
  // "free" said once at the end keeps the GPU figure visible in a narrow side bar.
  else if (n.gpus.total > 0) parts.push(`${n.cpus.free}/${n.cpus.total} CPU`, `${n.gpus.free}/${n.gpus.total} GPU free`);
  else parts.push(`${n.cpus.free}/${n.cpus.total} CPU free`);
  return parts.join(' · ');
}

/** "1 idle · 2 mixed · 1 down/drained" (zero counts left out). */
export function nodeCountsText(p: PartitionResources): string {
  const order: NodeCategory[] = ['idle', 'mixed', 'allocated', 'unavailable', 'other'];
  const parts = order.filter((c) => p.nodeCounts[c] > 0).map((c) => `${p.nodeCounts[c]} ${NODE_CATEGORY_LABEL[c]}`);
  return parts.length ? parts.join(' · ') : 'no nodes';
}

/** 4000 -> "3.9 GiB"; 512 -> "512 MiB". */
export function formatMemoryMb(mb: number): string {
  if (mb >= 1024 * 1024) return `${(mb / 1024 / 1024).toFixed(1)} TiB`;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1)} GiB`;
  return `${Math.round(mb)} MiB`;
}

export function timeLimitText(p: PartitionResources): string {
  return formatDuration(p.timeLimit);
}

/**
 * A text bar of `width` cells for markdown tooltips: used part filled, free part light.
 * "█████░░░" reads as "mostly busy" at a glance even in a plain-text hover.
 */
export function textBar(used: number, total: number, width = 16): string {
  if (total <= 0) return '░'.repeat(width);
  const filled = Math.min(width, Math.max(0, Math.round((used / total) * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** 0..100, rounded; 0 for an empty total. */
export function percent(part: number, total: number): number {
  return total > 0 ? Math.round((part / total) * 100) : 0;
}
