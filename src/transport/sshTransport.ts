/**
 * ONE authenticated ssh2 connection per cluster; exec, streams and SFTP are channels on it.
 *
 * - Channels are bounded below sshd's MaxSessions (10): at most `maxChannels` (8) open at once,
 *   streams at most `maxStreams` of those so long-lived log followers cannot starve commands.
 *   Work beyond the bound queues. Every channel is closed, whatever happens.
 * - After a drop the connection is re-established with exponential backoff (state `reconnecting`)
 *   and queued work resumes on the new one. Idempotent commands that were running are retried once.
 * - A failed or cancelled login, or a host key problem, is never retried automatically: work fails
 *   fast until the user calls connect() again.
 */
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ClientChannel, SFTPWrapper, Stats } from 'ssh2';
import type { ResolvedSshProfile } from '../config/profile';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { Emitter } from '../core/disposable';
import type { TransportDeps } from './auth';
import { DEFAULT_BACKOFF, backoffDelayMs, sleep, type BackoffPolicy } from './backoff';
import {
  ConnectionLostError,
  DEFAULT_COMMAND_TIMEOUT_MS,
  abortReason,
  raceSignal,
  renderCommand,
  startDeadline,
  stripHome,
  wholeSecondsStamp,
} from './commandRunner';
import { HostKeyError } from './knownHosts';
import { AuthCancelledError, AuthFailedError } from './sshAuth';
import { connectChain, type ConnectTimings, type SshConnection } from './sshConnect';
import { Semaphore, type Release } from './semaphore';
import { killScript } from './remoteProcess';
import { BOOTSTRAP_COMMAND, MarkerGate, frameScript, newMarker } from './remoteScript';
import { isNoSuchFile, sftpCall, sftpMkdirp, sftpRename } from './sftpOps';
import { isSftpUnusable, parseShellStat, shellMkdirArgv, shellReadArgv, shellStatArgv, shellWriteArgv } from './shellFileOps';
import type {
  ConnectionState,
  ExecOptions,
  ExecResult,
  FileOptions,
  WriteFileOptions,
  FileStat,
  StreamHandle,
  StreamHandlers,
  StreamOptions,
  Transport,
} from './types';


/** Exit status of each exec channel, recorded as soon as the channel exists (see openExecChannel). */
const exitStatuses = new WeakMap<ClientChannel, { code: number | null; signal?: string }>();
/** Retries of a refused channel open: 10, 20, 40, ... 640 ms. */
const OPEN_RETRIES = 7;

export interface SshTransportOptions {
  resolved: ResolvedSshProfile;
  deps: TransportDeps;
  /** Concurrent channels (exec + streams + SFTP); keep below sshd's MaxSessions (default 10). */
  maxChannels?: number;
  /** Of those, at most this many long-lived streams. */
  maxStreams?: number;
  timings?: Partial<ConnectTimings>;
  backoff?: BackoffPolicy;
  defaultTimeoutMs?: number;
  /** Close the SFTP session after this long unused (it holds a channel). */
  sftpIdleMs?: number;
  /**
   * This transport is the second connection that carries the long-lived streams of a server whose
   * MaxSessions is too small to hold a stream and still run commands (see `streamLane`).
   */
  streamsOnly?: boolean;
}

const REFUSED_OPEN = /open failed|resource shortage|administratively prohibited/i;

/** Errors that must wait for the user (lockouts, MITM): no automatic reconnect. */
function needsUser(err: unknown): boolean {
  return err instanceof AuthFailedError || err instanceof AuthCancelledError || err instanceof HostKeyError;
}

interface Live {
  conn: SshConnection;
  generation: number;
  closed: boolean;
  /** Resolves when this connection closes. */
  closedPromise: Promise<void>;
}

export class SshTransport implements Transport {
  readonly label: string;
  private currentState: ConnectionState = { kind: 'disconnected' };
  private readonly stateEmitter = new Emitter<ConnectionState>();
  readonly onDidChangeState = this.stateEmitter.event;

