/**
 * GPUs per type from a node's GRES text, as sinfo prints it:
 *   Gres      "gpu:2", "gpu:a100:2(S:0-1)", "gpu:a100:2,gpu:v100:1,mps:100", "(null)"
 *   GresUsed  "gpu:0", "gpu:1(IDX:0)", "gpu:a100:1(IDX:0),gpu:v100:0(IDX:N/A)"
 * The Slurm layer (slurm/tres.ts) sums GPUs; here we keep them apart by type so the view can say
 * "2/4 a100 free". Untyped GPUs have type "" and are shown as "gpu".
 */
import { splitGresList } from '../slurm/tres';

/** GPU counts by type ("" = untyped), in first-seen order. */
export type GpusByType = Map<string, number>;

export function gpusByType(text: string | undefined): GpusByType {
  const out: GpusByType = new Map();
  if (text === undefined || !text.includes('gpu')) return out;
  for (const entry of splitGresList(text)) {
    const parts = entry.replace(/\(.*$/, '').split(':');
    if (parts[0] === 'gres') parts.shift();
    else if (parts[0]?.startsWith('gres/')) parts[0] = parts[0].slice(5);
    if (parts[0] !== 'gpu') continue;
    // gpu | gpu:N | gpu:type | gpu:type:N
    const last = parts[parts.length - 1] ?? '';
    const counted = parts.length >= 2 && /^\d+$/.test(last);
    const count = counted ? Number(last) : 1;
    const type = parts.length >= 3 || (parts.length === 2 && !counted) ? parts[1] : '';
    out.set(type, (out.get(type) ?? 0) + count);
  }
  return out;
}

export interface GpuTypeCount {
  /** "" for GPUs configured without a type. */
  type: string;
  total: number;
  used: number;
}

/**
 * Joins configured and used GPUs per type. A used count for a type the node does not list (it
 * happens when GresUsed is untyped but Gres typed) is charged to the node's only type, or dropped.
 */
export function gpuTypeCounts(gres: string | undefined, gresUsed: string | undefined): GpuTypeCount[] {
  const total = gpusByType(gres);
  const used = gpusByType(gresUsed);
  const out = new Map<string, GpuTypeCount>();
  for (const [type, n] of total) out.set(type, { type, total: n, used: 0 });
  for (const [type, n] of used) {
    const target = out.get(type) ?? (out.size === 1 ? [...out.values()][0] : undefined);
    if (target) target.used = Math.min(target.total, target.used + n);
  }
  return [...out.values()];
}

/** "gpu" for untyped GPUs, else the type ("a100"). */
export function gpuTypeLabel(type: string): string {
  return type === '' ? 'gpu' : type;
}
