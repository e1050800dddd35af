/**
 * Job id forms as Slurm prints them:
 *   123                a plain job (or an array task / het component's own raw id)
 *   123_4              one task of array job 123
 *   123_[1-5%2]        not-yet-split pending tasks of array 123, at most 2 running at once
 *   123_[1,3,5-7:2]    ditto, list with a stepped range (":2")
 *   123+0              component 0 of heterogeneous job 123
 *   123.batch, 123_4.0 a step of any of the above (sacct without -X, scontrol steps)
 * With SLURM_BITSTR_LEN unset Slurm cuts long task lists at 64 bytes and ends them with "...";
 * we run with it set to 0, but still accept the cut form (`truncated`).
 */
import { SlurmArgumentError } from './errors';
import { FieldFormatError } from './fieldError';

export interface TaskRange {
  from: number;
  to: number;
  step: number;
}

interface JobIdBase {
  /** Exactly as Slurm printed it. */
  text: string;
  /** Step suffix after '.', e.g. "batch", "extern", "0". */
  step?: string;
}

export type JobId =
  | (JobIdBase & { kind: 'job'; jobId: number })
  | (JobIdBase & { kind: 'arrayTask'; arrayJobId: number; taskId: number })
  | (JobIdBase & {
      kind: 'arrayTasks';
      arrayJobId: number;
      /** The bracketed expression without brackets, e.g. "1-5%2". */
      expression: string;
      ranges: TaskRange[];
      throttle?: number;
      truncated: boolean;
    })
  | (JobIdBase & { kind: 'hetComponent'; hetJobId: number; offset: number });

const ID_RE = /^(\d+)(?:_(\d+)|_\[([^\]]*)\]|\+(\d+))?(?:\.([A-Za-z0-9_-]+))?$/;

export function parseJobId(text: string): JobId {
  const m = ID_RE.exec(text);
  if (!m) throw new FieldFormatError('job id', text, 'a Slurm job id (123, 123_4, 123_[1-5%2], 123+0)');
  const base: JobIdBase = m[5] === undefined ? { text } : { text, step: m[5] };
  const id = toInt(m[1], text);
  if (m[2] !== undefined) return { ...base, kind: 'arrayTask', arrayJobId: id, taskId: toInt(m[2], text) };
  if (m[3] !== undefined) return { ...base, kind: 'arrayTasks', arrayJobId: id, ...parseTaskExpression(m[3]) };
  if (m[4] !== undefined) return { ...base, kind: 'hetComponent', hetJobId: id, offset: toInt(m[4], text) };
  return { ...base, kind: 'job', jobId: id };
}

/** "1,3,5-7:2%4" -> ranges + throttle. Also used for ArrayTaskID fields ("1-5%2", "3", "N/A"). */
export function parseTaskExpression(expression: string): {
  expression: string;
  ranges: TaskRange[];
  throttle?: number;
  truncated: boolean;
} {
  let body = expression;
  let throttle: number | undefined;
  const pct = body.lastIndexOf('%');
  if (pct >= 0) {
    const t = body.slice(pct + 1);
    if (!/^\d+$/.test(t)) throw new FieldFormatError('array task expression', expression, 'of the form 1-5%2');
    throttle = Number(t);
    body = body.slice(0, pct);
  }
  let truncated = false;
  if (body.endsWith('...')) {
    truncated = true;
    body = body.slice(0, -3).replace(/,$/, '');
  }
  const ranges: TaskRange[] = [];
  if (body !== '') {
    for (const item of body.split(',')) {
      const r = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(item);
      if (!r) throw new FieldFormatError('array task expression', expression, 'a list like 1,3,5-7:2');
      const from = Number(r[1]);
      const to = r[2] === undefined ? from : Number(r[2]);
      const step = r[3] === undefined ? 1 : Number(r[3]);
      if (to < from || step < 1) throw new FieldFormatError('array task expression', expression, 'a list of increasing ranges');
      ranges.push({ from, to, step });
    }
  } else if (!truncated) {
    throw new FieldFormatError('array task expression', expression, 'a non-empty task list');
  }
  return throttle === undefined ? { expression, ranges, truncated } : { expression, ranges, throttle, truncated };
}

/** Number of tasks an expression names (ignores truncation). */
export function taskCount(ranges: readonly TaskRange[]): number {
  return ranges.reduce((n, r) => n + Math.floor((r.to - r.from) / r.step) + 1, 0);
}

/** Validates an id that we are about to put in argv (no shell needed, but no garbage either). */
export function assertJobIdArg(id: string): string {
  if (!ID_RE.test(id)) throw new SlurmArgumentError(`${JSON.stringify(id)} is not a Slurm job id.`, 'Job ids look like 123, 123_4 or 123+0.');
  return id;
}

function toInt(s: string, whole: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new FieldFormatError('job id', whole, 'within integer range');
  return n;
}
