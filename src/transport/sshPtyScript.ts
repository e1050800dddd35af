/**
 * How a command reaches /bin/sh on a pty channel, whatever the user's login shell is.
 *
 * Commands normally travel on the channel's stdin after the fixed BOOTSTRAP_COMMAND (remoteScript.ts).
 * On a pty, stdin is the terminal: its line discipline would echo the script back into the output,
 * turn CR into LF and treat ^C, ^Z and ^D as signals. So the pty bootstrap first saves the terminal
 * settings and puts the terminal in raw mode without echo, then says it is ready; only then is the
 * script written (anything written earlier would already have been echoed by the kernel). The script
 * restores the saved settings before it runs the command, so the command sees a normal terminal.
 * As for every command, the login shell only ever interprets this one fixed line, with no user data,
 * no `!`, backslash or newline: it means the same in bash, dash, zsh, tcsh/csh and fish.
 */
import { MarkerGate } from './remoteScript';

/** Printed by the bootstrap once the terminal is raw and silent: the script may be written now. */
export const PTY_READY = 'swb-pty-ready';

export const PTY_BOOTSTRAP_COMMAND = `exec /bin/sh -c 't=$(stty -g); stty raw -echo; printf ${PTY_READY}; IFS= read -r n || exit 125; s=$(dd bs=1 count="$n" 2>/dev/null) || exit 125; stty "$t"; eval "$s"'`;

/**
 * The bytes written after PTY_READY: the length line, then a script that prints the marker line
 * (everything before it, the login's noise and the ready token, is dropped) and runs `script`.
 */
export function framePtyScript(script: string, marker: string): Buffer {
  const body = Buffer.from(`printf '%s\\n' ${marker}\n${script}`, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'latin1'), body]);
}

/**
 * Reads a pty channel's output through the two phases of the bootstrap: `push` returns 'ready'
 * once the ready token has been seen (write the framed script then), and the command's own bytes
 * once the marker line has passed.
 */
export class PtyOutputGate {
  private seen = Buffer.alloc(0);
  private ready = false;
  private readonly gate: MarkerGate;

  constructor(marker: string) {
    this.gate = new MarkerGate(marker);
  }

  get passed(): boolean {
    return this.gate.passed;
  }

  push(chunk: Buffer): { ready: boolean; data: Buffer } {
    let justReady = false;
    if (!this.ready) {
      this.seen = Buffer.concat([this.seen, chunk]);
      if (this.seen.indexOf(PTY_READY, 0, 'latin1') < 0) {
        // Keep only a tail long enough to hold a token split across chunks.
        if (this.seen.length > 4096) this.seen = this.seen.subarray(this.seen.length - PTY_READY.length);
        return { ready: false, data: Buffer.alloc(0) };
      }
      this.ready = true;
      justReady = true;
      chunk = this.seen;
      this.seen = Buffer.alloc(0);
    }
    return { ready: justReady, data: this.gate.push(chunk) };
  }

  /** What the stream carried when it ended before the marker (a login or bootstrap error), to show. */
  flush(): Buffer {
    return this.ready ? this.gate.flush() : this.seen;
  }
}
