/**
 * Follows ONE remote file with ONE long-lived `tail -F` over the cluster's connection (its own
 * channel or the cluster's shared multiplexer, see tailMux.ts), and knows
 * exactly how many bytes of the file it has handed on.
 *
 * Exactly-once across reconnects: every byte that reached `onData` was counted in `offset`; bytes
 * in flight when the connection dropped never reached us and were not counted. So the new `tail`
 * starts at `offset + 1` and the reader sees every byte once, in order. When tail says the file
 * restarted (truncated, replaced, re-created), the offset restarts at 0 with it.
 *
 * The transport waits for its reconnect inside `stream()`, so a dropped stream is simply reopened;
 * a stream that could not be opened (connection failed for good) is retried with backoff until
 * stopped. Never guesses that the file is finished: only `stop()` ends it.
 */
import { errorMessage } from '../core/errors';
import type { StreamHandle } from '../transport/types';
import { DEFAULT_TAIL_SLEEP_SECONDS } from './remoteLogCommands';
import type { TailSource } from './tailMux';
import { LineSplitter, classifyTailMessage, type TailMessage } from './tailMessages';

export type FileTailNotice =
  | { kind: 'tail'; message: TailMessage }
  | { kind: 'interrupted'; atByte: number; reason: string }
  | { kind: 'resumed'; atByte: number }
  | { kind: 'openFailed'; reason: string; retryInMs: number };

export interface FileTailEvents {
  onData(chunk: Buffer): void;
  onNotice?(notice: FileTailNotice): void;
}

export interface FileTailOptions {
  /** Byte of the file to start at (0 = its beginning). */
  startOffset?: number;
  sleepSeconds?: number;
  /** Backoff when a stream cannot be opened at all: first delay, doubled up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export class FileTail {
  private byteOffset: number;
  private handle: StreamHandle | undefined;
  private generation = 0;
  private stopped = false;
  /** Set while a stream is being opened or is open; resolves when it is gone. */
  private live: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private interrupted = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly tails: TailSource,
    readonly path: string,
    private readonly events: FileTailEvents,
    private readonly options: FileTailOptions = {},
  ) {
    this.byteOffset = options.startOffset ?? 0;
    this.retryDelay = options.retryDelayMs ?? 500;
  }

  /** Bytes of the current file handed to onData (the resume point). */
  get offset(): number {
    return this.byteOffset;
  }

  /** True while a remote `tail` process is running (or being started). */
  get isRunning(): boolean {
    return this.live !== undefined;
  }

  start(): void {
    if (this.stopped || this.live || this.retryTimer) return;
    this.open();
  }

  /** Ends the remote process and resolves once its channel is closed. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.abort.abort();
    this.handle?.close();
    await this.live;
  }

  private open(): void {
    let gone!: () => void;
    this.live = new Promise<void>((r) => (gone = r));
    const finished = (): void => {
      this.live = undefined;
      gone();
    };
    void this.run(finished);
  }

  private async run(finished: () => void): Promise<void> {
    const generation = ++this.generation;
    const stderrLines = new LineSplitter();
    const fromByte = this.byteOffset;
    let exited = false;
    const onExit = (result: { code: number | null; signal?: string; error?: Error }): void => {
      if (exited) return;
      exited = true;
      for (const line of stderrLines.flush()) this.onStderrLine(line);
      this.handle = undefined;
      finished();
      if (this.stopped) return;
      // The connection dropped (or tail died): reopen at once; stream() waits for the reconnect.
      const reason = result.error ? errorMessage(result.error) : `tail exited (${result.code ?? result.signal ?? 'unknown'})`;
      this.interrupted = true;
      this.events.onNotice?.({ kind: 'interrupted', atByte: this.byteOffset, reason });
      const quickly = result.error !== undefined;
      this.scheduleOpen(quickly ? 0 : this.nextRetryDelay());
    };
    try {
      const handle = await this.tails.open(
        this.path,
        fromByte,
        this.options.sleepSeconds ?? DEFAULT_TAIL_SLEEP_SECONDS,
        {
          onStdout: (chunk) => {
            if (generation !== this.generation) return;
            this.byteOffset += chunk.length;
            this.events.onData(chunk);
          },
          onStderr: (chunk) => {
            for (const line of stderrLines.push(chunk)) this.onStderrLine(line);
          },
          onExit,
        },
        this.abort.signal,
      );
      this.retryDelay = this.options.retryDelayMs ?? 500;
      if (this.interrupted) {
        this.interrupted = false;
        this.events.onNotice?.({ kind: 'resumed', atByte: fromByte });
      }
      if (exited) return;
      this.handle = handle;
      if (this.stopped) handle.close();
    } catch (err) {
      finished();
      if (this.stopped) return;
      const delay = this.nextRetryDelay();
      this.events.onNotice?.({ kind: 'openFailed', reason: errorMessage(err), retryInMs: delay });
      this.scheduleOpen(delay);
    }
  }

  private onStderrLine(line: string): void {
    const message = classifyTailMessage(line);
    if (message.kind === 'restarted') this.byteOffset = 0;
    this.events.onNotice?.({ kind: 'tail', message });
  }

  private nextRetryDelay(): number {
    const d = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, this.options.maxRetryDelayMs ?? 30_000);
    return d;
  }

  private scheduleOpen(delayMs: number): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) this.open();
    }, delayMs);
  }
}
