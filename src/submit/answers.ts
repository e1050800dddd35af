/**
 * The user's answers in the submit flow (or a test's scripted answers), validated with zod, and
 * their mapping to sbatch options. VS Code-free.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { hasControlCharacters } from '../slurm/directiveFormat';

export const TIME_PATTERN = /^(?:\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|unlimited|infinite)$/i;
export const MEMORY_PATTERN = /^\d+(?:[KMGT]B?)?$/i;

const oneLine = (what: string) =>
  z.string().refine((s) => !hasControlCharacters(s), { message: `${what} must be one line without control characters` });

export const SubmitAnswersSchema = lazySchema(() => z.object({
  partition: oneLine('The partition').pipe(z.string().regex(/^[^\s,]+(?:,[^\s,]+)*$/, 'A partition name has no spaces (several: comma-separated)')).optional(),
  time: z.string().trim().regex(TIME_PATTERN, 'Time as minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED').optional(),
  cpusPerTask: z.coerce.number().int('CPUs must be a whole number').min(1, 'At least 1 CPU').max(100_000).optional(),
  mem: z.string().trim().regex(MEMORY_PATTERN, 'Memory as a number with an optional unit K, M, G or T (e.g. 4G)').optional(),
  gpus: z.coerce.number().int('GPUs must be a whole number').min(0, 'GPUs cannot be negative').max(1024).optional(),
  jobName: oneLine('The job name').pipe(z.string().min(1, 'The job name cannot be empty').max(200, 'At most 200 characters')).optional(),
  dependency: oneLine('The dependency').pipe(z.string().regex(/^[a-z_]+(?::[\d_+]+)+(?:[,?][a-z_]+(?::[\d_+]+)+)*$|^singleton$/, 'A dependency such as afterok:123')).optional(),
  containerImage: oneLine('The container image').pipe(z.string().min(1)).optional(),
}));
export type SubmitAnswers = z.infer<typeof SubmitAnswersSchema>;

/** Validates answers; the message names every bad field. */
export function parseAnswers(raw: unknown): { ok: true; answers: SubmitAnswers } | { ok: false; message: string } {
  const r = SubmitAnswersSchema.safeParse(raw);
  if (r.success) return { ok: true, answers: r.data };
  return { ok: false, message: r.error.issues.map((i) => `${i.path.join('.') || 'answers'}: ${i.message}`).join('; ') };
}

/** The sbatch options the answers stand for (undefined answers are left out). */
export function answersToOptions(a: SubmitAnswers): Map<string, string> {
  const out = new Map<string, string>();
  if (a.jobName !== undefined) out.set('job-name', a.jobName);
  if (a.partition !== undefined) out.set('partition', a.partition);
  if (a.time !== undefined) out.set('time', a.time);
  if (a.cpusPerTask !== undefined) out.set('cpus-per-task', String(a.cpusPerTask));
  if (a.mem !== undefined) out.set('mem', a.mem);
  if (a.gpus !== undefined && a.gpus > 0) out.set('gres', `gpu:${a.gpus}`);
  if (a.dependency !== undefined) out.set('dependency', a.dependency);
  if (a.containerImage !== undefined) out.set('container-image', a.containerImage);
  return out;
}

/** GPUs asked for by `--gres=gpu[:type]:N` or `--gpus=[type:]N` (undefined when neither is set). */
export function gpusOf(options: ReadonlyMap<string, string | undefined>): number | undefined {
  const gres = options.get('gres');
  if (gres !== undefined) {
    let total = 0;
    for (const item of gres.split(',')) {
      // gpu, gpu:2, gpu:a100, gpu:a100:2 (a count is always the last, numeric part)
      const parts = item.trim().split(':');
      if (parts[0] !== 'gpu') continue;
      const last = parts[parts.length - 1];
      total += parts.length > 1 && /^\d+$/.test(last) ? Number(last) : 1;
    }
    return total;
  }
  const gpus = options.get('gpus');
  if (gpus !== undefined) {
    const m = /(?:^|:)(\d+)$/.exec(gpus.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Answers prefilled from options (the file's directives, then last choices). */
export function answersFromOptions(options: ReadonlyMap<string, string | undefined>): SubmitAnswers {
  const raw: Record<string, unknown> = {
    jobName: options.get('job-name'),
    partition: options.get('partition'),
    time: options.get('time'),
    cpusPerTask: options.get('cpus-per-task'),
    mem: options.get('mem'),
    gpus: gpusOf(options),
    dependency: options.get('dependency'),
    containerImage: options.get('container-image'),
  };
  // Keep only the fields that are valid on their own: a malformed file value is left for the user to fix.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const one = SubmitAnswersSchema.shape[k as keyof SubmitAnswers].safeParse(v);
    if (one.success && one.data !== undefined) out[k] = one.data;
  }
  return out as SubmitAnswers;
}