  private live: Live | undefined;
  private pending: Promise<Live> | undefined;
  private blocked: Error | undefined;
  private generation = 0;
  private disposed = false;
  private readonly lifetime = new AbortController();
  private readonly channels: Semaphore;
  private readonly killSlot: Semaphore;
  private readonly streams: Semaphore;
  private openChannelCount = 0;
  private readonly closeWaiters: (() => void)[] = [];
  /** Sessions the server allows per connection, measured once per connection before the first stream. */
  private sessionLimit: { generation: number; limit: Promise<number> } | undefined;
  private lane: SshTransport | undefined;
  /** Why SFTP cannot work on this login, once seen (file operations then use commands). */
  private sftpUnusable: string | undefined;
  private openRetryCount = 0;
  private sftp: { generation: number; session: Promise<SFTPWrapper>; users: number; idle?: NodeJS.Timeout } | undefined;
  private readonly prelude: string | undefined;
  private readonly defaultTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly sftpIdleMs: number;
  /** Separates the login shell's noise from a command's output (see remoteScript.ts). */
  private readonly marker = newMarker();
  private loginNoiseNoted = false;

  constructor(private readonly options: SshTransportOptions) {
    const t = options.resolved.target;
    this.label = `${t.user}@${t.host}:${t.port}`;
    // One slot of the budget is kept for killing timed-out commands, so a full house of hung
    // commands can always be ended.
    const budget = Math.max(2, options.maxChannels ?? 8);
    this.channels = new Semaphore(budget - 1);
    this.killSlot = new Semaphore(1);
    this.streams = options.streamsOnly
      ? new Semaphore(this.channels.capacity)
      : new Semaphore(Math.max(1, Math.min(options.maxStreams ?? 4, this.channels.capacity - 1)));
    this.prelude = options.resolved.profile.prelude;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sftpIdleMs = options.sftpIdleMs ?? 10_000;
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Channels open right now (exec, streams, SFTP). For diagnostics and tests. */
  get openChannels(): number {
    return this.openChannelCount;
  }

  /**
   * The live connection, for diagnostics ("Test connection", tests): the hops it went through and
   * the local TCP port of the first hop's socket (ssh2 keeps the socket private).
   */
  get connectionInfo(): { hops: string[]; localPort?: number } | undefined {
    const live = this.live;
    if (!live || live.closed) return undefined;
    const first = live.conn.chain[0] as unknown as { _sock?: { localPort?: number } };
    return {
      hops: [...this.options.resolved.jumps, this.options.resolved.target].map((h) => `${h.user}@${h.host}:${h.port}`),
      localPort: first._sock?.localPort,
    };
  }

  /** Channel opens the server refused for a moment and that were retried (see openExecChannel). */
  get channelOpenRetries(): number {
    return this.openRetryCount;
  }

  /** Work waiting for a channel slot. */
  get queuedWork(): number {
    return this.channels.waiting + this.streams.waiting;
  }

  private get log() {
    return this.options.deps.logger;
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
    this.log.debug(`[${this.label}] state: ${state.kind}${'attempt' in state ? ` #${state.attempt}` : ''}`);
    this.stateEmitter.fire(state);
  }

  // ---------------------------------------------------------------- connection lifecycle

  async connect(): Promise<void> {
    this.blocked = undefined; // the user is retrying: one more attempt is theirs to make
    await this.ensureConnected();
  }

  async disconnect(): Promise<void> {
    this.pending = undefined;
    const live = this.live;
    this.live = undefined;
    this.closeSftp();
    if (live) {
      live.closed = true;
      live.conn.end();
    }
    this.setState({ kind: 'disconnected' });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.lifetime.abort(new CancelledError(`Connection to ${this.label}`));
    this.channels.rejectWaiters(new CancelledError('Queued command'));
    this.streams.rejectWaiters(new CancelledError('Queued stream'));
    this.lane?.dispose();
    void this.disconnect();
    this.stateEmitter.dispose();
  }

  private ensureConnected(): Promise<Live> {
    if (this.disposed) return Promise.reject(new CancelledError(`Connection to ${this.label}`));
    if (this.live && !this.live.closed) return Promise.resolve(this.live);
    if (this.blocked) return Promise.reject(this.blocked);
    if (!this.pending) {
      const first = this.currentState.kind === 'disconnected' || this.currentState.kind === 'failed';
      this.pending = (first ? this.dialOnce() : this.reconnectLoop(undefined)).finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async dialOnce(): Promise<Live> {
    this.setState({ kind: 'connecting' });
    try {
      return await this.dial();
    } catch (err) {
      if (needsUser(err)) this.blocked = err as Error;
      this.setState({ kind: 'failed', error: errorMessage(err) });
      throw err;
    }
  }

  private async reconnectLoop(reason: string | undefined): Promise<Live> {
    let lastError = reason ?? 'connection lost';
    for (let attempt = 1; attempt <= this.backoff.maxAttempts; attempt++) {
      this.setState({ kind: 'reconnecting', attempt, lastError });
      await sleep(backoffDelayMs(attempt, this.backoff), this.lifetime.signal);
      try {
        return await this.dial();
      } catch (err) {
        lastError = errorMessage(err);
        this.log.warn(`[${this.label}] reconnect attempt ${attempt} failed: ${lastError}`);
        if (needsUser(err) || this.disposed) {
          if (needsUser(err)) this.blocked = err as Error;
          this.setState({ kind: 'failed', error: lastError });
          throw err;
        }
      }
    }
    this.setState({ kind: 'failed', error: lastError });
    throw new UserFacingError(
      `Could not reconnect to ${this.label} after ${this.backoff.maxAttempts} attempts: ${lastError}`,
      'Check the network and the cluster; the next refresh tries again.',
    );
  }

  private async dial(): Promise<Live> {
    const started = Date.now();
    const conn = await connectChain({
      resolved: this.options.resolved,
      deps: this.options.deps,
      timings: this.options.timings,
      signal: this.lifetime.signal,
    });
    if (this.disposed) {
      conn.end();
      throw new CancelledError(`Connection to ${this.label}`);
    }
    conn.client.setMaxListeners(0); // one 'close' listener per running channel
    let markClosed!: () => void;
    const live: Live = {
      conn,
      generation: ++this.generation,
      closed: false,
      closedPromise: new Promise<void>((r) => (markClosed = r)),
    };
    conn.client.once('close', () => {
      const wasCurrent = this.live === live && !live.closed;
      live.closed = true;
      markClosed();
      if (!wasCurrent) return;
      this.live = undefined;
      this.closeSftp();
      this.log.warn(`[${this.label}] connection lost`);
      if (this.disposed) return;
      // Start reconnecting now so the UI shows it and queued work resumes as soon as possible.
      if (!this.pending) {
        this.pending = this.reconnectLoop('connection lost').finally(() => {
          this.pending = undefined;
        });
        this.pending.catch(() => undefined);
      }
    });
    this.live = live;
    this.log.info(`[${this.label}] connected in ${Date.now() - started} ms`);
    this.setState({ kind: 'connected' });
    return live;
  }

  // ---------------------------------------------------------------- channels

  /**
   * Opens an exec channel. A refused open ("open failed") means the server's session limit is
   * reached — we never start the command then, so retrying is always safe:
   * - sshd frees a session only after it has processed our CHANNEL_CLOSE, so under heavy churn an
   *   open is briefly refused although we hold fewer than `maxChannels`: a short retry.
   * - A server with a small MaxSessions (1 or 2 at some sites) refuses while our own channels hold
   *   its sessions: an idle SFTP session is closed at once, the channel bound shrinks to what the
   *   server allows, and the open waits for one of ours to close (bounded by the caller's signal),
   *   so work queues on the one connection instead of failing.
   */
  private async openExecChannel(live: Live, script: string, signal?: AbortSignal): Promise<ClientChannel> {
    let refusals = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const channel = await new Promise<ClientChannel>((resolve, reject) => {
          live.conn.client.exec(BOOTSTRAP_COMMAND, (err, channel) => {
            if (err) return reject(err);
            this.openChannelCount++;
            // Listen for the exit status right here, synchronously: ssh2 parses a whole TCP chunk at
            // once, so a fast command's CHANNEL_SUCCESS, output and exit-status can arrive together,
            // and the 'exit' event would fire before an awaiting caller attached its listener
            // (seen as ~10-20 % of parallel execs "without an exit status"). Output is buffered by the
            // stream; the exit event is not.
            channel.on('exit', (code: number | null, sig?: string) => {
              exitStatuses.set(channel, typeof code === 'number' ? { code } : { code: null, ...(sig ? { signal: sig } : {}) });
            });
            channel.once('close', () => this.channelClosed());
            resolve(channel);
          });
        });
        // The script travels on stdin (see remoteScript.ts); the caller's input follows it.
        channel.write(frameScript(script, this.marker));
        return channel;
      } catch (err) {
        const refused = REFUSED_OPEN.test(errorMessage(err));
        if (!refused || live.closed || signal?.aborted) throw err;
        this.openRetryCount++;
        refusals++;
        const ours = this.openChannelCount;
        if (ours > 0) {
          // Twice in a row with only one or two of ours open: that is the server's limit, not lag.
          if (refusals >= 2 && ours <= 2 && ours < this.channels.capacity) {
            this.log.info(`[${this.label}] the server allows only ${ours} session(s) per connection (MaxSessions); work queues`);
            this.channels.resize(ours);
          }
          this.closeIdleSftp();
          this.log.trace(`[${this.label}] channel refused by the server with ${ours} of ours open: waiting for one to close`);
          await this.nextChannelClose(Math.min(1_000, 10 * 2 ** attempt), signal);
          continue;
        }
        if (attempt >= OPEN_RETRIES) throw err;
        this.log.trace(`[${this.label}] channel refused by the server (session limit lag), retry ${attempt + 1}`);
        await sleep(10 * 2 ** attempt);
      }
    }
  }

  private channelClosed(): void {
    this.openChannelCount--;
    for (const wake of this.closeWaiters.splice(0)) wake();
  }

  /** Resolves when one of our channels closes, after `maxMs`, or when `signal` aborts. */
  private nextChannelClose(maxMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      signal?.addEventListener('abort', done, { once: true });
      this.closeWaiters.push(done);
    });
  }

