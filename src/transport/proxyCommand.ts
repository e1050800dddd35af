/**
 * ssh_config `ProxyCommand`: the command runs through /bin/sh (as `exec <command>`, like OpenSSH,
 * so the shell does not linger) and its stdin/stdout carry the SSH connection; ssh2 takes them as
 * a Duplex `sock`. Its stderr goes to the log line by line. When it exits with an error (or before
 * relaying a single byte), the stream fails with a ProxyCommandError that quotes the command's
 * last stderr lines, so "could not connect" always says which command failed and why.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import { UserFacingError } from '../core/errors';
import type { Logger } from '../core/logger';

export class ProxyCommandError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'ProxyCommandError';
  }
}

const STDERR_TAIL_CHARS = 2000;
/** After the connection ends its stdin, a proxy that does not exit on its own is stopped. */
const EXIT_GRACE_MS = 2000;

export interface ProxyCommandOptions {
  /** Tokens already expanded and quoted (see expandProxyCommand). */
  command: string;
  /** The hop it connects to, for messages ("user@host:port"). */
  label: string;
  logger: Logger;
}

class ProxyCommandStream extends Duplex {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderrTail = '';
  private partialLine = '';
  private relayedBytes = 0;
  private exited = false;
  /** Set once the connection is done with it: its exit is then expected, not a failure. */
  private stopping = false;

  constructor(private readonly opts: ProxyCommandOptions) {
    super({ allowHalfOpen: true });
    // detached: its own session without a controlling terminal, so a command that would ask on
    // /dev/tty (an ssh without BatchMode) fails at once with a message instead of waiting unseen.
    this.child = spawn('/bin/sh', ['-c', `exec ${opts.command}`], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, windowsHide: true });
    const { child } = this;
    child.stdout.on('data', (chunk: Buffer) => {
      this.relayedBytes += chunk.length;
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => this.onStderr(text));
    // EPIPE when the command has exited: the exit is reported by 'close' below.
    child.stdin.on('error', () => undefined);
    child.on('error', (err) => {
      this.exited = true;
      this.destroy(
        new ProxyCommandError(
          `The ProxyCommand for ${opts.label} could not be started (${err.message}): ${opts.command}`,
          'Check the ProxyCommand line in ~/.ssh/config (it runs through /bin/sh), or set "ProxyCommand none" for this host.',
        ),
      );
    });
    child.on('close', (code, signal) => {
      this.exited = true;
      this.flushStderr();
      if (this.destroyed) return;
      if (this.stopping || (code === 0 && this.relayedBytes > 0)) {
        this.push(null);
        return;
      }
      const how = code !== null ? `exited with code ${code}` : `was stopped by ${signal ?? 'a signal'}`;
      const why = this.stderrTail.trim();
      this.destroy(
        new ProxyCommandError(
          `The ProxyCommand for ${opts.label} ${how}${this.relayedBytes === 0 ? ' before the server answered' : ''}: ${opts.command}` +
            (why ? `\nIts error output:\n${why}` : ' (it wrote no error output)'),
          'Run the command in a terminal to see what it needs, fix the ProxyCommand line in ~/.ssh/config, or set "ProxyCommand none" for this host.',
        ),
      );
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private onStderr(text: string): void {
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (this.partialLine + text).split(/\r?\n/);
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.opts.logger.info(`[${this.opts.label}] ProxyCommand: ${line}`);
  }

  private flushStderr(): void {
    if (this.partialLine.trim()) this.opts.logger.info(`[${this.opts.label}] ProxyCommand: ${this.partialLine}`);
    this.partialLine = '';
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.exited || this.child.stdin.destroyed) return callback();
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.stopping = true;
    this.child.stdin.end();
    // OpenSSH stops its proxy command when the session ends; give it a moment to exit by itself.
    setTimeout(() => this.stop(), EXIT_GRACE_MS).unref();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stop();
    callback(error);
  }

  private stop(): void {
    this.stopping = true;
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGHUP'); // its whole process group (it is detached)
    } catch {
      this.child.kill('SIGHUP');
    }
  }
}

/** Starts the command; the returned stream is ssh2's `sock` for the hop. */
export function spawnProxyCommand(opts: ProxyCommandOptions): Duplex & { readonly pid: number | undefined } {
  opts.logger.info(`[${opts.label}] connecting through ProxyCommand: ${opts.command}`);
  return new ProxyCommandStream(opts);
}
