/**
 * A VS Code terminal over a transport pty (Transport.openPty): keystrokes go through as bytes
 * (Ctrl-C included; the remote line discipline makes it SIGINT), output comes back as the remote
 * terminal wrote it (colours: the pty announces xterm-256color), and the editor's size follows the
 * panel. When the process ends the terminal closes; when the connection drops or the job's shell
 * ends with an error, the reason is written into the terminal and shown as a message first.
 */
import { StringDecoder } from 'node:string_decoder';
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { PtyHandle, PtyHandlers, PtySize } from '../transport/types';
import { showActionError } from './errors';

export interface ClusterTerminalOptions {
  /** Terminal tab name, e.g. "bundled: login" or "bundled: job 123". */
  name: string;
  /** What it is, for messages: "the login shell on bundled", "the shell in job 123". */
  what: string;
  open(size: PtySize, handlers: PtyHandlers): Promise<PtyHandle>;
}

/** Output kept per terminal for the test API (the last 64 KiB). */
const KEEP_OUTPUT = 64 * 1024;

export class ClusterTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private pty: PtyHandle | undefined;
  private size: PtySize = { cols: 80, rows: 24 };
  private closed = false;
  private readonly decoder = new StringDecoder('utf8');
  /** What the terminal showed (for the extension's test API). */
  output = '';

  constructor(private readonly options: ClusterTerminalOptions) {}

  get name(): string {
    return this.options.name;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private show(text: string): void {
    this.output = (this.output + text).slice(-KEEP_OUTPUT);
    this.writeEmitter.fire(text);
  }

  open(dims: vscode.TerminalDimensions | undefined): void {
    if (dims) this.size = { cols: dims.columns, rows: dims.rows };
    this.show(`\x1b[2mOpening ${this.options.what}…\x1b[0m\r\n`);
    this.options.open(this.size, {
      onData: (d) => this.show(this.decoder.write(d)),
      onExit: (r) => {
        this.pty = undefined;
        if (this.closed) return;
        const rest = this.decoder.end();
        if (rest) this.show(rest);
        if (r.error) return this.finish(`${this.options.what} ended: ${errorMessage(r.error)}`, 1);
        if (r.code !== 0 && r.code !== null) return this.finish(`${this.options.what} ended (exit code ${r.code}).`, r.code);
        if (r.signal) return this.finish(`${this.options.what} ended (signal ${r.signal}).`, 1);
        this.finish(undefined, 0);
      },
    }).then(
      (pty) => {
        if (this.closed) return pty.close();
        this.pty = pty;
        // The panel may have been resized while we connected.
        pty.resize(this.size.cols, this.size.rows);
      },
      (err: unknown) => {
        if (this.closed) return;
        showActionError(`Opening ${this.options.what}`, err);
        this.finish(`Could not open ${this.options.what}: ${errorMessage(err)}`, 1, false);
      },
    );
  }

  /** Writes the reason (if any) into the terminal, says it once as a message, and closes. */
  private finish(reason: string | undefined, code: number, notify = true): void {
    if (this.closed) return;
    if (reason) {
      this.show(`\r\n\x1b[33m${reason}\x1b[0m\r\n`);
      if (notify) void vscode.window.showWarningMessage(reason);
    }
    this.closed = true;
    this.closeEmitter.fire(code);
  }

  handleInput(data: string): void {
    this.pty?.write(data);
  }

  setDimensions(dims: vscode.TerminalDimensions): void {
    this.size = { cols: dims.columns, rows: dims.rows };
    this.pty?.resize(dims.columns, dims.rows);
  }

  /** The user closed the terminal: hang up what runs in it. */
  close(): void {
    this.closed = true;
    this.pty?.close();
    this.pty = undefined;
  }
}

/** The terminals this window opened, for the test API (`terminals` in session/api.ts). */
export class ClusterTerminals {
  private readonly all: ClusterTerminal[] = [];

  create(options: ClusterTerminalOptions): vscode.Terminal {
    const pty = new ClusterTerminal(options);
    this.all.push(pty);
    const terminal = vscode.window.createTerminal({ name: options.name, pty });
    terminal.show();
    return terminal;
  }

  list(): { name: string; output: string; open: boolean }[] {
    return this.all.map((t) => ({ name: t.name, output: t.output, open: t.isOpen }));
  }
}
