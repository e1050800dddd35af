/**
 * sstat: live usage of a running job's steps (issue 20 point 3).
 *
 *   sstat -a -n -P -j <id> --format=JobID,AveCPU,MaxRSS,NTasks
 *
 * Seen on 22.05 and 24.11: one line per running step ("13532.batch|00:00:01|113484K|1"), memory in
 * K/M/G (a bare number is bytes), CPU time as [DD-[HH:]]MM:SS[.mmm]. A job with no step running
 * (just started, or ending) makes sstat exit 1 with "No steps running": no usage, not an error.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { SlurmCall } from './call';
import { durationSeconds, parseDuration } from './duration';
import { SlurmParseError } from './errors';
import { assertJobIdArg } from './jobId';

export interface StepLiveUsage {
  step: string;
  /** Average CPU time per task, seconds. */
  aveCpuSeconds?: number;
  /** Largest resident set of one task, MiB. */
  maxRssMb?: number;
  tasks: number;
}

const MEMORY = /^(\d+(?:\.\d+)?)([KMGTP]?)$/;
const SCALE: Record<string, number> = { '': 1 / (1024 * 1024), K: 1 / 1024, M: 1, G: 1024, T: 1024 ** 2, P: 1024 ** 3 };

const LineSchema = lazySchema(() => z.object({
  step: z.string().regex(/^\d+(?:_\d+)?(?:\+\d+)?\.[\w-]+$/),
  aveCpu: z.string(),
  maxRss: z.string().regex(/^$|^\d+(?:\.\d+)?[KMGTP]?$/),
  tasks: z.string().regex(/^\d*$/),
}));

export function sstatCall(jobId: string): SlurmCall<StepLiveUsage[]> {
  const name = 'sstat';
  return {
    name,
    argv: ['sstat', '-a', '-n', '-P', '-j', assertJobIdArg(jobId), '--format=JobID,AveCPU,MaxRSS,NTasks'],
    parse: ({ stdout }) => stdout.split('\n').filter((l) => l.trim() !== '').map((line, n) => {
      const [step, aveCpu, maxRss, tasks] = line.trim().split('|');
      const parsed = LineSchema.safeParse({ step, aveCpu, maxRss, tasks });
      if (!parsed.success) throw new SlurmParseError(name, `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, line, n + 1);
      const m = MEMORY.exec(parsed.data.maxRss);
      return {
        step: parsed.data.step.replace(/^[^.]*\./, ''),
        aveCpuSeconds: parsed.data.aveCpu ? durationSeconds(parseDuration(parsed.data.aveCpu, 'AveCPU')) : undefined,
        maxRssMb: m ? Number(m[1]) * (SCALE[m[2]] ?? 1) : undefined,
        tasks: Number(parsed.data.tasks || '1'),
      };
    }),
    recover: ({ stderr }) => (/No steps running|not found running/i.test(stderr) ? [] : undefined),
    idempotent: true,
  };
}
