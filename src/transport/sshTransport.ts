/**
 * ONE authenticated ssh2 connection per cluster; exec, streams and SFTP are channels on it.
 *
 * - Channels are bounded below sshd's MaxSessions (10): at most `maxChannels` (8) open at once,
 *   streams at most `maxStreams` of those so long-lived log followers cannot starve commands.
 *   Work beyond the bound queues. Every channel is closed, whatever happens (sshChannels.ts).
 * - After a drop the connection is re-established with exponential backoff (state `reconnecting`)
 *   and queued work resumes on the new one. Idempotent commands that were running are retried once.
 * - A failed or cancelled login, or a host key problem, is never retried automatically: work fails
 *   fast until the user calls connect() again (sshConnection.ts).
 *
 * This class puts the parts together: the connection (sshConnection.ts), the channel budget
 * (sshChannels.ts), commands (sshExec.ts), streams (sshStreams.ts), SFTP and files (sshSftp.ts,
 * sshFiles.ts).
 */
import type { Duplex } from 'node:stream';
import type { ResolvedSshProfile } from '../config/profile';
import type { TransportDeps } from './auth';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { ConnectionLostError, DEFAULT_COMMAND_TIMEOUT_MS, renderCommand, startDeadline } from './commandRunner';
import type { ConnectTimings } from './sshConnect';
import { ChannelBudget } from './sshChannels';
import { ConnectionKeeper } from './sshConnection';
import { execScript } from './sshExec';
import { sshMkdirp, sshReadFile, sshRemove, sshStat, sshWriteFile, type FileOpsHost } from './sshFiles';
import { SftpSession } from './sshSftp';
import { sshReadDirectory, sshRename } from './sshDirOps';
import { StreamLanes } from './sshStreams';
import { openSshPty } from './sshPty';
import { openSshTcp } from './sshTcp';
import type {
  ConnectionState,
  ExecOptions,
  ExecResult,
  FileOptions,
  PtyHandle,
  PtyHandlers,
  PtyOptions,
  PtySize,
  WriteFileOptions,
  FileStat,
  DirEntry,
  RenameOptions,
  StreamHandle,
  StreamHandlers,
  StreamOptions,
  TcpOptions,
  Transport,
} from './types';

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
   * MaxSessions is too small to hold a stream and still run commands (see sshStreams.ts).
   */
  streamsOnly?: boolean;
}

export class SshTransport implements Transport {
  readonly label: string;
  readonly onDidChangeState: ConnectionKeeper['onDidChangeState'];
  private readonly connection: ConnectionKeeper;
  private readonly budget: ChannelBudget;
  private readonly sftp: SftpSession;
  private readonly lanes: StreamLanes;
  private readonly files: FileOpsHost;
  private readonly prelude: string | undefined;
  private readonly defaultTimeoutMs: number;

