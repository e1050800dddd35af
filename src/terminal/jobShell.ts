/**
 * A shell on the node of a running job: `srun --jobid=<raw id> --overlap --pty <shell> -l`, as plain
 * data (argv; the transport quotes it through core/shellQuote) plus the pure checks in front of it.
 *
 * - The job is looked up once with squeue: an array task `123_4` has a raw job id of its own (what
 *   `srun --jobid` needs), and the same line tells whether it runs and on which nodes.
 * - `--overlap` (Slurm 20.11+) lets the step share the CPUs the job's own steps hold; without it the
 *   shell would wait until the batch script ends. Before 20.11 steps could overlap by default, but
 *   `srun` refuses the unknown option, so we say so instead of running it.
 * - `-N1 -n1`: one shell, on one node (`--nodelist` picks it in a multi-node job), not one per task.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { UserFacingError } from '../core/errors';
import { expandHostlist } from '../slurm/hostlist';
import type { SlurmCall } from '../slurm/call';
import { SlurmParseError } from '../slurm/errors';
import { assertJobIdArg } from '../slurm/jobId';
import { atLeast, type SlurmVersion } from '../slurm/version';

/** What squeue says about the job a terminal is asked for. */
export interface JobPlace {
  /** The id the user gave (e.g. `123_4`). */
  requested: string;
  /** The raw job id (`srun --jobid` needs it for an array task). */
  jobId: string;
  state: string;
  /** Expanded node names; empty until the job runs. */
  nodes: string[];
}

const LineSchema = lazySchema(() => z.tuple([
  z.string().regex(/^\d+$/, 'a raw job id'),
  z.string().regex(/^[A-Z_]+$/, 'a job state'),
  z.string(),
]));

/** `squeue -j <id>` for one job: raw id, state, node list; `null` when squeue does not know it (it left the queue). */
export function jobPlaceCall(requested: string): SlurmCall<JobPlace | null> {
  assertJobIdArg(requested);
  const name = 'squeue (job place)';
  return {
    name,
    argv: ['squeue', '-h', '-j', requested, '-O', 'JobID:|,State:|,NodeList:|'],
    idempotent: true,
    // One unknown id: squeue exits 1 with "Invalid job id specified". That is an answer.
    recover: (o) => (isUnknownJobError(o.stderr) ? null : undefined),
    parse(o) {
      const lines = o.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
      if (lines.length === 0) return null;
      const line = lines[0] as string;
      const parts = line.split('|');
      if (parts[parts.length - 1] === '') parts.pop();
      const parsed = LineSchema.safeParse(parts);
      if (!parsed.success) throw new SlurmParseError(name, parsed.error.issues.map((i) => i.message).join('; '), line, 1);
      const [jobId, state, nodeList] = parsed.data;
      return { requested, jobId, state, nodes: nodeList === '' ? [] : expandHostlist(nodeList) };
    },
  };
}

/** squeue exits 1 with "Invalid job id specified" for one unknown id: that is an answer (not queued). */
export function isUnknownJobError(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}

/** `srun --overlap` exists from Slurm 20.11. */
export function assertOverlapSupported(version: SlurmVersion): void {
  if (atLeast(version, 20, 11)) return;
  throw new UserFacingError(
    `A terminal in a job needs Slurm 20.11 or newer (srun --overlap); this cluster runs Slurm ${version.text}.`,
    'Use "Open Terminal on Login Node" and run `srun --jobid=<id> --pty bash` there (it waits until the job\'s own steps leave room).',
  );
}

/** Refuses a job that does not run (yet or any more), saying why. */
export function assertRunning(place: JobPlace | null, requested: string): asserts place is JobPlace {
  if (!place) {
    throw new UserFacingError(`Job ${requested} is not in the queue any more, so there is no node to open a terminal on.`, 'A terminal can only be opened in a running job.');
  }
  if (place.state !== 'RUNNING') {
    const when = place.state === 'PENDING' ? 'it has not started yet' : `it is ${place.state}`;
    throw new UserFacingError(`Job ${requested} is not running (${when}), so there is no shell to open in it.`, place.state === 'PENDING' ? 'Wait until it runs (the Jobs view shows when), then try again.' : 'A terminal can only be opened in a running job.');
  }
  if (place.nodes.length === 0) throw new UserFacingError(`Job ${requested} runs but squeue names no node for it.`, 'Refresh the Jobs view and try again.');
}

const ShellSchema = lazySchema(() => z.string().regex(/^\/[^\s\0]*$/, 'an absolute path'));

/** The login shell the user's environment names (`printenv SHELL`), or /bin/sh when it names none. */
export function parseLoginShell(stdout: string): string {
  const parsed = ShellSchema.safeParse(stdout.trim());
  return parsed.success ? parsed.data : '/bin/sh';
}

/** The argv of a shell in the job, on `node` (one of its nodes) or on Slurm's choice (the first). */
export function jobShellArgv(place: JobPlace, shell: string, node?: string): string[] {
  if (node !== undefined && !place.nodes.includes(node)) {
    throw new UserFacingError(`Job ${place.requested} does not run on ${node} (its nodes: ${place.nodes.join(', ')}).`, 'Pick one of the job\'s nodes.');
  }
  ShellSchema.parse(shell);
  return ['srun', `--jobid=${place.jobId}`, '--overlap', '--pty', '-N1', '-n1', ...(node !== undefined ? [`--nodelist=${node}`] : []), shell, '-l'];
}