  /** Waits for a connection and a channel slot; the slot is released by the caller. */
  private async acquire(sem: Semaphore, signal: AbortSignal, what: string): Promise<{ live: Live; release: Release }> {
    await raceSignal(this.ensureConnected(), signal, what);
    if (sem.active >= sem.capacity) this.closeIdleSftp(); // an unused SFTP session must not make work wait
    const release = await sem.acquire(signal);
    try {
      // The connection may have changed while we queued.
      const live = await raceSignal(this.ensureConnected(), signal, what);
      return { live, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Runs a script on a new channel. `onEnd` fires once: when the channel closes, or when the
   * connection drops (with ConnectionLostError). `release` is called once the channel is really
   * gone, so the slot count always matches what sshd sees.
   */
  private async startChannel(
    live: Live,
    script: string,
    what: string,
    release: Release,
    io: { onStdout(d: Buffer): void; onStderr(d: Buffer): void; onEnd(exit: { code: number | null; signal?: string }, error?: Error): void },
    signal?: AbortSignal,
  ): Promise<{ channel: ClientChannel; stop(): void }> {
    let channel: ClientChannel;
    try {
      channel = await this.openExecChannel(live, script, signal);
    } catch (err) {
      release();
      if (live.closed) throw new ConnectionLostError(what, this.label);
      throw new UserFacingError(`Could not start ${what} on ${this.label}: ${errorMessage(err)}`, 'Try again; if it persists, reconnect.');
    }
    const outGate = new MarkerGate(this.marker);
    const errGate = new MarkerGate(this.marker);
    let exit: { code: number | null; signal?: string } = { code: null };
    let error: Error | undefined;
    let ended = false;
    let stopRequested = false;
    const client = live.conn.client;
    const end = (): void => {
      if (ended) return;
      ended = true;
      client.removeListener('close', onConnClose);
      const out = outGate.flush();
      if (out.length > 0) io.onStdout(out);
      const rest = errGate.flush();
      if (rest.length > 0) io.onStderr(rest);
      this.noteLoginNoise(outGate.noise.length + errGate.noise.length);
      io.onEnd(exit, error);
    };
    const onConnClose = (): void => {
      error ??= new ConnectionLostError(what, this.label);
      release();
      end();
    };
    channel.on('data', (d: Buffer) => {
      const own = outGate.push(d);
      if (own.length > 0) io.onStdout(own);
    });
    let killSent = false;
    const killIfKnown = (): void => {
      const pid = errGate.pid;
      if (killSent || pid === undefined || live.closed) return;
      killSent = true;
      // The channel closes once the process group is gone, so a freed slot means a finished process.
      void this.killRemote(live, pid, what).finally(() => channel.close());
    };
    channel.stderr.on('data', (d: Buffer) => {
      const own = errGate.push(d);
      if (stopRequested) killIfKnown(); // stopped before the pid report arrived
      if (own.length > 0) io.onStderr(own);
    });
    channel.on('error', (err: Error) => {
      error ??= err;
    });
    channel.once('close', () => {
      exit = exitStatuses.get(channel) ?? exit;
      release();
      end();
    });
    client.once('close', onConnClose);
    const stop = (): void => {
      if (stopRequested || ended) return;
      stopRequested = true;
      try {
        channel.signal('TERM'); // honoured by some servers; the pid kill below works everywhere
      } catch {
        // channel already closing
      }
      killIfKnown();
      // Before its pid report the script is still starting (a slow login): the report comes first,
      // so wait a moment for it; a login that never gets there has nothing of ours to kill.
      if (!killSent) setTimeout(() => (killSent ? undefined : channel.close()), 3_000).unref();
    };
    return { channel, stop };
  }

  /** Says once per transport that the login prints on its own (a dotfile banner): useful when debugging a site. */
  private noteLoginNoise(bytes: number): void {
    if (bytes === 0 || this.loginNoiseNoted) return;
    this.loginNoiseNoted = true;
    this.log.info(`[${this.label}] the login shell prints ${bytes} bytes before each command (startup files or banner); ignored`);
  }

  /** Kills a remote process group over a reserved channel slot (never queued behind the work it ends). */
  private async killRemote(live: Live, pid: number, what: string): Promise<void> {
    const release = await this.killSlot.acquire();
    try {
      const channel = await this.openExecChannel(live, killScript(pid));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => channel.close(), 5_000);
        channel.on('data', () => undefined);
        channel.stderr.on('data', () => undefined);
        channel.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        channel.end();
      });
    } catch (err) {
      this.log.warn(`[${this.label}] could not stop ${what} (pid ${pid}): ${errorMessage(err)}`);
    } finally {
      release();
    }
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const what = options.label ?? argv[0] ?? 'command';
    const script = renderCommand(argv, this.prelude, options.environment);
    const deadline = startDeadline(what, options.timeoutMs ?? this.defaultTimeoutMs, options.signal);
    const run = async (): Promise<ExecResult> => {
      try {
        return await this.execOnce(script, what, options, deadline.signal);
      } catch (err) {
        if (err instanceof ConnectionLostError && options.idempotent && !deadline.signal.aborted) {
          this.log.info(`[${this.label}] ${what}: connection lost, retrying once (idempotent)`);
          return await this.execOnce(script, what, options, deadline.signal);
        }
        throw err;
      }
    };
    return run().finally(() => deadline.dispose());
  }

