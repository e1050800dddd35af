/**
 * How a script reaches a POSIX `sh` on the login node, whatever the user's login shell is.
 *
 * sshd hands the command string of an exec request to the user's login shell (`$SHELL -c STRING`),
 * and login shells disagree about quoting: tcsh ends a quote at a newline, expands `!` even inside
 * single quotes and reads `1>&2` as "to a file named 2"; zsh expands a leading `=`; fish has a grammar
 * of its own. So the login shell only ever receives BOOTSTRAP_COMMAND: one fixed line, holding no
 * user data, that means the same in bash, dash, zsh, tcsh/csh and fish. It execs /bin/sh, which reads
 * a length line and then exactly that many bytes of script from the channel's stdin and evaluates
 * them; whatever follows on stdin is the command's own input. The login shell still starts as for
 * `ssh host cmd` (its startup files set PATH and the like), and sh inherits that environment.
 *
 * Startup files may print (a banner in .bashrc, an `echo` in .cshrc or .zshenv) on stdout or stderr
 * before the script runs. The script first prints a marker line on both streams — the stderr one
 * carries its process id, which is also its process group (sshd starts every session with setsid, and
 * `exec` keeps the pid) — and everything before a marker is the login's noise, dropped.
 */
import { randomBytes } from 'node:crypto';

/** The only string a login shell ever interprets. No `!`, backslash or newline: tcsh and fish read it as sh does. */
export const BOOTSTRAP_COMMAND = `exec /bin/sh -c 'IFS= read -r n || exit 125; s=$(dd bs=1 count="$n" 2>/dev/null) || exit 125; eval "$s"'`;

/** A per-connection marker that a banner cannot guess. */
export function newMarker(): string {
  return `@swb-${randomBytes(6).toString('hex')}`;
}

/** What goes first on the channel's stdin: the length line, the marker prologue and the script. */
export function frameScript(script: string, marker: string): Buffer {
  const body = Buffer.from(`printf '%s\\n' ${marker}; printf '%s %s\\n' ${marker} "$$" >&2\n${script}`, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'latin1'), body]);
}

/** Bytes of noise kept while looking for the marker; past this the stream is passed on as it is. */
const MAX_NOISE_BYTES = 1 << 20;

/**
 * Drops what a stream carried before the marker line. `push` returns the bytes that belong to the
 * command; `noise` is what was dropped (for a diagnostic), `tag` the rest of the marker line (the
 * pid on stderr). A stream that ends without the marker (the login failed before the script ran)
 * is given back whole by `flush`, so its error stays visible.
 */
export class MarkerGate {
  private head: Buffer | undefined = Buffer.alloc(0);
  noise: Buffer = Buffer.alloc(0);
  tag: string | undefined;

  constructor(private readonly marker: string) {}

  get passed(): boolean {
    return this.head === undefined;
  }

  push(chunk: Buffer): Buffer {
    if (this.head === undefined) return chunk;
    this.head = Buffer.concat([this.head, chunk]);
    const at = this.head.indexOf(this.marker, 0, 'latin1');
    if (at >= 0) {
      const nl = this.head.indexOf(0x0a, at);
      if (nl < 0) return Buffer.alloc(0);
      this.noise = this.head.subarray(0, at);
      this.tag = this.head.subarray(at + this.marker.length, nl).toString('latin1').trim();
      const rest = this.head.subarray(nl + 1);
      this.head = undefined;
      return rest;
    }
    if (this.head.length > MAX_NOISE_BYTES) return this.flush();
    return Buffer.alloc(0);
  }

  flush(): Buffer {
    const h = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    return h;
  }

  /** The process id reported on stderr, once the marker passed. */
  get pid(): number | undefined {
    const pid = Number(this.tag);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  }
}
