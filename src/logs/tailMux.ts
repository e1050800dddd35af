/**
 * Where a FileTail gets its remote `tail -F` from.
 *
 * - `directTails`: one ssh channel per followed file (the transport's `stream`). Simple, but sshd's
 *   MaxSessions (default 10) caps channels per connection, and commands need some too, so the
 *   transport lets only a few streams run at once.
 * - `TailMux`: ONE channel per cluster connection carries every followed file: a small remote Perl
 *   process (tailMuxScript.ts) runs a `tail -F` per file and frames their output. Ten or fifty logs
 *   followed at once cost one channel. Without Perl on the cluster it falls back to `directTails`
 *   for good (once, with a log line), so following still works within the channel budget.
 *
 * Both hand out the same StreamHandle/StreamHandlers contract, so FileTail's exactly-once offset
 * accounting and reconnect logic do not know which one they use. VS Code-free.
 */
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { StreamHandle, StreamHandlers, Transport } from '../transport/types';
import { tailFollowArgv } from './remoteLogCommands';
import { TAIL_MUX_HELLO, TAIL_MUX_SCRIPT } from './tailMuxScript';

export interface TailSource {
  /** Starts following `path` from byte `fromByte` (0-based); output and end go to `handlers`. */
  open(path: string, fromByte: number, sleepSeconds: number, handlers: StreamHandlers, signal?: AbortSignal): Promise<StreamHandle>;
}

export function directTails(transport: Transport): TailSource {
  return {
    open: (path, fromByte, sleepSeconds, handlers, signal) => transport.stream(tailFollowArgv(path, fromByte, sleepSeconds), handlers, { signal }),
  };
}

// ------------------------------------------------------------------ framing

export interface MuxFrame {
  id: number;
  kind: 'h' | 'o' | 'e' | 'x';
  data: Buffer;
}

const HEADER = /^(\d{1,9}) ([hoex]) (\d{1,9})$/;

const HELLO_FRAME = Buffer.from(`0 h ${Buffer.byteLength(TAIL_MUX_HELLO)}\n${TAIL_MUX_HELLO}`, 'latin1');

/**
 * Splits the multiplexer's stdout into frames; chunks may cut anywhere. Throws on garbage after
 * the greeting. Bytes BEFORE the greeting are skipped (`skipped` counts them): a login shell's
 * startup files may print to stdout before our command runs, and that is not ours to parse.
 */
export class MuxFrameParser {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private header: { id: number; kind: MuxFrame['kind']; length: number } | undefined;
  private greeted = false;
  /** Bytes dropped before the greeting. */
  skipped = 0;

  push(chunk: Buffer): MuxFrame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const frames: MuxFrame[] = [];
    let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    if (!this.greeted) {
      const at = buf.indexOf(HELLO_FRAME);
      if (at < 0) {
        // Keep only what could be the start of the greeting.
        const keep = Math.min(buf.length, HELLO_FRAME.length - 1);
        this.skipped += buf.length - keep;
        this.pending = [buf.subarray(buf.length - keep)];
        this.pendingBytes = keep;
        return frames;
      }
      this.skipped += at;
      this.greeted = true;
      buf = buf.subarray(at);
    }
    for (;;) {
      if (!this.header) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) {
          if (buf.length > 64) throw new Error(`tail multiplexer: malformed frame header ${JSON.stringify(buf.subarray(0, 64).toString('latin1'))}`);
          break;
        }
        const line = buf.subarray(0, nl).toString('latin1');
        const m = HEADER.exec(line);
        if (!m) throw new Error(`tail multiplexer: malformed frame header ${JSON.stringify(line.slice(0, 64))}`);
        this.header = { id: Number(m[1]), kind: m[2] as MuxFrame['kind'], length: Number(m[3]) };
        buf = buf.subarray(nl + 1);
      }
      if (buf.length < this.header.length) break;
      frames.push({ id: this.header.id, kind: this.header.kind, data: Buffer.from(buf.subarray(0, this.header.length)) });
      buf = buf.subarray(this.header.length);
      this.header = undefined;
    }
    this.pending = buf.length > 0 ? [buf] : [];
    this.pendingBytes = buf.length;
    return frames;
  }

  /** Bytes received but not yet part of a whole frame. */
  get buffered(): number {
    return this.pendingBytes;
  }
}

