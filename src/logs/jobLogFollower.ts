/**
 * Follows one job's logs from start to end:
 *
 *   waiting (job pending) → following (one FileTail per distinct file) → draining → ended
 *
 * It starts the remote `tail` only once the job has left PENDING (a pending job may wait for days;
 * it must not hold one of the connection's few stream slots). It ends by itself only when Slurm
 * says the job is finished AND every file has been read up to the size the login node reports —
 * never because the log went quiet. The last line says the job's end state and exit code.
 */
import { Emitter } from '../core/disposable';
import { errorMessage } from '../core/errors';
import type { Transport } from '../transport/types';
import { accountingDisabledOn } from '../slurm/accounting';
import { FileTail, type FileTailNotice } from './fileTail';
import { directTails, type TailSource } from './tailMux';
import type { JobStatus, JobStatusWatcher } from './jobStatus';
import type { LogStream } from './logOutput';
import { logProbeArgv, parseLogProbe, type LogProbe } from './remoteLogCommands';

export interface LogTarget {
  profileName: string;
  /** As Slurm prints it: 123 or 123_4. */
  jobId: string;
  jobName: string;
  stdoutPath: string;
  /** Same as stdoutPath when the job writes both streams to one file. */
  stderrPath: string;
}

/** Where the follower's output goes (see LogOutput). */
export interface FollowerSink {
  data(stream: LogStream, chunk: Buffer): void;
  /** A status line of ours; `stream` says which file it is about, when it is about one. */
  notice(text: string, stream?: LogStream): void;
  /** The files are closed; flush what is buffered. */
  end(): void;
}

export interface JobLogFollowerOptions {
  /** Start a file bigger than bigFileBytes at its last `tailLines` lines (0 = always from the start). */
  tailLines: number;
  bigFileBytes: number;
  /** After the job finished, how long to wait for the rest of a file before giving up. */
  drainTimeoutMs?: number;
  /** Status checks in a row that find no trace of the job before following stops. */
  unknownJobChecks?: number;
  sleepSeconds?: number;
  probeTimeoutMs?: number;
  /** Where the remote tails come from: the cluster's shared multiplexer, or one channel per file (default). */
  tails?: TailSource;
}

export type FollowerState = 'waiting' | 'following' | 'draining' | 'ended' | 'stopped' | 'failed';

export interface FollowerEnd {
  state: 'ended' | 'stopped' | 'failed';
  status?: JobStatus;
  message: string;
}

interface FollowedFile {
  streams: LogStream[];
  path: string;
  tail?: FileTail;
  /** Not followable (unreadable, a directory); reported once. */
  skipped?: boolean;
}

export class JobLogFollower {
  private readonly endEmitter = new Emitter<FollowerEnd>();
  readonly onDidEnd = this.endEmitter.event;
  private readonly stateEmitter = new Emitter<FollowerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private currentState: FollowerState = 'waiting';
  private readonly files: FollowedFile[];
  private watch: { dispose(): void } | undefined;
  private lastStatus: JobStatus | undefined;
  private misses = 0;
  private announcedPending = false;
  private starting: Promise<void> | undefined;
  private drainStarted = false;
  private readonly abort = new AbortController();
  private endResult: FollowerEnd | undefined;
  private readonly ended: Promise<FollowerEnd>;
  private resolveEnded!: (end: FollowerEnd) => void;

  constructor(
    private readonly transport: Transport,
    private readonly watcher: JobStatusWatcher,
    readonly target: LogTarget,
    private readonly sink: FollowerSink,
    private readonly options: JobLogFollowerOptions,
  ) {
    this.files =
      target.stderrPath === target.stdoutPath
        ? [{ streams: ['stdout', 'stderr'], path: target.stdoutPath }]
        : [
            { streams: ['stdout'], path: target.stdoutPath },
            { streams: ['stderr'], path: target.stderrPath },
          ];
    this.ended = new Promise((r) => (this.resolveEnded = r));
  }

