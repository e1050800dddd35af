/**
 * Turns the bytes of a job's stdout and stderr into text for one output channel.
 *
 * - UTF-8 is decoded per stream with a streaming decoder, so a character split across two chunks
 *   (or across a reconnect: the resumed stream continues at the exact byte) comes out whole.
 * - When both streams go to the same channel ("interleave"), each line is kept whole and stderr
 *   lines get a marker. A partial line (a progress bar, a prompt) is shown after `partialLineMs`
 *   of quiet rather than held forever; its continuation then follows on the same line unless the
 *   other stream wrote in between.
 * - Our own notices ("waiting for the job to start", the final state) always sit on lines of their
 *   own, with a prefix that job output is unlikely to start with.
 */
import { StringDecoder } from 'node:string_decoder';

export type LogStream = 'stdout' | 'stderr';

/** Where text goes: an output channel in VS Code, an array in tests. */
export interface TextAppender {
  append(text: string): void;
}

export const NOTICE_PREFIX = '» ';
export const STDERR_MARKER = '[stderr] ';

export interface LogOutputOptions {
  /** Line-buffer the streams and mark stderr lines (both streams share this output). */
  interleave: boolean;
  partialLineMs?: number;
}

export class LogOutput {
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  private readonly pending: Record<LogStream, string> = { stdout: '', stderr: '' };
  /** The stream whose incomplete line is on screen, 'notice' never; undefined at a line start. */
  private owner: LogStream | 'raw' | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly appender: TextAppender,
    private readonly options: LogOutputOptions,
  ) {}

  /** Raw bytes of one stream, in the order received. */
  data(stream: LogStream, chunk: Buffer): void {
    this.text(stream, this.decoders[stream].write(chunk));
  }

  /** A line of ours, on its own line. */
  notice(text: string): void {
    this.flushPartials();
    this.breakLine();
    this.appender.append(`${NOTICE_PREFIX}${text}\n`);
  }

  /** Flushes decoders and partial lines (the streams ended). */
  end(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      const rest = this.decoders[s].end();
      if (rest) this.text(s, rest);
    }
    this.flushPartials();
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private text(stream: LogStream, text: string): void {
    if (text === '') return;
    if (!this.options.interleave) {
      this.appender.append(text);
      this.owner = text.endsWith('\n') ? undefined : 'raw';
      return;
    }
    const all = this.pending[stream] + text;
    const lastNl = all.lastIndexOf('\n');
    if (lastNl >= 0) {
      const complete = all.slice(0, lastNl + 1);
      this.pending[stream] = all.slice(lastNl + 1);
      this.emitLines(stream, complete);
    } else {
      this.pending[stream] = all;
    }
    if (this.pending[stream] !== '') this.scheduleFlush();
  }

  /** `text` ends with a newline. */
  private emitLines(stream: LogStream, text: string): void {
    const lines = text.split('\n');
    lines.pop();
    let out = '';
    for (const line of lines) {
      if (this.owner === stream) out += `${line}\n`; // continues the partial line already shown
      else {
        if (this.owner !== undefined) out += '\n';
        out += `${this.marker(stream)}${line}\n`;
      }
      this.owner = undefined;
    }
    this.appender.append(out);
  }

  private flushPartials(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const s of ['stdout', 'stderr'] as const) {
      const partial = this.pending[s];
      if (partial === '') continue;
      this.pending[s] = '';
      if (this.owner === s) this.appender.append(partial);
      else {
        this.appender.append(`${this.owner !== undefined ? '\n' : ''}${this.marker(s)}${partial}`);
      }
      this.owner = s;
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushPartials();
    }, this.options.partialLineMs ?? 300);
  }

  private breakLine(): void {
    if (this.owner !== undefined) this.appender.append('\n');
    this.owner = undefined;
  }

  private marker(stream: LogStream): string {
    return stream === 'stderr' ? STDERR_MARKER : '';
  }
}
