/**
 * sacctmgr show qos: the QOS names a job may ask for with `--qos`, with what each allows, for
 * completion of `#SBATCH --qos=` values.
 *
 *   sacctmgr --noheader --parsable2 show qos format=Name,Priority,MaxWall,MaxTRESPU,MaxJobsPU,MaxSubmitPU,Flags,Description
 *
 * Seen on 22.05 and 24.11 (identical): one line per QOS, fields separated by "|", unset limits
 * empty ("normal|0||||||Normal QOS default"). A description is free text and may itself hold "|":
 * it comes last, so everything after the seventh separator is the description. Needs accounting
 * (slurmdbd); without it sacctmgr exits non-zero and the caller offers no QOS values.
 */
import type { SlurmCall } from './call';
import { parseDuration, type Duration } from './duration';
import { SlurmParseError } from './errors';
import { optionalText } from './records';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

export const QOS_FIELDS = ['Name', 'Priority', 'MaxWall', 'MaxTRESPU', 'MaxJobsPU', 'MaxSubmitPU', 'Flags', 'Description'] as const;

export interface QosInfo {
  name: string;
  priority: number;
  /** Longest time limit a job of this QOS may have; undefined when the QOS sets none. */
  maxWall?: Duration;
  /** Per-user TRES cap, as sacctmgr prints it ("cpu=8,gres/gpu=2"). */
  maxTresPerUser?: string;
  maxJobsPerUser?: number;
  maxSubmitPerUser?: number;
  flags?: string;
  description?: string;
}

export function qosArgv(): string[] {
  return ['sacctmgr', '--noheader', '--parsable2', 'show', 'qos', `format=${QOS_FIELDS.join(',')}`];
}

export function qosCall(): SlurmCall<QosInfo[]> {
  // A query: safe to ask twice (sacctmgr is not in runCall's list of read-only commands).
  return { name: 'sacctmgr show qos', argv: qosArgv(), parse: (o) => parseQos(o.stdout), idempotent: true };
}

const count = lazySchema(() => z.string().regex(/^\d*$/, 'expected a whole number or nothing').transform((t) => (t === '' ? undefined : Number(t))));
const QosRecordSchema = lazySchema(() => z.object({
  name: z.string().min(1, 'a QOS without a name'),
  priority: count,
  maxJobsPerUser: count,
  maxSubmitPerUser: count,
}));

export function parseQos(stdout: string): QosInfo[] {
  const out: QosInfo[] = [];
  const lines = stdout.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fail = (reason: string) => new SlurmParseError('sacctmgr show qos', reason, line, i + 1);
    const f = line.split('|');
    if (f.length < QOS_FIELDS.length) throw fail(`expected ${QOS_FIELDS.length} fields separated by "|", got ${f.length}`);
    const [name, priority, maxWall, maxTres, maxJobs, maxSubmit, flags] = f;
    const checked = QosRecordSchema.safeParse({ name, priority, maxJobsPerUser: maxJobs, maxSubmitPerUser: maxSubmit });
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw fail(`${String(issue?.path[0])}: ${issue?.message ?? 'invalid'}`);
    }
    const r = checked.data;
    const qos: QosInfo = { name: r.name, priority: r.priority ?? 0 };
    if (maxWall !== '') qos.maxWall = parseDuration(maxWall, 'MaxWall');
    const tres = optionalText(maxTres);
    if (tres !== undefined) qos.maxTresPerUser = tres;
    if (r.maxJobsPerUser !== undefined) qos.maxJobsPerUser = r.maxJobsPerUser;
    if (r.maxSubmitPerUser !== undefined) qos.maxSubmitPerUser = r.maxSubmitPerUser;
    const flagText = optionalText(flags);
    if (flagText !== undefined) qos.flags = flagText;
    // Free text, and the last field: any "|" after the seventh separator belongs to it.
    const description = optionalText(f.slice(QOS_FIELDS.length - 1).join('|'));
    if (description !== undefined) qos.description = description;
    out.push(qos);
  });
  return out;
}

/** "max 2-00:00:00 · 8 jobs/user · cpu=8,gres/gpu=2 per user": the completion item's detail. */
export function qosSummary(q: QosInfo, format: (d: Duration) => string): string {
  const parts: string[] = [];
  if (q.maxWall !== undefined) parts.push(`max ${format(q.maxWall)}`);
  if (q.maxJobsPerUser !== undefined) parts.push(`${q.maxJobsPerUser} running jobs/user`);
  if (q.maxSubmitPerUser !== undefined) parts.push(`${q.maxSubmitPerUser} queued jobs/user`);
  if (q.maxTresPerUser !== undefined) parts.push(`${q.maxTresPerUser} per user`);
  return parts.join(' · ');
}
