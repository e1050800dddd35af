/**
 * The one transport interface. Both the ssh2 transport and the local (child_process) transport
 * implement it; nothing above this layer knows which one it holds.
 *
 * Commands are argv arrays; the transport renders them with core/shellQuote (the only quoting
 * helper) and prepends the profile's shell prelude (e.g. `module load slurm`).
 */
import type { Event, IDisposable } from '../core/disposable';

export interface ExecOptions {
  /** Hard time budget; on expiry the remote process is signalled and CommandTimeoutError thrown. */
  timeoutMs?: number;
  /** Cancellation: aborting kills the command and rejects with CancelledError. */
  signal?: AbortSignal;
  /** Bytes written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Human label for errors and logs, e.g. "squeue". Defaults to argv[0]. */
  label?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; null when the process died from a signal. */
  code: number | null;
  signal?: string;
}

export interface StreamHandlers {
  onStdout(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Called exactly once when the remote process ends or the stream is closed. */
  onExit?(result: { code: number | null; signal?: string; error?: Error }): void;
}

export interface StreamHandle extends IDisposable {
  /** Ends the remote process (and its channel); idempotent. */
  close(): void;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
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
  stream(argv: readonly string[], handlers: StreamHandlers, options?: { signal?: AbortSignal }): Promise<StreamHandle>;

  /** Writes a file atomically (temp file in the same directory + rename). Creates parent dirs. */
  writeFile(path: string, data: string | Buffer): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  stat(path: string): Promise<FileStat | undefined>;
  mkdirp(path: string): Promise<void>;
  remove(path: string): Promise<void>;
}