  constructor(private readonly options: SshTransportOptions) {
    const t = options.resolved.target;
    const label = `${t.user}@${t.host}:${t.port}`;
    const log = options.deps.logger;
    this.label = label;
    this.prelude = options.resolved.profile.prelude;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.connection = new ConnectionKeeper({
      label,
      resolved: options.resolved,
      deps: options.deps,
      timings: options.timings,
      backoff: options.backoff ?? DEFAULT_BACKOFF,
      onGone: () => this.sftp.close(),
    });
    this.onDidChangeState = this.connection.onDidChangeState;
    const ensureConnected = () => this.connection.ensureConnected();
    this.budget = new ChannelBudget({
      label,
      log,
      maxChannels: options.maxChannels,
      maxStreams: options.maxStreams,
      streamsOnly: options.streamsOnly,
      ensureConnected,
      closeIdleSftp: () => this.sftp.closeIdle(),
    });
    this.sftp = new SftpSession({ label, log, defaultTimeoutMs: this.defaultTimeoutMs, idleMs: options.sftpIdleMs ?? 10_000, budget: this.budget, ensureConnected });
    this.lanes = new StreamLanes({
      label,
      log,
      prelude: this.prelude,
      streamsOnly: options.streamsOnly ?? false,
      budget: this.budget,
      ensureConnected,
      openLane: () => new SshTransport({ ...this.options, streamsOnly: true }),
    });
    this.files = { label, sftp: this.sftp, exec: (argv, opts) => this.exec(argv, opts) };
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /** Channels open right now (exec, streams, SFTP). For diagnostics and tests. */
  get openChannels(): number {
    return this.budget.openChannels;
  }

  /**
   * The live connection, for diagnostics ("Test connection", tests): the hops it went through and
   * the local TCP port of the first hop's socket (ssh2 keeps the socket private).
   */
  get connectionInfo(): { hops: string[]; localPort?: number } | undefined {
    const live = this.connection.current;
    if (!live) return undefined;
    const first = live.conn.chain[0] as unknown as { _sock?: { localPort?: number } };
    return {
      hops: [...this.options.resolved.jumps, this.options.resolved.target].map((h) => `${h.user}@${h.host}:${h.port}`),
      localPort: first._sock?.localPort,
    };
  }

  /** Channel opens the server refused for a moment and that were retried (see ChannelBudget.openExecChannel). */
  get channelOpenRetries(): number {
    return this.budget.channelOpenRetries;
  }

  /** Work waiting for a channel slot. */
  get queuedWork(): number {
    return this.budget.channels.waiting + this.budget.streams.waiting;
  }

  connect(): Promise<void> {
    return this.connection.connect();
  }

  disconnect(): Promise<void> {
    return this.connection.disconnect();
  }

  dispose(): void {
    if (this.connection.disposed) return;
    this.connection.beginDispose();
    this.budget.rejectWaiters();
    this.lanes.dispose();
    void this.connection.disconnect();
    this.connection.endDispose();
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const what = options.label ?? argv[0] ?? 'command';
    const script = renderCommand(argv, this.prelude, options.environment);
    const deadline = startDeadline(what, options.timeoutMs ?? this.defaultTimeoutMs, options.signal);
    const once = () => execScript(this.budget, this.label, this.options.deps.logger, script, what, options, deadline.signal);
    const run = async (): Promise<ExecResult> => {
      try {
        return await once();
      } catch (err) {
        if (err instanceof ConnectionLostError && options.idempotent && !deadline.signal.aborted) {
          this.options.deps.logger.info(`[${this.label}] ${what}: connection lost, retrying once (idempotent)`);
          return await once();
        }
        throw err;
      }
    };
    return run().finally(() => deadline.dispose());
  }

  stream(argv: readonly string[], handlers: StreamHandlers, options: StreamOptions = {}): Promise<StreamHandle> {
    return this.lanes.stream(argv, handlers, options);
  }

  openPty(argv: readonly string[] | undefined, size: PtySize, handlers: PtyHandlers, options: PtyOptions = {}): Promise<PtyHandle> {
    return openSshPty({ label: this.label, log: this.options.deps.logger, prelude: this.prelude, budget: this.budget }, argv, size, handlers, options);
  }

  openTcp(host: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
    return openSshTcp(this.label, () => this.connection.ensureConnected(), host, port, options);
  }

  mkdirp(path: string, options: FileOptions = {}): Promise<void> {
    return sshMkdirp(this.files, path, options);
  }

  writeFile(path: string, data: string | Buffer, options: WriteFileOptions = {}): Promise<void> {
    return sshWriteFile(this.files, path, data, options);
  }

  readFile(path: string, options: FileOptions = {}): Promise<Buffer> {
    return sshReadFile(this.files, path, options);
  }

  stat(path: string, options: FileOptions = {}): Promise<FileStat | undefined> {
    return sshStat(this.files, path, options);
  }

  remove(path: string, options: FileOptions = {}): Promise<void> {
    return sshRemove(this.files, path, options);
  }

  readDirectory(path: string, options: FileOptions = {}): Promise<DirEntry[]> {
    return sshReadDirectory(this.files, path, options);
  }

  rename(from: string, to: string, options: RenameOptions = {}): Promise<void> {
    return sshRename(this.files, from, to, options);
  }
}
