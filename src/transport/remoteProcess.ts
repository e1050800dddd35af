/**
 * Ending a remote command for real. Closing an ssh channel does not stop the process (a silent
 * `sleep` or `tail -F` lives on and keeps its session — one of sshd's MaxSessions — open), and
 * OpenSSH may ignore the "signal" channel request. So every remote script first reports its
 * process id on stderr; sshd starts each session command in its own session (setsid), so that
 * pid is also the process group we kill from a second, short channel.
 */
import { commandLine } from '../core/shellQuote';

const PID_MARKER = '@swb-pid ';

/** Prepends the pid report to a rendered script. */
export function withPidReport(script: string): string {
  return `echo "${PID_MARKER}$$" 1>&2\n${script}`;
}

/**
 * Splits the pid report off the start of stderr; everything else passes through untouched.
 * `push` returns the bytes that belong to the command's own stderr.
 */
export class PidReportParser {
  private head: Buffer | undefined = Buffer.alloc(0);
  pid: number | undefined;

  push(chunk: Buffer): Buffer {
    if (this.head === undefined) return chunk;
    this.head = Buffer.concat([this.head, chunk]);
    const nl = this.head.indexOf(0x0a);
    if (nl < 0) {
      if (this.head.length > 64) return this.flush(); // not our marker: give it all back
      return Buffer.alloc(0);
    }
    const line = this.head.subarray(0, nl).toString('latin1');
    const rest = this.head.subarray(nl + 1);
    this.head = undefined;
    if (line.startsWith(PID_MARKER)) {
      const pid = Number(line.slice(PID_MARKER.length));
      if (Number.isInteger(pid) && pid > 1) this.pid = pid;
      return rest;
    }
    return Buffer.concat([Buffer.from(`${line}\n`, 'latin1'), rest]);
  }

  /** Bytes held back while waiting for a newline (call at the end). */
  flush(): Buffer {
    const h = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    return h;
  }
}

/** TERM the process group now, KILL it two seconds later if anything is left. */
export function killScript(pid: number): string {
  const group = `-${pid}`;
  const term = commandLine(['kill', '-TERM', '--', group]);
  const kill = commandLine(['kill', '-KILL', '--', group]);
  return `${term} 2>/dev/null || ${commandLine(['kill', '-TERM', String(pid)])} 2>/dev/null\n( sleep 2; ${kill} ) </dev/null >/dev/null 2>&1 &\nexit 0`;
}