/** The open request for one file; the path goes as hex so no byte of it can break the line protocol. */
export function muxOpenRequest(id: number, fromByte: number, sleepSeconds: number, path: string): string {
  if (!Number.isSafeInteger(fromByte) || fromByte < 0) throw new RangeError(`byte offset ${fromByte} is not a non-negative integer`);
  if (!(sleepSeconds > 0 && sleepSeconds <= 60)) throw new RangeError(`sleep interval ${sleepSeconds} s is out of range`);
  return `open ${id} ${fromByte + 1} ${sleepSeconds} ${Buffer.from(path, 'utf8').toString('hex')}\n`;
}

export function muxCloseRequest(id: number): string {
  return `close ${id}\n`;
}

/** "exit 0" / "signal 15" → the StreamHandlers exit shape. */
export function parseMuxExit(text: string): { code: number | null; signal?: string } {
  const m = /^(exit|signal) (\d+)$/.exec(text.trim());
  if (!m) return { code: null };
  return m[1] === 'exit' ? { code: Number(m[2]) } : { code: null, signal: String(m[2]) };
}

// ------------------------------------------------------------------ the multiplexer

interface VirtualTail {
  handlers: StreamHandlers;
  /** close() was called: waiting for the remote tail's end before reporting it. */
  closing?: NodeJS.Timeout;
}

interface MuxProcess {
  handle: StreamHandle;
  tails: Map<number, VirtualTail>;
  dead: boolean;
}

export interface TailMuxOptions {
  /** Ends the remote process this long after its last file was closed. */
  idleMs?: number;
  /** How long a closed file may take to report its tail's end before we stop waiting. */
  closeGraceMs?: number;
}

/** Thrown inside `open` when the cluster cannot run the multiplexer (no Perl): use directTails. */
class MuxUnavailable extends Error {}

