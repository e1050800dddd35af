// Shared pieces of the log-follower integration tests: a real ssh2 transport to the bundled cluster,
// jobs submitted with sbatch into a private folder (only our own job ids are touched), and a sink
// that records what a follower delivered, byte for byte.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { probeCluster, type ClusterContext } from '../../src/slurm';
import type { SshTransport } from '../../src/transport/sshTransport';
import { JobLogFollower, type FollowerSink, type JobLogFollowerOptions, type LogTarget } from '../../src/logs/jobLogFollower';
import { JobStatusWatcher, slurmJobStatusLookup } from '../../src/logs/jobStatus';
import { TailMux } from '../../src/logs/tailMux';
import type { LogStream } from '../../src/logs/logOutput';
import { sshRun, type Bed } from './bed';
import { bedProfile, deps, sshTransport } from './transport-support';

export const fastReconnect = { ssh: { backoff: { initialMs: 100, maxMs: 1_000, factor: 2, maxAttempts: 10 } } };

export function newTransport(bed: Bed): SshTransport {
  return sshTransport(bedProfile(bed), deps(), { defaultTimeoutMs: 30_000, ...fastReconnect });
}

export class RecordingSink implements FollowerSink {
  readonly chunks: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  readonly notices: string[] = [];
  ended = false;
  /** Arrival time of each chunk, for latency checks. */
  readonly arrivals: { at: number; bytes: Buffer }[] = [];
  data(stream: LogStream, chunk: Buffer): void {
    this.chunks[stream].push(chunk);
    this.arrivals.push({ at: Date.now(), bytes: chunk });
  }
  notice(text: string): void {
    this.notices.push(text);
  }
  end(): void {
    this.ended = true;
  }
  bytes(stream: LogStream): Buffer {
    return Buffer.concat(this.chunks[stream]);
  }
}

/** A private folder under the test user's home for one test file's jobs; removed by `cleanup`. */
export class JobBench {
  readonly dir: string;
  readonly jobIds: string[] = [];
  ctx!: ClusterContext;
  /** The cluster's shared tail multiplexer, as the extension uses it (followers default to it). */
  readonly tails: TailMux;

  constructor(
    readonly bed: Bed,
    readonly transport: SshTransport,
    tag: string,
  ) {
    this.dir = `${bed.home}/swb-logs-${tag}-${randomBytes(4).toString('hex')}`;
    this.tails = new TailMux(transport, { idleMs: 1_000 });
  }

  async setup(): Promise<void> {
    const r = await sshRun(`mkdir -p '${this.dir}'`, { bed: this.bed });
    assert.equal(r.code, 0, r.stderr);
    this.ctx = await probeCluster(this.transport, { timeoutMs: 30_000 });
  }

  /** sbatch with the given options and script body; returns the job id. */
  async submit(options: string[], body: string): Promise<string> {
    const script = `#!/bin/bash\n${body}\n`;
    const r = await this.transport.exec(['sbatch', '--parsable', `--chdir=${this.dir}`, ...options], { stdin: script, timeoutMs: 30_000 });
    assert.equal(r.code, 0, `sbatch failed: ${r.stderr}`);
    const id = r.stdout.trim().split(';')[0];
    assert.match(id, /^\d+$/);
    this.jobIds.push(id);
    return id;
  }

  watcher(intervalMs = 1_000): JobStatusWatcher {
    return new JobStatusWatcher(slurmJobStatusLookup(this.transport, async () => this.ctx, { timeoutMs: 30_000 }), intervalMs);
  }

  follower(watcher: JobStatusWatcher, target: LogTarget, sink: FollowerSink, options: Partial<JobLogFollowerOptions> = {}): JobLogFollower {
    return new JobLogFollower(this.transport, watcher, target, sink, { tailLines: 1000, bigFileBytes: 2 * 1024 * 1024, drainTimeoutMs: 30_000, tails: this.tails, ...options });
  }

  async cat(path: string): Promise<Buffer> {
    return this.transport.readFile(path, { timeoutMs: 30_000 });
  }

  async cleanup(): Promise<void> {
    this.tails.dispose();
    if (this.jobIds.length) await sshRun(`scancel ${this.jobIds.join(' ')}`, { bed: this.bed });
    await sshRun(`rm -rf '${this.dir}'`, { bed: this.bed });
  }
}

/** Remote `tail -F` processes of the test user that follow files under `dir`. */
export async function remoteTailsUnder(bed: Bed, dir: string): Promise<string[]> {
  const r = await sshRun('ps -u "$(id -un)" -o pid=,args=', { bed });
  return r.stdout.split('\n').filter((l) => /\btail -F\b/.test(l) && l.includes(dir));
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not reached in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
