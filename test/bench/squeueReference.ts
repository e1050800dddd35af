/**
 * The time `squeue` takes on the bundled cluster to print N rows through the Jobs view's own
 * format (-O with every field), timed ON the cluster (`date +%s%N` around it, output to
 * /dev/null) so ssh setup does not count. The rows are the tasks of held job arrays (at most
 * MaxArraySize-1 = 1,000 tasks per array in .devcontainer/cluster/slurm.conf): a few sbatch calls
 * instead of thousands, listed one row per task with `--array`. slurmctld sends one record per
 * pending array and squeue expands it, so this is, if anything, faster than printing as many
 * separate jobs (the slurm-parse bench times those): a stricter reference. Cancels what it submits.
 */
import { commandLine } from '../../src/core/shellQuote';
import { probeCluster, squeueArgv } from '../../src/slurm';
import type { Transport } from '../../src/transport/types';
import { sshTransport } from '../fixtures/record';

const TASKS_PER_ARRAY = 1000;

async function sh(t: Transport, script: string, timeoutMs = 300_000): Promise<string> {
  const r = await t.exec(['bash', '-c', script], { timeoutMs });
  if (r.code !== 0) throw new Error(`remote script failed (${r.code}): ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export interface SqueueReference {
  /** Median remote wall time of squeue printing the rows, ms. */
  ms: number;
  rows: number;
  version: string;
}

/** Submits held arrays totalling `rows` tasks, times squeue listing them `runs` times, cancels them. */
export async function squeuePrintMs(rows: number, runs = 5): Promise<SqueueReference> {
  const t = sshTransport();
  const ctx = await probeCluster(t);
  const arrays = Math.ceil(rows / TASKS_PER_ARRAY);
  // One sbatch per call, so every id is known (and cancelled) whatever fails later. A busy
  // slurmctld refuses a submit now and then ("temporarily unable to accept job"): retry.
  const ids: string[] = [];
  const submitOne = async (): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const r = await t.exec(['sbatch', '-H', '--parsable', '-J', 'bench-poll-ref', '-o', '/dev/null', `--array=0-${TASKS_PER_ARRAY - 1}`, '--wrap', 'true'], { timeoutMs: 60_000 });
      const id = /^(\d+)/.exec(r.stdout.trim())?.[1];
      if (r.code === 0 && id !== undefined) return void ids.push(id);
      if (attempt >= 5) throw new Error(`sbatch failed (${r.code}): ${r.stderr.slice(0, 300)}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  try {
    for (let i = 0; i < arrays; i++) await submitOne();
    const argv = squeueArgv(ctx, { jobIds: ids, expandArrays: true });
    const listed = (await t.exec(argv, { timeoutMs: 120_000 })).stdout.split('\u001e\n').length - 1;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const us = await sh(t, `s=$(date +%s%N); ${commandLine(argv)} >/dev/null || exit 1; e=$(date +%s%N); echo $(( (e - s) / 1000 ))`);
      times.push(Number(us.trim()) / 1000);
    }
    return { ms: median(times), rows: listed, version: ctx.version.text };
  } finally {
    if (ids.length > 0) await t.exec(['scancel', ...ids], { timeoutMs: 120_000 });
  }
}
