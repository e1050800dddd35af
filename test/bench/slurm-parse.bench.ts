/**
 * Parsing a 10,000-job queue vs. the time Slurm itself takes to print it, on the bundled cluster.
 *
 * Fills the queue with 10,000 HELD jobs (never run, cost nothing) submitted by the test user in one
 * ssh session (4 parallel `sbatch -H` loops: ~250 jobs/s here). Individual jobs rather than arrays:
 * a pending array prints as ONE squeue row (and one sacct row) unless expanded, and the Jobs view
 * lists compactly — so only separate jobs give 10,000 rows through our exact argv.
 *
 * Baselines are timed ON the cluster (`date +%s%N` around the command, output to /dev/null), so ssh
 * setup does not flatter the ratio. Our parse is timed here on the same output, fetched once.
 * Medians of several runs. Cleans up (scancel by id) whatever happens.
 */
import { commandLine } from '../../src/core/shellQuote';
import type { ClusterContext } from '../../src/slurm';
import { parseSacct, parseSqueue, probeCluster, sacctArgv, squeueArgv } from '../../src/slurm';
import type { Transport } from '../../src/transport/types';
import { sshTransport } from '../fixtures/record';

const TARGET = 10_000;
const BENCH_NAME = 'bench-held';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function sh(t: Transport, script: string, timeoutMs = 600_000): Promise<string> {
  const r = await t.exec(['bash', '-c', script], { timeoutMs });
  if (r.code !== 0) throw new Error(`remote script failed (${r.code}): ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

/** Remote wall time of one command in ms (stdout discarded). */
async function remoteMs(t: Transport, argv: readonly string[]): Promise<number> {
  const out = await sh(t, `s=$(date +%s%N); ${commandLine(argv)} >/dev/null || exit 1; e=$(date +%s%N); echo $(( (e - s) / 1000 ))`);
  return Number(out.trim()) / 1000;
}

async function submitHeld(t: Transport, count: number): Promise<number[]> {
  const ids: number[] = [];
  // A busy slurmctld refuses a submit now and then ("Socket timed out"): retry each a few times,
  // and top up in further rounds until the count is reached.
  for (let round = 0; round < 5 && ids.length < count; round++) {
    const per = Math.ceil((count - ids.length) / 4);
    const one = `sbatch -H --parsable -J ${BENCH_NAME} -o /dev/null --wrap true`;
    const loop = `for i in $(seq 1 ${per}); do n=0; until ${one}; do n=$((n+1)); [ $n -ge 5 ] && break; sleep 1; done; done`;
    const out = await sh(t, `for p in 1 2 3 4; do (${loop}) & done; wait`);
    for (const l of out.split('\n')) if (/^\d+/.test(l)) ids.push(parseInt(l, 10));
  }
  return ids;
}

async function cancel(t: Transport, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 5000) {
    await t.exec(['scancel', ...ids.slice(i, i + 5000).map(String)], { timeoutMs: 300_000 });
  }
}

async function timeParse(fn: () => unknown, runs = 9): Promise<number> {
  fn(); // warm-up: JIT
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
    await new Promise((r) => setImmediate(r));
  }
  return median(ms);
}

export default async function slurmParseBench(): Promise<void> {
  const t = sshTransport();
  const ctx: ClusterContext = await probeCluster(t);
  const argv = squeueArgv(ctx);
  const before = Number((await sh(t, `squeue --me --noheader -o %i | wc -l`)).trim());
  const need = Math.max(0, TARGET - before);
  console.log(`Slurm ${ctx.version.text}; ${before} jobs already queued for ${ctx.user}; submitting ${need} held jobs…`);
  const t0 = Date.now();
  const ids = await submitHeld(t, need);
  try {
    console.log(`submitted ${ids.length} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // squeue: Slurm's own time vs ours.
    const squeueOut = (await t.exec(argv, { timeoutMs: 120_000 })).stdout;
    const squeueRows = parseSqueue(squeueOut, ctx.utcOffsetMinutes).length;
    const squeueMs: number[] = [];
    for (let i = 0; i < 5; i++) squeueMs.push(await remoteMs(t, argv));
    const squeueParse = await timeParse(() => parseSqueue(squeueOut, ctx.utcOffsetMinutes));

    // sacct: one batched call for the 10,000 ids (allocations only).
    const acctIds = ids.slice(0, TARGET).map(String);
    const acctArgv = sacctArgv(acctIds);
    // slurmdbd lags behind slurmctld under a burst of submits: wait until sacct knows every job.
    for (let waited = 0; ; waited += 5) {
      const have = Number((await sh(t, `${commandLine(acctArgv)} | wc -l`)).trim());
      if (have >= acctIds.length) break;
      if (waited >= 300) throw new Error(`sacct knows only ${have} of ${acctIds.length} jobs after 300 s`);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const sacctOut = (await t.exec(acctArgv, { timeoutMs: 300_000 })).stdout;
    const sacctRows = parseSacct(sacctOut, ctx.utcOffsetMinutes).length;
    const sacctMs: number[] = [];
    for (let i = 0; i < 3; i++) sacctMs.push(await remoteMs(t, acctArgv));
    const sacctParse = await timeParse(() => parseSacct(sacctOut, ctx.utcOffsetMinutes));

    const row = (what: string, rows: number, bytes: number, base: number, ours: number) =>
      console.log(
        `${what.padEnd(7)} rows=${String(rows).padStart(6)}  ${(bytes / 1e6).toFixed(2)} MB  slurm prints: ${base.toFixed(1).padStart(7)} ms  ` +
          `our parse: ${ours.toFixed(1).padStart(6)} ms  ratio: ${((100 * ours) / base).toFixed(1)}% (goal < 10%)`,
      );
    row('squeue', squeueRows, Buffer.byteLength(squeueOut), median(squeueMs), squeueParse);
    row('sacct', sacctRows, Buffer.byteLength(sacctOut), median(sacctMs), sacctParse);
  } finally {
    await cancel(t, ids);
    console.log(`cancelled the ${ids.length} bench jobs`);
  }
}
