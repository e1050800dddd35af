/**
 * Interactive sessions (issue 19 point 3) as plain data: the job that holds the allocation, how the
 * Jobs view recognises it, what it says about it (time left), and how a wait is put in words.
 * VS Code-free and pure.
 *
 * The allocation is a placeholder batch job, `sbatch --wrap 'sleep infinity'`, and the shell is a
 * job step in it (`srun --jobid=N --overlap --pty`, src/terminal/jobShell.ts). Why not `salloc`:
 * `salloc --no-shell` blocks until the allocation is granted (a channel held open through a wait
 * that may take hours, lost with the connection) and then leaves a bare allocation that squeue lists
 * like any job anyway; a batch job returns its id at once, waits in the queue like every job the
 * Jobs view already follows (state, pending reason, cancel, time left), and survives VS Code and the
 * connection. What keeps it from leaking is the time limit, which is always set (never UNLIMITED),
 * and `--output=/dev/null`, so no slurm-<id>.out is left behind.
 */
import type { SbatchOptions } from '../slurm/sbatch';
import { SubmitAnswersSchema, type SubmitAnswers } from '../submit/answers';
import { INTERACTIVE_JOB_NAME } from '../session/interactiveRow';

export { INTERACTIVE_JOB_NAME, interactiveWords, isInteractiveJob, timeLeft } from '../session/interactiveRow';

/** The placeholder that holds the allocation: sleeps until scancel or the time limit ends it. */
export const HOLD_COMMAND = 'sleep infinity';

/** The resources an interactive session asks for: the submit form's fields but the job name (fixed) and the time (required). */
export type InteractiveAnswers = Pick<SubmitAnswers, 'partition' | 'cpusPerTask' | 'mem' | 'gpus'> & { time: string };

/** The fields asked for, in order (the submit form's names, so its labels and checks apply). */
export const INTERACTIVE_FIELDS = ['partition', 'time', 'cpusPerTask', 'mem', 'gpus'] as const;

/**
 * Answers from a boundary (remembered state, a command's arguments, the prompts' text): each field
 * checked as the submit form checks it, the time limit required and finite. Empty text = not given.
 */
export function parseInteractiveAnswers(raw: unknown): { ok: true; answers: InteractiveAnswers } | { ok: false; message: string } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, message: 'answers: an object with partition, time, cpusPerTask, mem, gpus' };
  const given: Record<string, unknown> = {};
  for (const f of INTERACTIVE_FIELDS) {
    const v = (raw as Record<string, unknown>)[f];
    if (v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '')) given[f] = typeof v === 'string' ? v.trim() : v;
  }
  const time = typeof given.time === 'string' ? given.time : given.time === undefined ? '' : String(given.time);
  const timeProblem = timeLimitProblem(time);
  if (timeProblem) return { ok: false, message: `time: ${timeProblem}` };
  const r = SubmitAnswersSchema.safeParse({ ...given, time });
  if (!r.success) return { ok: false, message: r.error.issues.map((i) => `${i.path.join('.') || 'answers'}: ${i.message}`).join('; ') };
  const a = r.data;
  return {
    ok: true,
    answers: {
      time: a.time as string,
      ...(a.partition !== undefined ? { partition: a.partition } : {}),
      ...(a.cpusPerTask !== undefined ? { cpusPerTask: a.cpusPerTask } : {}),
      ...(a.mem !== undefined ? { mem: a.mem } : {}),
      ...(a.gpus !== undefined ? { gpus: a.gpus } : {}),
    },
  };
}

/** One line for a quick pick: `debug · 1:00:00 · 2 CPUs · 4G · 1 GPU`. */
export function describeAnswers(a: InteractiveAnswers): string {
  return [
    a.partition ?? 'default partition',
    a.time,
    a.cpusPerTask !== undefined ? `${a.cpusPerTask} CPU${a.cpusPerTask === 1 ? '' : 's'}` : undefined,
    a.mem !== undefined ? `${a.mem} memory` : undefined,
    a.gpus ? `${a.gpus} GPU${a.gpus === 1 ? '' : 's'}` : undefined,
  ].filter(Boolean).join(' · ');
}

/**
 * Seconds of a time limit as sbatch takes it (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS),
 * or undefined for anything else — UNLIMITED included: an interactive session always ends by itself.
 */
export function limitSeconds(text: string): number | undefined {
  const t = text.trim();
  let m = /^(\d+)$/.exec(t);
  if (m) return Number(m[1]) * 60;
  m = /^(\d+):(\d+)$/.exec(t);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  m = /^(\d+):(\d+):(\d+)$/.exec(t);
  if (m) return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  m = /^(\d+)-(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (m) return Number(m[1]) * 86400 + Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return undefined;
}

/** Why a time limit cannot hold an interactive session, or undefined when it can. */
export function timeLimitProblem(text: string): string | undefined {
  if (text.trim() === '') return 'An interactive session needs a time limit (it ends the session if VS Code or the connection goes away).';
  const s = limitSeconds(text);
  if (s === undefined) return 'A finite time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (not UNLIMITED: the limit is what ends a forgotten session).';
  if (s < 60) return 'At least one minute.';
  return undefined;
}

/** The sbatch call's options for the placeholder job. */
export function interactiveSbatchOptions(a: InteractiveAnswers): SbatchOptions {
  const problem = timeLimitProblem(a.time);
  if (problem) throw new Error(`interactive session time limit ${JSON.stringify(a.time)}: ${problem}`);
  return {
    wrap: HOLD_COMMAND,
    jobName: INTERACTIVE_JOB_NAME,
    time: a.time.trim(),
    ...(a.partition !== undefined ? { partition: a.partition } : {}),
    ...(a.cpusPerTask !== undefined ? { cpusPerTask: a.cpusPerTask } : {}),
    ...(a.mem !== undefined ? { mem: a.mem } : {}),
    ...(a.gpus !== undefined && a.gpus > 0 ? { gres: `gpu:${a.gpus}` } : {}),
    ntasks: 1,
    output: '/dev/null',
  };
}
