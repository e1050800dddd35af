// HTTP throughput of a large file through our forward (a 127.0.0.1 listener piping to ssh2
// forwardOut on the profile's one connection: forward/portListener.ts + Transport.openTcp) vs
// OpenSSH's `ssh -N -L` to the same sshd, measured in the same run, interleaved. Goal ≥ 0.8×.
// The server is `python3 -m http.server` on this machine — where the bundled cluster's nodes run —
// started by the bench rather than as a job, so both tunnels fetch from the same process and the
// queue's state cannot skew a run. curl is the client for both (its own process, like a browser).
// ssh2 runs as shipped, without its native addon (shippedSsh2.ts); it negotiates aes128-gcm@openssh.com
// with this sshd, OpenSSH chacha20-poly1305@openssh.com.
// A third tunnel has no ssh in it: the same PortListener piping to a plain TCP connection to the
// server, in this process. It is the ceiling of any forward that runs in Node on this machine: it
// pays Node's socket reads and writes (a fresh buffer per read) but no decryption and no channel.
// The CPU and page-fault lines say where the time goes (both measured around each fetch).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSshConfig } from '../../src/config/sshConfig';
import { PortListener } from '../../src/forward/portListener';
import { openLocalTcp } from '../../src/transport/localTcp';
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

/** CPU time (user + system, ms) a process has used so far, from /proc (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based, as in proc(5)).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** This process's CPU time so far (ms): the forward's whole local side (listener + ssh2) lives here. */
function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** One tunnel's fetches: their speeds, and the CPU and page faults its client side spent on them. */
interface Tally {
  speeds: number[];
  cpuMs: number;
  faults: number;
  cpu(): number;
  faultCount(): number;
}

async function timedFetch(url: string, bytes: number, tally: Tally): Promise<void> {
  const cpuBefore = tally.cpu();
  const faultsBefore = tally.faultCount();
  tally.speeds.push(await curlMBps(url, bytes));
  tally.cpuMs += tally.cpu() - cpuBefore;
  tally.faults += tally.faultCount() - faultsBefore;
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
  let relay: PortListener | undefined;
  try {
    children.push(spawn('python3', ['-m', 'http.server', String(serverPort), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' }));
    await untilListening(serverPort, 'http.server');

    const openTcp = transport.openTcp?.bind(transport);
    if (!openTcp) throw new Error('the ssh transport has no openTcp');
    await transport.exec(['true']); // connect outside the timed part, as OpenSSH's tunnel is up before its first fetch
    listener = await PortListener.start({ connect: () => openTcp('127.0.0.1', serverPort) });
    relay = await PortListener.start({ connect: () => openLocalTcp('127.0.0.1', serverPort) });

    const sshPort = await freePort();
    const ssh = spawn('ssh', [...sshOptions(bed, 'key'), '-N', '-o', 'ExitOnForwardFailure=yes', '-L', `127.0.0.1:${sshPort}:127.0.0.1:${serverPort}`, '-p', String(bed.sshPort), `${bed.user}@${bed.sshHost}`], { stdio: 'ignore' });
    children.push(ssh);
    await untilListening(sshPort, 'ssh -L');

    const ours = `http://127.0.0.1:${listener.port}/big.bin`;
    const theirs = `http://127.0.0.1:${sshPort}/big.bin`;
    const direct = `http://127.0.0.1:${serverPort}/big.bin`;
    const relayed = `http://127.0.0.1:${relay.port}/big.bin`;
    for (let i = 0; i < WARMUP; i++) {
      // Both paths alike: page cache, window growth, and for ours the JIT.
      await curlMBps(ours, bytes);
      await curlMBps(theirs, bytes);
    }
    // Speeds per tunnel, and what its client side spent on them (summed over the rounds): why the speeds differ.
    const inProcess = (): Tally => ({ speeds: [], cpuMs: 0, faults: 0, cpu: ownCpuMs, faultCount: () => process.resourceUsage().minorPageFault });
    const oursT = inProcess();
    const relayT = inProcess();
    const sshT: Tally = { speeds: [], cpuMs: 0, faults: 0, cpu: () => processCpuMs(ssh.pid ?? 0), faultCount: () => 0 };
    const d: number[] = [];
    const fetchOurs = (): Promise<void> => timedFetch(ours, bytes, oursT);
    const fetchTheirs = (): Promise<void> => timedFetch(theirs, bytes, sshT);
    const fetchRelayed = (): Promise<void> => timedFetch(relayed, bytes, relayT);
    const [a, b, r] = [oursT.speeds, sshT.speeds, relayT.speeds];
    for (let i = 0; i < ROUNDS; i++) {
      // Who goes first alternates, so a neighbour's load on this 2-core machine falls on both alike.
      if (i % 2 === 0) {
        await fetchOurs();
        await fetchTheirs();
      } else {
        await fetchTheirs();
        await fetchOurs();
      }
      d.push(await curlMBps(direct, bytes));
    }
    // The relay after the timed rounds, not between them: its garbage would be collected during the
    // next fetch through our forward, in this same process, and charged to it.
    for (let i = 0; i < ROUNDS; i++) await fetchRelayed();
    const ratio = median(a) / median(b);
    console.log(`${FILE_MB} MB over HTTP, no tunnel (reference): median ${median(d).toFixed(1)} MB/s (N=${ROUNDS})`);
    console.log(`through OpenSSH ssh -N -L (baseline): median ${median(b).toFixed(1)} MB/s [${b.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`through our forward (ssh2 forwardOut): median ${median(a).toFixed(1)} MB/s [${a.map((x) => x.toFixed(0)).join(', ')}]`);
    console.log(`through a plain Node relay, no ssh (the ceiling for Node): median ${median(r).toFixed(1)} MB/s [${r.map((x) => x.toFixed(0)).join(', ')}] = ${(median(r) / median(b)).toFixed(2)}× of ssh -L`);
    const perFetch = (x: number): string => (x / ROUNDS).toFixed(0);
    console.log(`client side per ${FILE_MB} MB (mean of ${ROUNDS}), Node ${process.version}: ours ${perFetch(oursT.cpuMs)} ms CPU, ${perFetch(oursT.faults)} page faults; plain relay ${perFetch(relayT.cpuMs)} ms, ${perFetch(relayT.faults)} faults; ssh ${perFetch(sshT.cpuMs)} ms CPU`);
    console.log(`ratio (ours / ssh -L, median): ${ratio.toFixed(2)}× — goal ≥ 0.8× ${ratio >= 0.8 ? 'MET' : 'NOT MET'}`);
  } finally {
    listener?.close();
    relay?.close();
    transport.dispose();
    for (const c of children) c.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