export class TailMux implements TailSource {
  private process: Promise<MuxProcess> | undefined;
  /** The process `process` resolved to, while it runs. */
  private live: MuxProcess | undefined;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private unavailableReason: string | undefined;
  private readonly fallback: TailSource;
  private disposed = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: TailMuxOptions = {},
  ) {
    this.fallback = directTails(transport);
  }

  /** Why the cluster follows one channel per file instead (undefined while multiplexing works). */
  get fallbackReason(): string | undefined {
    return this.unavailableReason;
  }

  async open(path: string, fromByte: number, sleepSeconds: number, handlers: StreamHandlers, signal?: AbortSignal): Promise<StreamHandle> {
    if (this.unavailableReason !== undefined || this.disposed) return this.fallback.open(path, fromByte, sleepSeconds, handlers, signal);
    let proc: MuxProcess;
    try {
      proc = await this.ensureProcess();
    } catch (err) {
      if (err instanceof MuxUnavailable) return this.fallback.open(path, fromByte, sleepSeconds, handlers, signal);
      throw err;
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const id = this.nextId++;
    const tail: VirtualTail = { handlers };
    proc.tails.set(id, tail);
    proc.handle.write(muxOpenRequest(id, fromByte, sleepSeconds, path));
    const close = (): void => {
      if (proc.dead || tail.closing || !proc.tails.has(id)) return;
      proc.handle.write(muxCloseRequest(id));
      // The remote tail's "x" frame ends it; a multiplexer that never answers must not hang stop().
      tail.closing = setTimeout(() => this.endTail(proc, id, { code: null, signal: 'TERM' }), this.options.closeGraceMs ?? 5_000);
    };
    if (signal?.aborted) close();
    else signal?.addEventListener('abort', close, { once: true });
    return { close, dispose: close, write: () => { throw new Error('a followed file takes no input'); } };
  }

  /** Ends the remote process (and with it every tail it runs). */
  dispose(): void {
    this.disposed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    void this.process?.then((p) => p.handle.close(), () => undefined);
    this.process = undefined;
  }

  private endTail(proc: MuxProcess, id: number, exit: { code: number | null; signal?: string; error?: Error }): void {
    const tail = proc.tails.get(id);
    if (!tail) return;
    proc.tails.delete(id);
    if (tail.closing) clearTimeout(tail.closing);
    tail.handlers.onExit?.(exit);
    if (proc.tails.size === 0 && !proc.dead) this.scheduleIdleEnd(proc);
  }

  private scheduleIdleEnd(proc: MuxProcess): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (proc.tails.size > 0 || proc.dead) return;
      proc.dead = true;
      this.forget(proc);
      proc.handle.close();
    }, this.options.idleMs ?? 5_000);
  }

  /** A process that ended is no longer handed out (a newer one may already be starting). */
  private forget(proc: MuxProcess): void {
    if (this.live !== proc) return;
    this.live = undefined;
    this.process = undefined;
  }

  /** The running multiplexer, started (once, whoever asks first) if there is none. */
  private ensureProcess(): Promise<MuxProcess> {
    if (this.process) return this.process;
    const starting = this.startProcess().then(
      (proc) => {
        this.live = proc;
        return proc;
      },
      (err: unknown) => {
        if (this.process === starting) this.process = undefined;
        throw err;
      },
    );
    this.process = starting;
    return starting;
  }

  private startProcess(): Promise<MuxProcess> {
    return new Promise<MuxProcess>((resolve, reject) => {
      const parser = new MuxFrameParser();
      const stderr: Buffer[] = [];
      let hello = false;
      let proc: MuxProcess | undefined;
      const die = (exit: { code: number | null; signal?: string; error?: Error }): void => {
        if (!proc || proc.dead && proc.tails.size === 0) return;
        proc.dead = true;
        this.forget(proc);
        for (const id of [...proc.tails.keys()]) this.endTail(proc, id, exit);
      };
      const handlers: StreamHandlers = {
        onStdout: (chunk) => {
          let frames: MuxFrame[];
          try {
            frames = parser.push(chunk);
          } catch (err) {
            logger.warn(`[${this.transport.label}] ${errorMessage(err)}; restarting the log multiplexer`);
            proc?.handle.close();
            return;
          }
          for (const frame of frames) {
            if (frame.kind === 'h') {
              if (frame.data.toString('latin1') !== TAIL_MUX_HELLO) {
                this.unavailableReason = `unexpected multiplexer greeting ${JSON.stringify(frame.data.toString('latin1'))}`;
                proc?.handle.close();
                reject(new MuxUnavailable(this.unavailableReason));
                return;
              }
              hello = true;
              if (parser.skipped > 0) logger.info(`[${this.transport.label}] skipped ${parser.skipped} bytes a login script printed before the log multiplexer started`);
              if (proc) resolve(proc);
              continue;
            }
            const tail = proc?.tails.get(frame.id);
            if (!proc || !tail) continue; // a file closed on our side; its last bytes are not wanted
            if (frame.kind === 'o') tail.handlers.onStdout(frame.data);
            else if (frame.kind === 'e') tail.handlers.onStderr?.(frame.data);
            else if (frame.kind === 'x') this.endTail(proc, frame.id, parseMuxExit(frame.data.toString('latin1')));
          }
        },
        onStderr: (chunk) => {
          if (stderr.length < 16) stderr.push(chunk);
        },
        onExit: (exit) => {
          if (!hello) {
            const said = Buffer.concat(stderr).toString('utf8').trim();
            if (exit.error) {
              reject(exit.error);
            } else {
              // The process could not even greet: no Perl (127) or a Perl we cannot use.
              this.unavailableReason = `the log multiplexer did not start (${exit.code === 127 ? 'perl not found' : said || `exit ${exit.code ?? exit.signal}`})`;
              logger.warn(`[${this.transport.label}] ${this.unavailableReason}; following each log over its own channel instead`);
              reject(new MuxUnavailable(this.unavailableReason));
            }
            return;
          }
          die(exit.error ? exit : { ...exit, error: new Error(`log multiplexer ended (${exit.code ?? exit.signal ?? 'unknown'})`) });
        },
      };
      this.transport.stream(['perl', '-e', TAIL_MUX_SCRIPT], handlers, { interactive: true }).then(
        (handle) => {
          proc = { handle, tails: new Map(), dead: false };
          if (hello) resolve(proc);
        },
        reject,
      );
    });
  }
}
