/**
 * The one transport interface. Both the ssh2 transport and the local (child_process) transport
 * implement it; nothing above this layer knows which one it holds.
 *
 * Commands are argv arrays; the transport renders them with core/shellQuote (the only quoting
 * helper) and prepends the profile's shell prelude (e.g. `module load slurm`).
 */
import type { Duplex } from 'node:stream';
import type { Event, IDisposable } from '../core/disposable';

/**
 * `pinned` (the default): Slurm's output variables unset and LC_ALL=C, so what we parse and match
 * never depends on the user's environment. `login`: the environment exactly as the login gives it,
 * for commands whose environment a job inherits (`sbatch` exports it to the job) and whose output
 * we do not parse beyond a job id.
 */
export type CommandEnvironment = 'pinned' | 'login';

export interface ExecOptions {
  /** Hard time budget; on expiry the remote process is signalled and CommandTimeoutError thrown. */
  timeoutMs?: number;
  /** Cancellation: aborting kills the command and rejects with CancelledError. */
  signal?: AbortSignal;
  /** Bytes written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Human label for errors and logs, e.g. "squeue". Defaults to argv[0]. */
  label?: string;
  /**
   * The command is safe to run twice (a read such as `squeue`, `sacct`, `cat`). If the connection
   * drops while it runs, the transport retries it once on the new connection; otherwise the
   * caller gets an error saying the command may or may not have run.
   */
  idempotent?: boolean;
  /** See CommandEnvironment; default `pinned`. */
  environment?: CommandEnvironment;
}

/** Time budget and cancellation for file operations (SFTP or fs). */
export interface FileOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface WriteFileOptions extends FileOptions {
  /**
   * Modification time (ms since the epoch) given to the temp file before the rename, so the file
   * appears already stamped: an upload cut short never leaves a fresh copy with the wrong mtime.
   * Whole seconds (SFTP v3's resolution, the same on every transport).
   */
  mtimeMs?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when the process died from a signal. */
  code: number | null;
  signal?: string;
}

/** A terminal's size in character cells. */
export interface PtySize {
  cols: number;
  rows: number;
}

export interface PtyHandlers {
  /** The terminal's output (a pty merges stdout and stderr into one stream). */
  onData(chunk: Buffer): void;
  /** Called exactly once after the pty opened: the process ended, the pty was closed, or the connection dropped (`error`). */
  onExit(result: { code: number | null; signal?: string; error?: Error }): void;
}

/** Time budget and cancellation for OPENING a pty; the open terminal has no deadline (the user ends it). */
export interface PtyOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PtyHandle extends IDisposable {
  /** Keystrokes, as the terminal sends them (Ctrl-C is the byte 0x03; the remote line discipline turns it into SIGINT). */
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  /** Hangs up the terminal (what runs in it gets SIGHUP); idempotent. */
  close(): void;
}

export interface StreamHandlers {
  onStdout(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Called exactly once when the remote process ends or the stream is closed. */
  onExit?(result: { code: number | null; signal?: string; error?: Error }): void;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /**
   * Keep the command's stdin open so `write` can feed it (a remote helper that takes requests,
   * see logs/tailMux.ts). Otherwise stdin is closed at once, as for `exec`.
   */
  interactive?: boolean;
}

export interface StreamHandle extends IDisposable {
  /** Ends the remote process (and its channel); idempotent. */
  close(): void;
  /** Writes to the command's stdin; only for streams opened with `interactive`. */
  write(data: string | Buffer): void;
}

/** Time budget and cancellation for opening a TCP connection (openTcp). */
export interface TcpOptions {
  /** Budget for the connection to be established; the open stream itself has no deadline. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** One entry of a directory listing (readDirectory). A symlink is reported as such, with what it points to. */
export interface DirEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** For a symlink: the type of its target; undefined when the link dangles. */
  targetType?: 'file' | 'dir';
  /** Bytes (of the link itself for a symlink). */
  size: number;
  mtimeMs: number;
}

export interface RenameOptions extends FileOptions {
  /** Replace an existing target (a file, or an empty folder); otherwise an existing target is refused. */
  overwrite?: boolean;
}

export type ConnectionState =
  | { kind: 'disconnected' }
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; lastError: string }
  | { kind: 'failed'; error: string };

export interface Transport extends IDisposable {
  /** Display label, e.g. "alice@login.cluster:22" or "local". */
  readonly label: string;
  readonly state: ConnectionState;
  readonly onDidChangeState: Event<ConnectionState>;

  /** Runs argv (quoted by the transport) through a POSIX shell after the profile prelude. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Starts a long-lived command whose output is streamed (e.g. `tail -F`). */
  stream(argv: readonly string[], handlers: StreamHandlers, options?: StreamOptions): Promise<StreamHandle>;
  /**
   * Opens an interactive terminal: a pty (xterm-256color, `size`) running argv after the profile
   * prelude with the login environment, or the user's login shell when argv is undefined.
   * Resolves once the command runs; `options` bound only the opening.
   */
  openPty(argv: readonly string[] | undefined, size: PtySize, handlers: PtyHandlers, options?: PtyOptions): Promise<PtyHandle>;

  /**
   * Writes a file atomically (temp file in the same directory + rename), stamped with
   * `options.mtimeMs` when given. Creates parent dirs.
   * Paths may start with `~/` (the login directory); relative paths are relative to it too.
   */
  writeFile(path: string, data: string | Buffer, options?: WriteFileOptions): Promise<void>;
  readFile(path: string, options?: FileOptions): Promise<Buffer>;
  stat(path: string, options?: FileOptions): Promise<FileStat | undefined>;
  mkdirp(path: string, options?: FileOptions): Promise<void>;
  remove(path: string, options?: FileOptions): Promise<void>;
  /**
   * The entries of a folder, without `.` and `..`. Fails with a FileOpError (fileDirErrors.ts) whose
   * kind says why: notFound, notDirectory, noPermission. Optional so that test doubles need not implement it.
   */
  readDirectory?(path: string, options?: FileOptions): Promise<DirEntry[]>;
  /** Renames a file or folder in one step (never copy + delete); FileOpError kinds notFound, exists, noPermission. Optional as readDirectory. */
  rename?(from: string, to: string, options?: RenameOptions): Promise<void>;

  /**
   * Connects now, on the user's behalf ("Connect", "Test connection", or retrying after a failed
   * login — automatic work never retries a failed login). Resolves when connected.
   * Optional so that test doubles need not implement it.
   */
  connect?(): Promise<void>;
  /** Closes the connection; queued and running work fails with CancelledError. */
  disconnect?(): Promise<void>;

  /**
   * A TCP connection to `host:port` as seen from the cluster side (ssh: a direct-tcpip channel on
   * the profile's connection, opened by the login node; local: this machine). It ends when the
   * connection drops. Optional so that test doubles need not implement it.
   */
  openTcp?(host: string, port: number, options?: TcpOptions): Promise<Duplex>;
}
