// `squeue` latency through our persistent ssh2 connection vs a fresh OpenSSH `ssh host squeue`
// process per call (what peer extensions do), measured in the same run against the bundled
// cluster's sshd. Goal: ≥ 5× faster median.
// Also: what the login-shell-proof bootstrap costs (remoteScript.ts: /bin/sh reading a framed script
// from stdin, markers, the pinned environment) against a plain ssh2 exec of the same command string
// handed to the login shell, both on one connection each, interleaved.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from 'ssh2';
import { parseSshConfig } from '../../src/config/sshConfig';
import { readBed, sshOptions } from '../integration/bed';
import { bedTransport } from '../integration/bedTransport';

const N = 30;

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95) };
}

function fresh(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('ssh', args, { timeout: 30_000 }, (err) => (err ? reject(err) : resolve()));
  });
}

export default async function (): Promise<void> {
  const bed = readBed();
  // No ~/.ssh/config and no agent: the same key login as the OpenSSH baseline's options.
  const transport = bedTransport(bed, 'bench', { sshConfig: parseSshConfig(''), env: { agentSocket: '' } });
  const sshArgs = [...sshOptions(bed, 'key'), '-p', String(bed.sshPort), `${bed.user}@${bed.sshHost}`, 'squeue'];
  try {
    const connectStart = performance.now();
    await transport.exec(['true']); // connect once, outside the timed loop (that is the point)
    const connectMs = performance.now() - connectStart;
    await fresh(sshArgs); // warm the OpenSSH side too (page cache, sshd)

    const persistent: number[] = [];
    const perCall: number[] = [];
    // Interleaved so both see the same cluster load.
    for (let i = 0; i < N; i++) {
      let t0 = performance.now();
      const r = await transport.exec(['squeue'], { timeoutMs: 30_000 });
      if (r.code !== 0) throw new Error(`squeue failed: ${r.stderr}`);
      persistent.push(performance.now() - t0);
      t0 = performance.now();
      await fresh(sshArgs);
      perCall.push(performance.now() - t0);
    }
    const p = stats(persistent);
    const f = stats(perCall);
    const ratio = f.median / p.median;
    console.log(`squeue over the persistent ssh2 connection: median ${p.median.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms (N=${N}; one-time connect ${connectMs.toFixed(0)} ms)`);
    console.log(`squeue via a fresh \`ssh host squeue\` per call: median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms (N=${N})`);
    console.log(`ratio (fresh / persistent, median): ${ratio.toFixed(1)}× — goal ≥ 5× ${ratio >= 5 ? 'MET' : 'NOT MET'}`);

    const raw = await plainClient(bed);
    try {
      const framed: number[] = [];
      const plain: number[] = [];
      for (let i = 0; i < N; i++) {
        let t0 = performance.now();
        await transport.exec(['id', '-un']);
        framed.push(performance.now() - t0);
        t0 = performance.now();
        await plainExec(raw, 'id -un');
        plain.push(performance.now() - t0);
      }
      const b = stats(framed);
      const r = stats(plain);
      console.log(`id -un, plain ssh2 exec through the login shell (baseline): median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms (N=${N})`);
      console.log(`id -un through the transport's bootstrap (sh from stdin, markers, pinned env): median ${b.median.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms — ${(b.median / r.median).toFixed(2)}× the baseline`);
    } finally {
      raw.end();
    }
  } finally {
    transport.dispose();
  }
}

function plainClient(bed: ReturnType<typeof readBed>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once('ready', () => resolve(c)).once('error', reject);
    // The bench's own throwaway connection to the bundled bed: its host key was pinned by the transport above.
    c.connect({ host: bed.sshHost, port: bed.sshPort, username: bed.user, privateKey: readFileSync(bed.identityFile), hostVerifier: () => true });
  });
}

function plainExec(c: Client, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, ch) => {
      if (err) return reject(err);
      ch.on('data', () => undefined);
      ch.stderr.on('data', () => undefined);
      ch.once('close', () => resolve());
    });
  });
}
