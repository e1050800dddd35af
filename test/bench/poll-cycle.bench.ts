/**
 * One Jobs-view poll cycle's client-side cost: parse the squeue output, update the tracker's state
 * and diff it (JobTracker.poll), then build the tree model (buildJobTree) — at 1,000 and 10,000 jobs.
 * The input is a real squeue row recorded from the bundled cluster, repeated with distinct ids.
 * Baselines in the same run: the 1,000-job cycle (linear growth means the 10,000 one costs ~10x),
 * and the time squeue itself takes on the bundled cluster to print 10,000 rows (squeueReference.ts;
 * skipped, and said so, when the cluster is not reachable).
 * Goal at 10,000 jobs: <= 25 ms per cycle and <= 0.3x squeue's own time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterContext, SlurmCall } from '../../src/slurm';
import { JobTracker, type CallRunner } from '../../src/session/jobTracker';
import { buildJobTree } from '../../src/session/jobTreeModel';
import { squeuePrintMs, type SqueueReference } from './squeueReference';

const FIXTURES = join(__dirname, '..', 'fixtures', 'slurm-22.05');
const RECORD_END = '\u001e\n';

function queueOf(n: number, states: string[]): string {
  const rows = readFileSync(join(FIXTURES, 'squeue.txt'), 'utf8').split(RECORD_END).filter(Boolean);
  const template = rows.find((r) => r.includes('\u001fRUNNING\u001f') && r.split('\u001f')[2] === 'N/A')!;
  const id = template.split('\u001f')[0];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const jobId = String(100000 + i);
    out.push(template.split(id).join(jobId).replace('\u001fRUNNING\u001f', `\u001f${states[i % states.length]}\u001f`));
  }
  return out.join(RECORD_END) + RECORD_END;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function cycleMs(n: number, rounds: number): Promise<number> {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as { context: ClusterContext };
  // Two alternating queues: each cycle changes the state of a tenth of the jobs, so the diff and
  // the tree see real work, as when jobs start.
  const a = queueOf(n, ['PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'RUNNING']);
  const b = queueOf(n, ['PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'PENDING', 'RUNNING', 'RUNNING']);
  let current = a;
  const runner: CallRunner = {
    context: async () => manifest.context,
    run: async <T>(call: SlurmCall<T>) => call.parse({ stdout: call.argv.includes('squeue') ? current : '', stderr: '' }),
  };
  const tracker = new JobTracker();
  await tracker.poll(runner, 'start');
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    current = i % 2 === 0 ? b : a;
    const t0 = performance.now();
    const poll = await tracker.poll(runner, 'timer');
    buildJobTree(poll.jobs, { groupBy: 'state', sortBy: 'id' });
    times.push(performance.now() - t0);
    if (poll.jobs.length !== n) throw new Error(`expected ${n} jobs, got ${poll.jobs.length}`);
  }
  return median(times);
}

export default async function bench(): Promise<void> {
  await cycleMs(1000, 5); // warm up the JIT
  const small = await cycleMs(1000, 21);
  const large = await cycleMs(10_000, 11);
  let reference: SqueueReference | string;
  try {
    reference = await squeuePrintMs(10_000);
  } catch (e) {
    reference = e instanceof Error ? e.message : String(e);
  }
  console.log('poll cycle (squeue parse + tracker diff + tree model), median:');
  console.log(`   1,000 jobs: ${small.toFixed(1)} ms (baseline)`);
  console.log(`  10,000 jobs: ${large.toFixed(1)} ms   ratio vs baseline ${(large / small).toFixed(1)}x (linear = 10x)   goal <= 25 ms: ${large <= 25 ? 'met' : 'NOT met'}`);
  if (typeof reference === 'string') {
    console.log(`  squeue reference: not measured (${reference})`);
  } else {
    const ratio = large / reference.ms;
    console.log(
      `  squeue (Slurm ${reference.version}) prints ${reference.rows} rows in ${reference.ms.toFixed(1)} ms on the cluster: ` +
        `poll cycle = ${ratio.toFixed(2)}x of it   goal <= 0.3x: ${ratio <= 0.3 ? 'met' : 'NOT met'}`,
    );
  }
}
