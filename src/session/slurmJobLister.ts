/**
 * Lists the user's jobs for the Jobs view: one `squeue` per poll (never a call per job), with the
 * cluster context (version, user, UTC offset) probed once per transport and reused.
 */
import { formatDuration, formatExitCode, probeCluster, resolveLogPaths, runCall, squeueCall, type ClusterContext, type Job } from '../slurm';
import type { Transport } from '../transport/types';
import type { JobRow } from './jobRow';

const contexts = new WeakMap<Transport, Promise<ClusterContext>>();

export function clusterContext(transport: Transport, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<ClusterContext> {
  let ctx = contexts.get(transport);
  if (!ctx) {
    ctx = probeCluster(transport, options);
    contexts.set(transport, ctx);
    // A failed probe is not cached: the next poll probes again.
    ctx.catch(() => contexts.delete(transport));
  }
  return ctx;
}

export async function listJobRows(transport: Transport, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<JobRow[]> {
  const ctx = await clusterContext(transport, options);
  const jobs = await runCall(transport, squeueCall(ctx), options);
  return jobs.map(toJobRow);
}

export function toJobRow(job: Job): JobRow {
  const paths = resolveLogPaths(job);
  return {
    id: job.id.text,
    actionId: job.id.text,
    name: job.name,
    state: job.state.name,
    reason: job.reason,
    partition: job.partition || undefined,
    elapsed: job.state.phase === 'pending' ? undefined : formatDuration(job.timeUsed),
    timeLimit: formatDuration(job.timeLimit),
    nodes: job.nodeList,
    exitCode: job.exitCode ? formatExitCode(job.exitCode) : undefined,
    workDir: job.workDir,
    stdoutPath: paths.unresolvedTask ? undefined : paths.stdout,
    stderrPath: paths.unresolvedTask ? undefined : paths.stderr,
    arrayJobId: job.arrayJobId !== undefined ? String(job.arrayJobId) : undefined,
  };
}
