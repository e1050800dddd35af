// HTTP throughput of a large file through our forward (a 127.0.0.1 listener piping to ssh2
// forwardOut on the profile's one connection: forward/portListener.ts + Transport.openTcp) vs
// OpenSSH's `ssh -N -L` to the same sshd, measured in the same run, interleaved. Goal ≥ 0.8×.
// The server is `python3 -m http.server` on this machine — where the bundled cluster's nodes run —
// started by the bench rather than as a job, so both tunnels fetch from the same process and the
// queue's state cannot skew a run. curl is the client for both (its own process, like a browser).
// ssh2 runs as shipped, without its native addon (shippedSsh2.ts); it negotiates aes128-gcm@openssh.com
// with this sshd, OpenSSH chacha20-poly1305@openssh.com.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSshConfig } from '../../src/config/sshConfig';
import { PortListener } from '../../src/forward/portListener';
import { readBed, sshOptions } from '../integration/bed';
import { bedTransport } from '../integration/bedTransport';
import { freePort } from '../integration/netSupport';

const FILE_MB = 64;
const ROUNDS = 7;
/** Fetches per tunnel before the timed rounds: our side's JIT needs two or three 64 MB transfers to settle. */
const WARMUP = 2;


async function untilListening(port: number, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** curl's download speed in MB/s, after checking it got the whole file. */
function curlMBps(url: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--fail', '-o', '/dev/null', '-w', '%{size_download} %{speed_download}', url], { timeout: 120_000 }, (err, stdout) => {
      if (err) return reject(err);
      const [size, speed] = stdout.trim().split(' ').map(Number);
      if (size !== bytes) return reject(new Error(`${url}: got ${size} of ${bytes} bytes`));
      resolve(speed / 1e6);
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function (): Promise<void> {
  const bed = readBed();
  const dir = mkdtempSync(join(tmpdir(), 'swb-forward-bench-'));
  const bytes = FILE_MB * 1024 * 1024;
  writeFileSync(join(dir, 'big.bin'), randomBytes(bytes));
  const serverPort = await freePort();
  const children: ChildProcess[] = [];
  const transport = bedTransport(bed, 'bench', { sshConfig: parseSshConfig(''), env: { agentSocket: '' } });
  let listener: PortListener | undefined;
  try {
    children.push(spawn('python3', ['-m', 'http.server', String(serverPort), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' }));
    await untilListening(serverPort, 'http.server');

    const openTcp = transport.openTcp?.bind(transport);
    if (!openTcp) throw new Error('the ssh transport has no openTcp');
    await transport.exec(['true']); // connect outside the timed part, as OpenSSH's tunnel is up before its first fetch
    listener = await PortListener.start({ connect: () => openTcp('127.0.0.1', serverPort) });

    const sshPort = await freePort();
    children.push(spawn('ssh', [...sshOptions(bed, 'key'), '-N', '-o', 'ExitOnForwardFailure=yes', '-L', `127.0.0.1:${sshPort}:127.0.0.1:${serverPort}`, '-p', String(bed.sshPort), `${bed.user}@${bed.sshHost}`], { stdio: 'ignore' }));
    await untilListening(sshPort, 'ssh -L');

    const ours = `http://127.0.0.1:${listener.port}/big.bin`;
    const theirs = `http://127.0.0.1:${sshPort}/big.bin`;
    const direct = `http://127.0.0.1:${serverPort}/big.bin`;
    for (let i = 0; i < WARMUP; i++) {
      // Both paths alike: page cache, window growth, and for ours the JIT.
      await curlMBps(ours, bytes);
      await curlMBps(theirs, bytes);
    }
    const a: number[] = [];
    const b: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Who goes first alternates, so a neighbour's load on this 2-core machine falls on both alike.
      if (i % 2 === 0) {
        a.push(await curlMBps(ours, bytes));
        b.push(await curlMBps(theirs, bytes));
      } else {
        b.push(await curlMBps(theirs, bytes));
        a.push(await curlMBps(ours, bytes));
      }
      d.push(await curlMBps(direct, bytes));
    }
    const ratio = median(a) / median(b);
    console.log(`${FILE_MB} MB over HTTP, no tunnel (reference): median ${median(d).toFixed(1)} MB/s (N=${ROUNDS})`);
    console.log(`through OpenSSH ssh -N -L (baseline): median ${median(b).toFixed(1)} MB/s [${b.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`through our forward (ssh2 forwardOut): median ${median(a).toFixed(1)} MB/s [${a.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`ratio (ours / ssh -L, median): ${ratio.toFixed(2)}× — goal ≥ 0.8× ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`);
  } finally {
    listener?.close();
    transport.dispose();
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
