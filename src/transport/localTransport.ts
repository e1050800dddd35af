/**
 * The same Transport on this machine: for VS Code running on a login node (Remote-SSH) or the
 * bundled cluster. Commands run through `bash -c` with the profile's prelude, in the home
 * directory (as an ssh exec would); files go through fs. Each command gets its own process
 * group so a timeout or cancellation ends the whole tree, not just bash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Emitter } from '../core/disposable';
import { UserFacingError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { openLocalTcp } from './localTcp';
import { openLocalPty } from './localPty';
import { localReadDirectory, localRename } from './localDirOps';
import { DEFAULT_COMMAND_TIMEOUT_MS, abortReason, raceSignal, renderCommand, startDeadline, wholeSecondsStamp } from './commandRunner';
import type {
  ConnectionState,
  ExecOptions,
  ExecResult,
  FileOptions,
  PtyHandle,
  PtyHandlers,
  PtyOptions,
  PtySize,
  WriteFileOptions,
  FileStat,
  DirEntry,
  RenameOptions,
  StreamHandle,
  StreamHandlers,
  StreamOptions,
  TcpOptions,
  Transport,
} from './types';

export interface LocalTransportOptions {
  prelude?: string;
  logger: Logger;
  defaultTimeoutMs?: number;
  /** Working directory and `~` (defaults to the user's home). */
  home?: string;
  shell?: string;
  /** Grace period between SIGTERM and SIGKILL on timeout/cancel. */
  killGraceMs?: number;
}

export class LocalTransport implements Transport {
  readonly label = 'local';
  private readonly stateEmitter = new Emitter<ConnectionState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly home: string;
  private readonly running = new Set<ChildProcess>();
  private disposed = false;

  constructor(private readonly options: LocalTransportOptions) {
    this.home = options.home ?? homedir();
  }

  get state(): ConnectionState {
    return this.disposed ? { kind: 'disconnected' } : { kind: 'connected' };
  }

  async connect(): Promise<void> {
    // Nothing to open: this machine is always reachable.
  }

  async disconnect(): Promise<void> {
    for (const child of this.running) this.kill(child);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    void this.disconnect();
    this.stateEmitter.fire({ kind: 'disconnected' });
    this.stateEmitter.dispose();
  }

  /** `~` and relative paths resolve against the home directory, like the ssh transport. */
  resolvePath(path: string): string {
    if (path === '~') return this.home;
    if (path.startsWith('~/')) return join(this.home, path.slice(2));
    return isAbsolute(path) ? path : join(this.home, path);
  }

  private spawnScript(script: string): ChildProcess {
    const child = spawn(this.options.shell ?? 'bash', ['-c', script], {
      cwd: this.home,
      detached: true, // own process group: kill(-pid) reaches grandchildren
      stdio: ['pipe', 'pipe', 'pipe'],
      env: process.env,
    });
    this.running.add(child);
    child.once('close', () => this.running.delete(child));
    return child;
  }

