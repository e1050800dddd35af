// A terminal driven like a user would: keystrokes in, the screen's bytes out, waiting for what the
// shell prints (never for a time). Used by terminal-pty.test.ts and the terminal bench.
import type { PtyHandle, Transport } from '../../src/transport/types';

export class TermProbe {
  output = '';
  exited: { code: number | null; signal?: string; error?: Error } | undefined;
  handle!: PtyHandle;
  private waiters: (() => void)[] = [];
  private probes = 0;

  static async open(transport: Transport, argv: readonly string[] | undefined, size = { cols: 100, rows: 30 }): Promise<TermProbe> {
    const p = new TermProbe();
    p.handle = await transport.openPty(argv, size, {
      onData: (d) => {
        p.output += d.toString('utf8');
        p.wake();
      },
      onExit: (r) => {
        p.exited = r;
        p.wake();
      },
    }, { timeoutMs: 60_000 });
    return p;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves with the first match of `re` in the output after `from`; throws with the screen after `ms`. */
  async waitFor(re: RegExp, ms = 60_000, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.output.slice(from).match(re);
      if (m) return m;
      if (this.exited && !re.test(this.output.slice(from))) throw new Error(`terminal ended (${JSON.stringify(this.exited)}) before ${re}; screen: ${JSON.stringify(this.output.slice(-800))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${re} within ${ms} ms; screen: ${JSON.stringify(this.output.slice(-800))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1_000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Types a line (CR, as a terminal's Enter key sends). */
  line(text: string): void {
    this.handle.write(`${text}\r`);
  }

  /**
   * Waits until the shell runs what it is typed: `echo sw""b-N` prints swb-N only when a shell ran it
   * (the echo of the typed line shows the quotes). Typed again every few seconds: slow startup files
   * may swallow what was typed before the prompt. The same line means the same in sh, bash, zsh, tcsh.
   */
  async ready(ms = 90_000): Promise<void> {
    const deadline = Date.now() + ms;
    const n = ++this.probes;
    for (;;) {
      this.line(`echo sw""b-ready-${n}`);
      try {
        await this.waitFor(new RegExp(`swb-ready-${n}`), Math.min(5_000, Math.max(1, deadline - Date.now())));
        return;
      } catch (err) {
        if (this.exited || Date.now() >= deadline) throw err;
      }
    }
  }

  /**
   * Types `line` every few seconds until `re` shows in the output: for a line typed right after
   * Ctrl-C, which the terminal's line discipline flushes with whatever else was typed ahead.
   */
  async retype(line: string, re: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    const from = this.output.length;
    for (;;) {
      this.line(line);
      try {
        return await this.waitFor(re, Math.min(3_000, Math.max(1, deadline - Date.now())), from);
      } catch (err) {
        if (this.exited || Date.now() >= deadline) throw err;
      }
    }
  }

  /** Runs a line and returns what it printed between two sentinels (typed output excluded). */
  async run(command: string, ms = 60_000): Promise<string> {
    const n = ++this.probes;
    const from = this.output.length;
    this.line(`echo sw""b-begin-${n}; ${command}; echo sw""b-end-${n}`);
    const m = await this.waitFor(new RegExp(`swb-begin-${n}\\r?\\n([\\s\\S]*?)swb-end-${n}`), ms, from);
    return (m[1] ?? '').replace(/\r/g, '');
  }

  close(): void {
    this.handle.close();
  }

  async waitExit(ms = 60_000): Promise<NonNullable<TermProbe['exited']>> {
    const deadline = Date.now() + ms;
    while (!this.exited) {
      if (Date.now() > deadline) throw new Error(`terminal still open after ${ms} ms; screen: ${JSON.stringify(this.output.slice(-500))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return this.exited;
  }
}