  private async execOnce(script: string, what: string, options: ExecOptions, signal: AbortSignal): Promise<ExecResult> {
    const { live, release } = await this.acquire(this.channels, signal, what);
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let settled = false;
      let stop: (() => void) | undefined;
      const onAbort = (): void => {
        // Fail now; the channel (and its slot) goes once the remote process is gone.
        settle(abortReason(signal, what));
        stop?.();
      };
      const settle = (error: Error | undefined, exit?: { code: number | null; signal?: string }): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        const ms = Date.now() - started;
        if (error) {
          this.log.debug(`[${this.label}] ${what} failed after ${ms} ms: ${error.message}`);
          return reject(error);
        }
        this.log.trace(`[${this.label}] ${what}: exit ${exit?.code ?? exit?.signal ?? '?'} in ${ms} ms`);
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          code: exit?.code ?? null,
          ...(exit?.signal ? { signal: exit.signal } : {}),
        });
      };
      this.startChannel(live, script, what, release, {
        onStdout: (d) => stdout.push(d),
        onStderr: (d) => stderr.push(d),
        onEnd: (exit, error) => settle(error, exit),
      }, signal).then(
        (started) => {
          stop = started.stop;
          if (signal.aborted) onAbort();
          else if (settled) stop();
          else signal.addEventListener('abort', onAbort, { once: true });
          if (options.stdin !== undefined) started.channel.end(options.stdin);
          else started.channel.end();
        },
        (err: unknown) => settle(err as Error),
      );
    });
  }

  /**
   * A stream holds its channel for as long as it runs. Where the server allows only one or two
   * sessions per connection, a stream on the main connection would leave nothing for the poll and
   * the user's actions, so streams go over a second connection to the same host (same profile, same
   * authentication; with the tail multiplexer all logs share one channel there).
   */
  private async streamLane(signal: AbortSignal): Promise<SshTransport | undefined> {
    if (this.options.streamsOnly) return undefined;
    const live = await raceSignal(this.ensureConnected(), signal, 'stream');
    if (this.sessionLimit?.generation !== live.generation) {
      this.sessionLimit = { generation: live.generation, limit: this.probeSessionLimit(live) };
    }
    const limit = await raceSignal(this.sessionLimit.limit, signal, 'stream');
    if (limit > 2) return undefined;
    if (!this.lane) {
      this.log.info(`[${this.label}] the server allows ${limit} session(s) per connection: log streams use a second connection`);
      this.lane = new SshTransport({ ...this.options, streamsOnly: true });
    }
    return this.lane;
  }

  /**
   * How many sessions (up to 3) the server lets this connection open: three trivial scripts at once,
   * counting the opens it refuses, plus the channels we already hold. Waits until they are closed
   * so they do not hold sessions afterwards.
   */
  private async probeSessionLimit(live: Live): Promise<number> {
    const ours = this.openChannelCount;
    const accepted = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<boolean>((resolve) => {
            live.conn.client.exec(BOOTSTRAP_COMMAND, (err, channel) => {
              if (err) return resolve(!REFUSED_OPEN.test(errorMessage(err)));
              const timer = setTimeout(() => channel.close(), 10_000);
              channel.on('data', () => undefined);
              channel.stderr.on('data', () => undefined);
              channel.once('close', () => {
                clearTimeout(timer);
                resolve(true);
              });
              channel.end(frameScript('exit 0', this.marker));
            });
          }),
      ),
    );
    const limit = accepted.filter(Boolean).length + ours;
    this.log.debug(`[${this.label}] session limit probe: ${limit >= 3 ? '3 or more' : limit}`);
    return limit;
  }

  async stream(argv: readonly string[], handlers: StreamHandlers, options: StreamOptions = {}): Promise<StreamHandle> {
    const what = argv[0] ?? 'stream';
    const script = renderCommand(argv, this.prelude);
    const signal = options.signal ?? new AbortController().signal;
    const lane = await this.streamLane(signal);
    if (lane) return lane.stream(argv, handlers, options);
    const streamSlot = await this.streams.acquire(signal);
    let slot: { live: Live; release: Release };
    try {
      slot = await this.acquire(this.channels, signal, what);
    } catch (err) {
      streamSlot();
      throw err;
    }
    let onAbort: () => void = () => undefined;
    const release = (): void => {
      slot.release();
      streamSlot();
    };
    let releasedOnce = false;
    const started = await this.startChannel(slot.live, script, what, () => {
      if (releasedOnce) return;
      releasedOnce = true;
      release();
    }, {
      onStdout: (d) => handlers.onStdout(d),
      onStderr: (d) => handlers.onStderr?.(d),
      onEnd: (exit, error) => {
        signal.removeEventListener('abort', onAbort);
        handlers.onExit?.({ ...exit, ...(error ? { error } : {}) });
      },
    }, signal).catch((err: unknown) => {
      streamSlot();
      throw err;
    });
    onAbort = started.stop;
    signal.addEventListener('abort', onAbort, { once: true });
    if (!options.interactive) started.channel.end();
    const channel = started.channel;
    return {
      close: started.stop,
      dispose: started.stop,
      write: (data) => {
        if (!options.interactive) throw new Error(`${what}: stdin is closed (not an interactive stream)`);
        if (channel.writable) channel.write(data);
      },
    };
  }

  // ---------------------------------------------------------------- SFTP

  /** Frees the session an unused SFTP channel holds (a server with few sessions needs it now). */
  private closeIdleSftp(): void {
    if (this.sftp && this.sftp.users === 0) this.closeSftp();
  }

  private closeSftp(): void {
    const s = this.sftp;
    this.sftp = undefined;
    if (!s) return;
    if (s.idle) clearTimeout(s.idle);
    s.session.then((sftp) => sftp.end(), () => undefined);
  }

  /** Runs fn with the shared SFTP session (one channel, opened on demand, closed when idle). */
  private async withSftp<T>(what: string, options: FileOptions, fn: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const deadline = startDeadline(what, options.timeoutMs ?? this.defaultTimeoutMs, options.signal);
    try {
      const live = await raceSignal(this.ensureConnected(), deadline.signal, what);
      if (!this.sftp || this.sftp.generation !== live.generation) {
        this.closeSftp();
        const session = this.openSftp(live, deadline.signal);
        this.sftp = { generation: live.generation, session, users: 0 };
        session.catch(() => {
          if (this.sftp?.session === session) this.sftp = undefined;
        });
      }
      const entry = this.sftp;
      entry.users++;
      if (entry.idle) clearTimeout(entry.idle);
      try {
        const sftp = await raceSignal(entry.session, deadline.signal, what);
        return await raceSignal(fn(sftp), deadline.signal, what);
      } catch (err) {
        if (live.closed) throw new ConnectionLostError(what, this.label);
        throw err;
      } finally {
        entry.users--;
        if (entry.users === 0 && this.sftp === entry) {
          entry.idle = setTimeout(() => {
            if (this.sftp === entry && entry.users === 0) this.closeSftp();
          }, this.sftpIdleMs);
          entry.idle.unref();
        }
      }
    } finally {
      deadline.dispose();
    }
  }

  private async openSftp(live: Live, signal: AbortSignal): Promise<SFTPWrapper> {
    const release = await this.channels.acquire(signal);
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<SFTPWrapper>((resolve, reject) => {
          live.conn.client.sftp((err, sftp) => {
            if (err) return reject(err);
            this.openChannelCount++;
            sftp.once('close', () => {
              release();
              this.channelClosed();
            });
            resolve(sftp);
          });
        });
      } catch (err) {
        // Refused while our own channels hold the server's few sessions: wait for one (see openExecChannel).
        const refused = REFUSED_OPEN.test(errorMessage(err));
        if (refused && !live.closed && !signal.aborted && (this.openChannelCount > 0 || attempt < OPEN_RETRIES)) {
          await this.nextChannelClose(Math.min(1_000, 10 * 2 ** attempt), signal);
          continue;
        }
        release();
        if (isSftpUnusable(errorMessage(err))) this.markSftpUnusable(errorMessage(err));
        throw new UserFacingError(`Could not start SFTP on ${this.label}: ${errorMessage(err)}`, 'Check that the server enables the sftp subsystem.');
      }
    }
  }

  /**
   * SFTP cannot work on this login: say why once, with the fix, and use commands from now on.
   * The usual cause is a startup file that prints when the shell is not interactive.
   */
  private markSftpUnusable(detail: string): void {
    if (this.sftpUnusable !== undefined) return;
    this.sftpUnusable = detail;
    this.log.warn(
      `[${this.label}] SFTP does not work on this login (${detail}). Most often a shell startup file (~/.bashrc, ~/.cshrc, ~/.zshenv) ` +
        'prints text for non-interactive shells, which corrupts the SFTP stream; print only in interactive shells ' +
        '(bash/zsh: [[ $- == *i* ]] || return near the top; tcsh: if ($?prompt) then ... endif). ' +
        'File transfers use shell commands instead, which is slower.',
    );
  }

  /** The SFTP way, or the shell-command way once SFTP proved unusable on this login (see shellFileOps.ts). */
  private async viaSftpOr<T>(viaSftp: () => Promise<T>, viaShell: () => Promise<T>): Promise<T> {
    if (this.sftpUnusable === undefined) {
      try {
        return await viaSftp();
      } catch (err) {
        if (this.sftpUnusable === undefined) throw err;
      }
    }
    return viaShell();
  }

  private async shellExec(argv: string[], what: string, options: FileOptions, stdin?: string | Buffer): Promise<ExecResult> {
    return this.exec(argv, { timeoutMs: options.timeoutMs, signal: options.signal, label: what, ...(stdin !== undefined ? { stdin } : {}) });
  }

  async mkdirp(path: string, options: FileOptions = {}): Promise<void> {
    await this.viaSftpOr(
      () => this.withSftp(`mkdir -p ${path}`, options, (sftp) => sftpMkdirp(sftp, stripHome(path))),
      async () => {
        const r = await this.shellExec(shellMkdirArgv(stripHome(path)), `mkdir -p ${path}`, options);
        if (r.code !== 0) throw new UserFacingError(`Could not create ${path} on ${this.label}: ${r.stderr.trim()}`, 'Check the permissions of its parent folder.');
      },
    );
  }

  async writeFile(path: string, data: string | Buffer, options: WriteFileOptions = {}): Promise<void> {
    const target = stripHome(path);
    const mtime = wholeSecondsStamp(options.mtimeMs);
    const dir = posix.dirname(target);
    const tmp = posix.join(dir, `.${posix.basename(target)}.swb-${randomBytes(6).toString('hex')}.tmp`);
    await this.viaSftpOr(() => this.withSftp(`upload ${path}`, options, async (sftp) => {
      await sftpMkdirp(sftp, dir);
      try {
        await sftpCall<void>((cb) => sftp.writeFile(tmp, data, cb));
        if (mtime !== undefined) await sftpCall<void>((cb) => sftp.utimes(tmp, mtime, mtime, cb));
        await sftpRename(sftp, tmp, target);
      } catch (err) {
        // Never leave a temp file behind on failure.
        await sftpCall<void>((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
        throw new UserFacingError(`Could not write ${path} on ${this.label}: ${errorMessage(err)}`, 'Check that the folder exists and is writable, and that there is free space.', { cause: err });
      }
    }), async () => {
      const r = await this.shellExec(shellWriteArgv(dir, tmp, target, mtime), `upload ${path}`, options, data);
      if (r.code !== 0) throw new UserFacingError(`Could not write ${path} on ${this.label}: ${r.stderr.trim()}`, 'Check that the folder exists and is writable, and that there is free space.');
    });
  }

  async readFile(path: string, options: FileOptions = {}): Promise<Buffer> {
    const cannotRead = (detail: string, cause?: unknown): UserFacingError =>
      new UserFacingError(`Could not read ${path} on ${this.label}: ${detail}`, 'Check that the file exists and is readable.', cause === undefined ? undefined : { cause });
    return this.viaSftpOr(
      () =>
        this.withSftp(`download ${path}`, options, async (sftp) => {
          try {
            return await sftpCall<Buffer>((cb) => sftp.readFile(stripHome(path), cb));
          } catch (err) {
            throw cannotRead(errorMessage(err), err);
          }
        }),
      async () => {
        const r = await this.shellExec(shellReadArgv(stripHome(path)), `download ${path}`, options);
        if (r.code !== 0) throw cannotRead(r.stderr.trim());
        return Buffer.from(r.stdout.trim(), 'base64');
      },
    );
  }

  async stat(path: string, options: FileOptions = {}): Promise<FileStat | undefined> {
    return this.viaSftpOr(
      () =>
        this.withSftp(`stat ${path}`, options, async (sftp) => {
          try {
            const st = await sftpCall<Stats>((cb) => sftp.stat(stripHome(path), cb));
            return { size: st.size, mtimeMs: st.mtime * 1000, isDirectory: st.isDirectory() };
          } catch (err) {
            if (isNoSuchFile(err)) return undefined;
            throw err;
          }
        }),
      async () => {
        const r = await this.shellExec(shellStatArgv(stripHome(path)), `stat ${path}`, options);
        if (r.code !== 0) throw new UserFacingError(`Could not stat ${path} on ${this.label}: ${r.stderr.trim()}`, 'Check the permissions of the path and its folder.');
        return parseShellStat(r.stdout);
      },
    );
  }

  async remove(path: string, options: FileOptions = {}): Promise<void> {
    // rm -rf handles files and trees in one round trip; `~/` becomes relative to the login dir.
    const result = await this.exec(['rm', '-rf', '--', stripHome(path)], { ...options, label: `remove ${path}`, idempotent: true });
    if (result.code !== 0) {
      throw new UserFacingError(`Could not remove ${path} on ${this.label}: ${result.stderr.trim()}`, 'Check the permissions of the path and its folder.');
    }
  }
}