  private kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
    if (signal === 'SIGTERM') {
      const t = setTimeout(() => this.kill(child, 'SIGKILL'), this.options.killGraceMs ?? 2_000);
      t.unref();
      child.once('close', () => clearTimeout(t));
    }
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.disposed) return Promise.reject(new UserFacingError('The local transport was closed.', 'Reload the window.'));
    const what = options.label ?? argv[0] ?? 'command';
    const script = renderCommand(argv, this.options.prelude, options.environment);
    const deadline = startDeadline(what, options.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, options.signal);
    const started = Date.now();
    return new Promise<ExecResult>((resolve, reject) => {
      if (deadline.signal.aborted) {
        deadline.dispose();
        return reject(abortReason(deadline.signal, what));
      }
      const child = this.spawnScript(script);
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let failure: Error | undefined;
      const onAbort = (): void => {
        failure ??= abortReason(deadline.signal, what);
        this.kill(child);
      };
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      child.stdout?.on('data', (d: Buffer) => stdout.push(d));
      child.stderr?.on('data', (d: Buffer) => stderr.push(d));
      child.stdin?.on('error', () => undefined); // EPIPE when the command ignores its stdin
      child.once('error', (err) => {
        failure ??= new UserFacingError(`Could not run ${what} locally: ${err.message}`, 'Check that bash is installed and on PATH.');
      });
      child.once('close', (code, signal) => {
        deadline.signal.removeEventListener('abort', onAbort);
        deadline.dispose();
        this.options.logger.trace(`[local] ${what}: exit ${code ?? signal} in ${Date.now() - started} ms`);
        if (failure) return reject(failure);
        resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          code,
          ...(signal ? { signal: signal.replace(/^SIG/, '') } : {}),
        });
      });
      child.stdin?.end(options.stdin ?? undefined);
    });
  }

  async stream(argv: readonly string[], handlers: StreamHandlers, options: StreamOptions = {}): Promise<StreamHandle> {
    const child = this.spawnScript(renderCommand(argv, this.options.prelude));
    let error: Error | undefined;
    const close = (): void => this.kill(child);
    child.stdout?.on('data', (d: Buffer) => handlers.onStdout(d));
    child.stderr?.on('data', (d: Buffer) => handlers.onStderr?.(d));
    child.once('error', (err) => {
      error = err;
    });
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', close);
      handlers.onExit?.({ code, ...(signal ? { signal: signal.replace(/^SIG/, '') } : {}), ...(error ? { error } : {}) });
    });
    if (options.interactive) child.stdin?.on('error', () => undefined); // EPIPE after the child died
    else child.stdin?.end();
    if (options.signal?.aborted) close();
    else options.signal?.addEventListener('abort', close, { once: true });
    const write = (data: string | Buffer): void => {
      if (!options.interactive) throw new Error(`${argv[0] ?? 'stream'}: stdin is closed (not an interactive stream)`);
      if (child.stdin?.writable) child.stdin.write(data);
    };
    return { close, dispose: close, write };
  }

  /** A pty made by a python3 helper (see localPty.ts: node-pty is native and does not ship). */
  openPty(argv: readonly string[] | undefined, size: PtySize, handlers: PtyHandlers, options: PtyOptions = {}): Promise<PtyHandle> {
    if (this.disposed) return Promise.reject(new UserFacingError('The local transport was closed.', 'Reload the window.'));
    return openLocalPty({ prelude: this.options.prelude, home: this.home, shell: this.options.shell ?? 'bash' }, argv, size, handlers, options);
  }

  openTcp(host: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
    if (this.disposed) return Promise.reject(new UserFacingError('The local transport was closed.', 'Reload the window.'));
    return openLocalTcp(host, port, options);
  }

  private async fileOp<T>(what: string, options: FileOptions, fn: () => Promise<T>): Promise<T> {
    const deadline = startDeadline(what, options.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, options.signal);
    try {
      return await raceSignal(fn(), deadline.signal, what);
    } finally {
      deadline.dispose();
    }
  }

  async writeFile(path: string, data: string | Buffer, options: WriteFileOptions = {}): Promise<void> {
    const target = this.resolvePath(path);
    const mtime = wholeSecondsStamp(options.mtimeMs);
    const tmp = join(dirname(target), `.${basename(target)}.swb-${randomBytes(6).toString('hex')}.tmp`);
    await this.fileOp(`write ${path}`, options, async () => {
      await mkdir(dirname(target), { recursive: true });
      try {
        await writeFile(tmp, data);
        if (mtime !== undefined) await utimes(tmp, mtime, mtime);
        await rename(tmp, target);
      } catch (err) {
        await unlink(tmp).catch(() => undefined); // never leave the temp file behind
        throw new UserFacingError(`Could not write ${path}: ${errorMessage(err)}`, 'Check that the folder is writable and the disk is not full.', { cause: err });
      }
    });
  }

  readFile(path: string, options: FileOptions = {}): Promise<Buffer> {
    return this.fileOp(`read ${path}`, options, () => readFile(this.resolvePath(path)));
  }

  stat(path: string, options: FileOptions = {}): Promise<FileStat | undefined> {
    return this.fileOp(`stat ${path}`, options, async () => {
      try {
        const st = await stat(this.resolvePath(path));
        return { size: st.size, mtimeMs: st.mtimeMs, isDirectory: st.isDirectory() };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    });
  }

  async mkdirp(path: string, options: FileOptions = {}): Promise<void> {
    await this.fileOp(`mkdir ${path}`, options, () => mkdir(this.resolvePath(path), { recursive: true }));
  }

  async remove(path: string, options: FileOptions = {}): Promise<void> {
    await this.fileOp(`remove ${path}`, options, () => rm(this.resolvePath(path), { recursive: true, force: true }));
  }

  readDirectory(path: string, options: FileOptions = {}): Promise<DirEntry[]> {
    return this.fileOp(`list ${path}`, options, () => localReadDirectory(this.resolvePath(path), path));
  }

  async rename(from: string, to: string, options: RenameOptions = {}): Promise<void> {
    await this.fileOp(`rename ${from}`, options, () => localRename(this.resolvePath(from), this.resolvePath(to), options.overwrite === true, { from, to }));
  }
}
