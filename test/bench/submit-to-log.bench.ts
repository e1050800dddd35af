// Submit → first log line against the bundled cluster (issue 18: "click → first log line ≤ 3 s").
// Ours: the extension's own pipeline without the UI — submitRemote (upload + sbatch --parsable over
// the one ssh2 connection), then the log follower exactly as the extension wires it (JobStatusWatcher
// at the extension's 2 s period, the shared TailMux, JobLogFollower) — until the first byte of the
// job's stdout reaches the sink. Baseline in the same run: the terminal floor on the same connection:
// `sbatch --parsable --wrap`, then a remote loop that checks the file every 50 ms and prints its
// first line (what `sbatch && tail -F` at its best could show). Medians over ROUNDS runs each.
import { randomBytes } from 'node:crypto';
import { probeCluster } from '../../src/slurm';
import { parseSshConfig } from '../../src/config/sshConfig';
import { JobLogFollower } from '../../src/logs/jobLogFollower';
import { JobStatusWatcher, slurmJobStatusLookup } from '../../src/logs/jobStatus';
import { TailMux } from '../../src/logs/tailMux';
import { submitRemote } from '../../src/submit/remoteSubmit';
import type { Transport } from '../../src/transport/types';
import { readBed } from '../integration/bed';
import { bedTransport } from '../integration/bedTransport';

const ROUNDS = 5;
const SCRIPT = '#!/bin/bash\n#SBATCH --job-name=first-line\n#SBATCH --time=00:01:00\necho "hello from $(hostname)"\nsleep 2\n';
const nowMs = (): number => performance.now();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Phases { submitted: number; firstLine: number }

async function ours(transport: Transport, root: string): Promise<Phases> {
  const ctx = await probeCluster(transport, { timeoutMs: 30_000 });
  const t0 = nowMs();
  const job = await submitRemote(transport, { remoteRoot: root, files: [{ name: 'first-line.sbatch', content: SCRIPT }], scriptName: 'first-line.sbatch' }, { timeoutMs: 30_000 });
  const submitted = nowMs() - t0;
  const id = String(job.jobId);
  const watcher = new JobStatusWatcher(slurmJobStatusLookup(transport, async () => ctx, { timeoutMs: 30_000 }), 2_000);
  const tails = new TailMux(transport);
  const out = `${job.workDir}/slurm-${id}.out`;
  try {
    const firstLine = await new Promise<number>((resolve, reject) => {
      const follower = new JobLogFollower(
        transport, watcher,
        { profileName: 'bench', jobId: id, jobName: 'first-line', stdoutPath: out, stderrPath: out },
        { data: () => { resolve(nowMs() - t0); follower.stop(); }, notice: () => undefined, end: () => undefined },
        { tailLines: 1000, bigFileBytes: 1 << 21, tails },
      );
      follower.start();
      void follower.whenEnded().then((end) => reject(new Error(`follower ended before any byte: ${end.message}`)));
    });
    return { submitted, firstLine };
  } finally {
    watcher.dispose();
    tails.dispose();
    await transport.exec(['scancel', id], { timeoutMs: 30_000 });
    await transport.exec(['rm', '-rf', '--', job.remoteDir], { timeoutMs: 30_000 });
  }
}

async function terminalFloor(transport: Transport, home: string): Promise<Phases> {
  const dir = `${home}/swb-first-line-${randomBytes(4).toString('hex')}`;
  await transport.mkdirp(dir);
  const t0 = nowMs();
  const sub = await transport.exec(['sbatch', '--parsable', `--chdir=${dir}`, '-o', `${dir}/out`, '-t', '1', '--wrap', 'echo "hello from $(hostname)"; sleep 2'], { timeoutMs: 30_000 });
  if (sub.code !== 0) throw new Error(`sbatch failed: ${sub.stderr}`);
  const submitted = nowMs() - t0;
  const wait = await transport.exec(['bash', '-c', `until [ -s ${dir}/out ]; do sleep 0.05; done; head -n1 ${dir}/out`], { timeoutMs: 60_000 });
  const firstLine = nowMs() - t0;
  if (!wait.stdout.startsWith('hello')) throw new Error(`unexpected first line: ${wait.stdout}`);
  await transport.exec(['scancel', sub.stdout.trim().split(';')[0]], { timeoutMs: 30_000 });
  await transport.exec(['rm', '-rf', '--', dir], { timeoutMs: 30_000 });
  return { submitted, firstLine };
}

export default async function (): Promise<void> {
  const bed = readBed();
  const transport = bedTransport(bed, 'bench', { sshConfig: parseSshConfig(''), env: { agentSocket: '' } });
  const root = `${bed.home}/.swb-bench-first-line`;
  try {
    await transport.exec(['true']);
    const mine: Phases[] = [];
    const floor: Phases[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      floor.push(await terminalFloor(transport, bed.home));
      mine.push(await ours(transport, root));
    }
    const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const m = { submitted: median(mine.map((p) => p.submitted)), firstLine: median(mine.map((p) => p.firstLine)) };
    const f = { submitted: median(floor.map((p) => p.submitted)), firstLine: median(floor.map((p) => p.firstLine)) };
    console.log(`rounds: ${ROUNDS}, a 5-line sbatch script on the bundled cluster's idle debug partition`);
    console.log(`terminal floor (sbatch --wrap, then a 50 ms check loop on the file): sbatch returned ${fmt(f.submitted)}, first line ${fmt(f.firstLine)}`);
    console.log(`ours (upload + sbatch, then status watcher + tail -F follower):       sbatch returned ${fmt(m.submitted)}, first line ${fmt(m.firstLine)}`);
    console.log(`all rounds, ours first line: ${mine.map((p) => fmt(p.firstLine)).join(', ')}`);
    console.log(`ratio first line ours/floor: ${(m.firstLine / f.firstLine).toFixed(2)}×; goal ≤ 3 s: ${m.firstLine <= 3000 ? 'MET' : 'NOT MET'}`);
  } finally {
    await transport.exec(['rm', '-rf', '--', root], { timeoutMs: 30_000 }).catch(() => undefined);
    transport.dispose();
  }
}
