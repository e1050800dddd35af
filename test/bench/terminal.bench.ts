// Keystroke echo latency in the login-node terminal (Transport.openPty over the profile's ssh2
// connection) vs OpenSSH `ssh -tt` to the same sshd and user, in the same run, interleaved so both
// see the same load: one key is written, the clock stops when the shell's echo of it arrives.
// Goal (issue 19): ours ≤ 1.2× OpenSSH's median.
import { spawn } from 'node:child_process';
import { parseSshConfig } from '../../src/config/sshConfig';
import { readBed, sshOptions } from '../integration/bed';
import { bedTransport } from '../integration/bedTransport';

const N = 200;

interface Keyboard {
  write(data: string): void;
  output(): string;
  /** Resolves when output past `from` contains `text`. */
  waitFor(text: string, from: number, ms?: number): Promise<void>;
  close(): void;
}

function keyboard(write: (d: string) => void, close: () => void): Keyboard & { push(d: Buffer): void } {
  let out = '';
  let waiters: (() => void)[] = [];
  return {
    push(d) {
      out += d.toString('utf8');
      for (const w of waiters.splice(0)) w();
    },
    write,
    output: () => out,
    async waitFor(text, from, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!out.slice(from).includes(text)) {
        if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} within ${ms} ms; screen: ${JSON.stringify(out.slice(-300))}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1_000);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
    close() {
      waiters = [];
      close();
    },
  };
}

async function ready(k: Keyboard): Promise<void> {
  for (let i = 0; ; i++) {
    const from = k.output().length;
    k.write(`echo sw""b-ready-${i}\r`);
    try {
      await k.waitFor(`swb-ready-${i}\r\n`, from, 5_000);
      return;
    } catch (err) {
      if (i > 10) throw err;
    }
  }
}

/** One key's round trip, in ms. Letters a-z in turn; the line is cleared (Ctrl-U) every 20 keys. */
async function echoOnce(k: Keyboard, i: number): Promise<number> {
  if (i % 20 === 0) {
    const from = k.output().length;
    k.write('\x15echo sw""b-clear\r');
    await k.waitFor('swb-clear\r\n', from);
    await new Promise((r) => setTimeout(r, 50)); // let the prompt arrive before timing the next key
  }
  const key = String.fromCharCode(97 + (i % 26));
  const from = k.output().length;
  const t0 = performance.now();
  k.write(key);
  await k.waitFor(key, from);
  return performance.now() - t0;
}

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
  return { median: at(0.5), p95: at(0.95) };
}

export default async function (): Promise<void> {
  const bed = readBed();
  const transport = bedTransport(bed, 'bench-term', { sshConfig: parseSshConfig(''), env: { agentSocket: '' } });
  let ours: (Keyboard & { push(d: Buffer): void }) | undefined;
  let theirs: (Keyboard & { push(d: Buffer): void }) | undefined;
  try {
    const pty: { handle?: { write(d: string): void; close(): void } } = {};
    ours = keyboard((d) => pty.handle?.write(d), () => pty.handle?.close());
    const o = ours;
    pty.handle = await transport.openPty(undefined, { cols: 120, rows: 40 }, { onData: (d) => o.push(d), onExit: () => undefined }, { timeoutMs: 60_000 });

    const child = spawn('ssh', ['-tt', ...sshOptions(bed, 'key'), '-p', String(bed.sshPort), `${bed.user}@${bed.sshHost}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    theirs = keyboard((d) => child.stdin.write(d), () => child.kill());
    const t = theirs;
    child.stdout.on('data', (d: Buffer) => t.push(d));
    child.stderr.on('data', () => undefined);

    await ready(ours);
    await ready(theirs);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < N; i++) {
      a.push(await echoOnce(ours, i));
      b.push(await echoOnce(theirs, i));
    }
    const sa = stats(a);
    const sb = stats(b);
    console.log(`keystroke echo, ${N} keys each, interleaved (login shell on ${bed.sshHost}:${bed.sshPort})`);
    console.log(`  ours (ssh2 pty over the profile's connection): median ${sa.median.toFixed(2)} ms, p95 ${sa.p95.toFixed(2)} ms`);
    console.log(`  OpenSSH ssh -tt:                               median ${sb.median.toFixed(2)} ms, p95 ${sb.p95.toFixed(2)} ms`);
    console.log(`  ratio ours/OpenSSH: median ${(sa.median / sb.median).toFixed(2)}× (goal ≤ 1.2×), p95 ${(sa.p95 / sb.p95).toFixed(2)}×`);
  } finally {
    ours?.close();
    theirs?.close();
    transport.dispose();
  }
}
