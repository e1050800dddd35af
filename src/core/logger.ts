/**
 * A VS Code-free logger. The VS Code layer hands it a sink (an output channel) at activation.
 * Known secrets are redacted before anything reaches the sink.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface LogSink {
  log(level: LogLevel, message: string): void;
}

export class Logger {
  private sink: LogSink | undefined;
  private readonly secrets = new Set<string>();

  setSink(sink: LogSink | undefined): void {
    this.sink = sink;
  }

  /** Registers a secret (password, passphrase, 2FA answer) so it is never written out. */
  addSecret(secret: string): void {
    if (secret.length >= 3) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  trace(msg: string): void { this.write('trace', msg); }
  debug(msg: string): void { this.write('debug', msg); }
  info(msg: string): void { this.write('info', msg); }
  warn(msg: string): void { this.write('warn', msg); }
  error(msg: string): void { this.write('error', msg); }

  private write(level: LogLevel, msg: string): void {
    this.sink?.log(level, this.redact(msg));
  }
}

export const logger = new Logger();
