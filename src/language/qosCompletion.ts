/**
 * `#SBATCH --qos=` / `-q` values: the cluster's QOS (sacctmgr show qos), each with the limits a
 * user meets there (max wall time, jobs per user, TRES per user) and its description. VS Code-free.
 */
import { formatDuration } from '../slurm/duration';
import { qosSummary, type QosInfo } from '../slurm/qos';

export interface ValueCompletion {
  label: string;
  /** Short, next to the label. */
  detail?: string;
  /** Longer, in the documentation pane. */
  documentation?: string;
}

export function qosCompletions(qos: readonly QosInfo[]): ValueCompletion[] {
  return qos.map((q) => {
    const item: ValueCompletion = { label: q.name };
    const detail = [qosSummary(q, formatDuration), q.description].filter((s) => s !== undefined && s !== '').join(' — ');
    if (detail !== '') item.detail = detail;
    const doc = [q.description, q.maxWall ? `Longest time limit: ${formatDuration(q.maxWall)}.` : undefined, q.flags ? `Flags: ${q.flags}.` : undefined, q.priority ? `Priority: ${q.priority}.` : undefined]
      .filter((s): s is string => s !== undefined);
    if (doc.length > 0) item.documentation = doc.join('\n\n');
    return item;
  });
}
