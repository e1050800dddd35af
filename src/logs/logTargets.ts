/**
 * Which files to follow for a job id: the Slurm layer's resolved paths (squeue's raw patterns
 * expanded the way slurmstepd names files, see slurm/logPath.ts). An array id gives one target per
 * task, pending ones included (`--array` lists them one by one). A job that has left squeue falls
 * back to sacct and Slurm's default file name in its work dir, and says that it guessed. Without
 * accounting (asked once per connection) only squeue's answer counts: MinJobAge after its end.
 */
import { UserFacingError } from '../core/errors';
import { resolveLogPaths, runAccountingCall, runCall, sacctCall, squeueCall, type ClusterContext } from '../slurm';
import type { JobRow } from '../session/jobRow';
import type { Transport } from '../transport/types';
import type { LogTarget } from './jobLogFollower';

export interface ResolvedTarget extends LogTarget {
  state: string;
  /** The paths are Slurm's default naming, assumed because Slurm no longer reports the job's own. */
  guessed: boolean;
}

/** A row of the Jobs view → a target, when the Slurm layer resolved its paths. */
export function targetFromRow(profileName: string, row: JobRow): ResolvedTarget | undefined {
  if (!row.stdoutPath) return undefined;
  return {
    profileName,
    jobId: row.id,
    jobName: row.name,
    stdoutPath: row.stdoutPath,
    stderrPath: row.stderrPath ?? row.stdoutPath,
    state: row.state,
    guessed: false,
  };
}

export async function resolveTargets(
  transport: Transport,
  ctx: ClusterContext,
  profileName: string,
  jobId: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ResolvedTarget[]> {
  const queued = await runCall(transport, squeueCall(ctx, { jobIds: [jobId], includeFinished: true, expandArrays: true }), options).catch((err: unknown) => {
    if (err instanceof Error && /Invalid job id/i.test(err.message)) return [];
    throw err;
  });
  const fromQueue: ResolvedTarget[] = [];
  for (const job of queued) {
    const paths = resolveLogPaths(job);
    if (paths.unresolvedTask) continue; // a remainder record; --array listed its tasks one by one
    fromQueue.push({ profileName, jobId: job.id.text, jobName: job.name, stdoutPath: paths.stdout, stderrPath: paths.stderr, state: job.state.name, guessed: false });
  }
  if (fromQueue.length > 0) return fromQueue;

  const answer = await runAccountingCall(transport, sacctCall(ctx, [jobId]), options);
  if (!answer.available) {
    throw new UserFacingError(
      `Job ${jobId} is not known to squeue on ${profileName}, and this cluster has no Slurm accounting (sacct) to look it up.`,
      'Without accounting Slurm forgets a job MinJobAge (5 minutes by default) after it ends; open its output file from the work directory instead.',
    );
  }
  const out: ResolvedTarget[] = [];
  for (const job of answer.value) {
    if (!job.workDir) continue;
    const paths = resolveLogPaths({
      rawJobId: job.rawJobId,
      ...(job.id.kind === 'arrayTask' ? { arrayJobId: job.id.arrayJobId, arrayTaskId: job.id.taskId } : {}),
      name: job.name,
      user: job.user ?? ctx.user,
      workDir: job.workDir,
    });
    out.push({ profileName, jobId: job.id.text, jobName: job.name, stdoutPath: paths.stdout, stderrPath: paths.stderr, state: job.state.name, guessed: true });
  }
  if (out.length === 0) {
    throw new UserFacingError(
      `Job ${jobId} is not known to squeue or sacct on ${profileName}.`,
      'Check the job id; jobs leave squeue a few minutes after they end, and sacct only if accounting is enabled.',
    );
  }
  return out;
}
