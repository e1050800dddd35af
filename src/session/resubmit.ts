/**
 * Resubmitting a job with the same script: Slurm keeps the batch script of a job it still knows
 * (`scontrol write batch_script <id> -` prints it). We upload it next to the user's other uploads,
 * submit it from the job's original work dir, and always remove the uploaded copy (sbatch has its
 * own copy once it returns).
 */
import { runCall, sbatchCall, type SlurmCall, type SubmitResult } from '../slurm';
import { assertJobIdArg } from '../slurm/jobId';
import type { Transport } from '../transport/types';

export function batchScriptCall(jobId: string): SlurmCall<string> {
  return {
    name: 'scontrol write batch_script',
    argv: ['scontrol', 'write', 'batch_script', assertJobIdArg(jobId), '-'],
    parse: (o) => o.stdout,
  };
}

export async function resubmitJob(
  transport: Transport,
  job: { id: string; workDir?: string },
  remoteRoot: string,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<SubmitResult> {
  const script = await runCall(transport, batchScriptCall(job.id), opts);
  if (!script.startsWith('#!')) throw new Error(`Slurm returned no batch script for job ${job.id} (only batch jobs have one).`);
  const safeId = job.id.replace(/[^0-9_]/g, '_');
  const remote = `${remoteRoot.replace(/\/+$/, '')}/resubmit/${safeId}-${Date.now()}.sh`;
  await transport.writeFile(remote, script);
  try {
    return await runCall(transport, sbatchCall({ script: remote, chdir: job.workDir }), opts);
  } finally {
    await transport.remove(remote).catch(() => undefined);
  }
}