  get state(): FollowerState {
    return this.currentState;
  }

  get status(): JobStatus | undefined {
    return this.lastStatus;
  }

  /** Bytes received per file path (the resume offsets). */
  get offsets(): Record<string, number> {
    return Object.fromEntries(this.files.map((f) => [f.path, f.tail?.offset ?? 0]));
  }

  /** Remote tail processes running now. */
  get runningTails(): number {
    return this.files.filter((f) => f.tail?.isRunning).length;
  }

  /** Resolves when following ended, whichever way. */
  whenEnded(): Promise<FollowerEnd> {
    return this.ended;
  }

  start(): void {
    if (this.watch || this.endResult) return;
    this.sink.notice(`Following ${this.target.jobId} (${this.target.jobName}) on ${this.target.profileName}`);
    this.watch = this.watcher.watch(this.target.jobId, (status) => this.onStatus(status));
  }

  /** Stops following now (the user closed the channel or ran Stop Following). */
  async stop(message = 'Stopped following.'): Promise<FollowerEnd> {
    if (this.endResult) return this.endResult;
    await this.finish({ state: 'stopped', status: this.lastStatus, message });
    return this.ended;
  }

  private setState(state: FollowerState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  private onStatus(status: JobStatus | undefined): void {
    if (this.endResult) return;
    if (!status) {
      this.misses++;
      if (this.misses >= (this.options.unknownJobChecks ?? 5)) {
        // Without accounting Slurm forgets a job MinJobAge after its end: say that sacct was not there to ask.
        const known = accountingDisabledOn(this.transport) === undefined ? 'squeue or sacct' : 'squeue (this cluster has no Slurm accounting)';
        void this.finish({ state: 'failed', message: `Job ${this.target.jobId} is not known to ${known} on ${this.target.profileName}; stopped following.` });
      }
      return;
    }
    this.misses = 0;
    this.lastStatus = status;
    if (status.phase === 'pending') {
      if (!this.announcedPending) {
        this.announcedPending = true;
        this.sink.notice(`Waiting for job ${status.id} to start (${status.state}${status.reason ? `, ${status.reason}` : ''})…`);
      }
      return;
    }
    this.starting ??= this.startTails();
    if (status.phase === 'finished' && !this.drainStarted) {
      this.drainStarted = true;
      void this.starting.then(() => this.drain(status));
    }
  }

  private async startTails(): Promise<void> {
    this.setState('following');
    await Promise.all(
      this.files.map(async (file) => {
        let probe: LogProbe | undefined;
        try {
          probe = await this.probe(file.path, this.options.tailLines);
        } catch (err) {
          this.sink.notice(`Could not inspect ${file.path}: ${errorMessage(err)}; following it from its start.`, file.streams[0]);
        }
        if (this.endResult) return;
        if (probe?.kind === 'unreadable' || probe?.kind === 'notfile') {
          file.skipped = true;
          this.sink.notice(`Cannot follow ${file.path}: ${probe.kind === 'notfile' ? 'it is a directory' : 'permission denied'}.`, file.streams[0]);
          return;
        }
        if (probe?.kind === 'missing' && this.lastStatus?.phase !== 'finished') {
          this.sink.notice(`Waiting for ${file.path} to appear…`, file.streams[0]);
        }
        const startOffset = probe?.kind === 'file' ? probe.startOffset : 0;
        if (probe?.kind === 'file' && startOffset > 0) {
          this.sink.notice(
            `${file.path} is ${formatBytes(probe.size)}: showing its last ${this.options.tailLines} lines (from byte ${startOffset}).`,
            file.streams[0],
          );
        }
        file.tail = new FileTail(
          this.options.tails ?? directTails(this.transport),
          file.path,
          {
            onData: (chunk) => {
              // One file carrying both streams is shown as stdout (Slurm merged them already).
              this.sink.data(file.streams[0], chunk);
            },
            onNotice: (n) => this.onTailNotice(file, n),
          },
          { startOffset, sleepSeconds: this.options.sleepSeconds },
        );
        file.tail.start();
      }),
    );
    if (!this.endResult && this.files.every((f) => f.skipped)) {
      await this.finish({ state: 'failed', status: this.lastStatus, message: `None of the job's log files can be read.` });
    }
  }

  private onTailNotice(file: FollowedFile, n: FileTailNotice): void {
    const stream = file.streams[0];
    switch (n.kind) {
      case 'interrupted':
        this.sink.notice(`Connection lost (${n.reason}); will resume ${file.path} at byte ${n.atByte}.`, stream);
        break;
      case 'resumed':
        this.sink.notice(`Resumed ${file.path} at byte ${n.atByte}.`, stream);
        break;
      case 'openFailed':
        this.sink.notice(`Could not start following ${file.path}: ${n.reason}. Retrying in ${Math.round(n.retryInMs / 1000)} s.`, stream);
        break;
      case 'tail': {
        const m = n.message;
        if (m.kind === 'restarted') {
          const what = m.why === 'truncated' ? 'was truncated' : m.why === 'replaced' ? 'was replaced' : 'appeared';
          this.sink.notice(`${file.path} ${what}; following it from its start.`, stream);
        } else if (m.kind === 'unreadable') {
          this.sink.notice(`Cannot read ${file.path}: permission denied.`, stream);
        } else if (m.kind === 'other') {
          this.sink.notice(m.text, stream);
        }
        // 'waiting' was announced by the probe; 'info' (inotify fallback) is not the user's business.
        break;
      }
    }
  }

  private async drain(status: JobStatus): Promise<void> {
    if (this.endResult) return;
    this.setState('draining');
    const deadline = Date.now() + (this.options.drainTimeoutMs ?? 15_000);
    await Promise.all(
      this.files.map(async (file) => {
        if (!file.tail) return;
        for (;;) {
          if (this.endResult) return;
          let probe: LogProbe | undefined;
          try {
            probe = await this.probe(file.path, 0);
          } catch {
            probe = undefined; // try again until the deadline
          }
          if (probe?.kind === 'missing') {
            this.sink.notice(`The job ended without writing ${file.path}.`, file.streams[0]);
            break;
          }
          if (probe?.kind === 'file' && file.tail.offset >= probe.size) break;
          if (Date.now() > deadline) {
            this.sink.notice(`Stopped waiting for the rest of ${file.path} (${probe?.kind === 'file' ? `${file.tail.offset} of ${probe.size} bytes received` : 'size unknown'}).`, file.streams[0]);
            break;
          }
          await sleep(150, this.abort.signal);
        }
        await file.tail.stop();
      }),
    );
    if (this.endResult) return;
    const exit = status.exitCode ? `, exit code ${status.exitCode}` : '';
    await this.finish({ state: 'ended', status, message: `Job ${status.id} ${status.state}${exit}.` });
  }

  private async probe(path: string, tailLines: number): Promise<LogProbe> {
    const result = await this.transport.exec(logProbeArgv(path, tailLines, this.options.bigFileBytes), {
      timeoutMs: this.options.probeTimeoutMs ?? 30_000,
      signal: this.abort.signal,
      label: 'log probe',
      idempotent: true,
    });
    if (result.code !== 0) throw new Error(result.stderr.trim() || `exit ${result.code}`);
    return parseLogProbe(result.stdout.split('\n')[0] ?? '');
  }

  private async finish(end: FollowerEnd): Promise<void> {
    if (this.endResult) return;
    this.endResult = end;
    this.watch?.dispose();
    this.abort.abort();
    await Promise.all(this.files.map((f) => f.tail?.stop()));
    this.sink.end();
    this.sink.notice(end.message);
    this.setState(end.state);
    this.resolveEnded(end);
    this.endEmitter.fire(end);
    this.endEmitter.dispose();
    this.stateEmitter.dispose();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
