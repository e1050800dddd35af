/**
 * "Tell me when N GPUs (or CPUs) are free in partition P": the condition and its evaluation on
 * one reading of the cluster. Pure; the registry (watchRegistry.ts) holds the live watches.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { gpuTypeLabel } from './gres';
import type { ClusterResources, NodeResources, PartitionResources } from './model';
import { partitionNodes } from './model';

export const ResourceConditionSchema = lazySchema(() => z.object({
  cluster: z.string().min(1),
  partition: z.string().min(1),
  resource: z.enum(['gpu', 'cpu']),
  count: z.number().int().min(1).max(1_000_000),
  /** Only GPUs of this type count ("a100"); absent = any GPU. */
  gpuType: z.string().min(1).optional(),
  /** All `count` on a single node (a one-node job) rather than anywhere in the partition. */
  onOneNode: z.boolean().default(false),
}));
export type ResourceCondition = z.infer<typeof ResourceConditionSchema>;

export interface ConditionResult {
  holds: boolean;
  /** What is free now, in the condition's terms (on the best node when onOneNode). */
  free: number;
  /** One line for tooltips and notifications: "3 GPUs free in gpu (need 2)". */
  detail: string;
}

export function describeCondition(c: ResourceCondition): string {
  const what = c.resource === 'gpu' ? `${c.count} ${c.gpuType ? `${c.gpuType} ` : ''}GPU${c.count === 1 ? '' : 's'}` : `${c.count} CPU${c.count === 1 ? '' : 's'}`;
  return `${what} free in ${c.partition}${c.onOneNode ? ' on one node' : ''}`;
}

function freeOnNode(node: NodeResources, c: ResourceCondition): number {
  if (c.resource === 'cpu') return node.cpus.free;
  if (c.gpuType === undefined) return node.gpus.free;
  return node.gpus.byType.filter((t) => gpuTypeLabel(t.type) === c.gpuType).reduce((s, t) => s + t.free, 0);
}

function freeInPartition(p: PartitionResources, c: ResourceCondition): number {
  if (c.resource === 'cpu') return p.cpus.free;
  if (c.gpuType === undefined) return p.gpus.free;
  return p.gpus.byType.filter((t) => gpuTypeLabel(t.type) === c.gpuType).reduce((s, t) => s + t.free, 0);
}

export function evaluateCondition(resources: ClusterResources, c: ResourceCondition): ConditionResult {
  const unit = c.resource === 'gpu' ? `${c.gpuType ? `${c.gpuType} ` : ''}GPU` : 'CPU';
  const p = resources.partitions.find((x) => x.name === c.partition);
  if (!p) return { holds: false, free: 0, detail: `partition ${c.partition} is not on ${resources.cluster}` };
  if (!p.acceptsJobs) return { holds: false, free: 0, detail: `partition ${c.partition} is ${p.available}` };
  const free = c.onOneNode ? Math.max(0, ...partitionNodes(resources, p).map((n) => freeOnNode(n, c))) : freeInPartition(p, c);
  const plural = free === 1 ? '' : 's';
  const where = c.onOneNode ? `on the best node of ${c.partition}` : `in ${c.partition}`;
  return { holds: free >= c.count, free, detail: `${free} ${unit}${plural} free ${where} (need ${c.count})` };
}
