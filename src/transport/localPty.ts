/**
 * Terminals for the local transport. node-pty is a native addon that we cannot ship (no build per
 * platform in the .vsix), so a pty is made by a small python3 helper (python3 is on every login
 * node and Linux/macOS machine): it forks the command on a new pty (`pty.fork`, size set on the
 * child's terminal before exec), then copies stdin → pty and pty → stdout with `select`.
 *
 * Resize requests travel on a side pipe (fd 3, one "cols rows" line each), not in-band: keystrokes
 * stay a plain byte stream that we never have to escape or parse. The helper sets the size with
 * TIOCSWINSZ; the kernel then sends SIGWINCH to the terminal's foreground process group itself.
 * Closing stdin (or SIGTERM/SIGHUP to the helper) hangs up the pty's session, as closing an ssh
 * terminal does. The helper exits with the command's status (128 + n for a signal).
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { UserFacingError } from '../core/errors';
import { renderCommand } from './commandRunner';
import { PTY_TERM, clampSize } from './commonPty';
import type { PtyHandle, PtyHandlers, PtyOptions, PtySize } from './types';

/** The helper program (python3 -c). argv: cols rows [command...]; no command: the login shell. */
export const PTY_HELPER = String.raw`
import errno, fcntl, os, pty, pwd, select, signal, struct, sys, termios
cols, rows = int(sys.argv[1]), int(sys.argv[2])
cmd = sys.argv[3:]
def winsize(fd, c, r):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', r, c, 0, 0))
pid, master = pty.fork()
if pid == 0:
    try:
        winsize(0, cols, rows)
        if cmd:
            os.execvp(cmd[0], cmd)
        shell = os.environ.get('SHELL') or pwd.getpwuid(os.getuid()).pw_shell or '/bin/sh'
        os.execv(shell, ['-' + os.path.basename(shell)])
    except Exception as e:
        os.write(2, ('cannot start %s: %s\r\n' % (cmd[0] if cmd else 'the login shell', e)).encode())
    os._exit(127)
def hangup(*_):
    try:
        os.killpg(pid, signal.SIGHUP)
    except OSError:
        pass
signal.signal(signal.SIGTERM, lambda *a: (hangup(), os._exit(129)))
signal.signal(signal.SIGHUP, lambda *a: (hangup(), os._exit(129)))
ctl = 3
inputs = [0, master, ctl]
pending = b''
def write_all(fd, data):
    while data:
        try:
            data = data[os.write(fd, data):]
        except OSError as e:
            if e.errno != errno.EINTR:
                raise
while True:
    try:
        ready, _, _ = select.select(inputs, [], [])
    except InterruptedError:
        continue
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            break
        write_all(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            hangup()
            inputs.remove(0)
        else:
            write_all(master, data)
    if ctl in ready:
        data = os.read(ctl, 4096)
        if not data:
            inputs.remove(ctl)
        pending += data
        while b'\n' in pending:
            line, pending = pending.split(b'\n', 1)
            try:
                c, r = (int(x) for x in line.split())
                winsize(master, c, r)
            except (ValueError, OSError):
                pass
_, status = os.waitpid(pid, 0)
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
`;

export interface LocalPtyHost {
  prelude: string | undefined;
  /** Working directory (the home directory, as an ssh login would start). */
  home: string;
  shell: string;
}

export async function openLocalPty(host: LocalPtyHost, argv: readonly string[] | undefined, size: PtySize, handlers: PtyHandlers, options: PtyOptions = {}): Promise<PtyHandle> {
  if (options.signal?.aborted) throw new UserFacingError('Opening the terminal was cancelled.');
  const s = clampSize(size);
  const command = argv === undefined ? [] : [host.shell, '-c', renderCommand(['exec', ...argv], host.prelude, 'login')];
  const child = spawn('python3', ['-c', PTY_HELPER, String(s.cols), String(s.rows), ...command], {
    cwd: host.home,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, TERM: PTY_TERM },
  });
  const control = child.stdio[3] as Writable;
  control.on('error', () => undefined);
  child.stdin?.on('error', () => undefined); // EPIPE once the helper is gone
  let closed = false;
  let errors = '';
  const close = (): void => {
    if (closed) return;
    closed = true;
    child.stdin?.end(); // the helper hangs up the pty's session and exits
    const t = setTimeout(() => child.kill('SIGTERM'), 2_000);
    t.unref();
    child.once('close', () => clearTimeout(t));
  };
  return new Promise<PtyHandle>((resolve, reject) => {
    let started = false;
    child.once('error', (err) => {
      if (!started) reject(new UserFacingError(`Could not start a local terminal: ${err.message}`, 'A local terminal needs python3 on PATH.'));
    });
    const onAbort = (): void => close();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('spawn', () => {
      started = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        write: (data) => {
          if (!closed && child.stdin?.writable) child.stdin.write(data);
        },
        resize: (cols, rows) => {
          const r = clampSize({ cols, rows });
          if (!closed && control.writable) control.write(`${r.cols} ${r.rows}\n`);
        },
        close,
        dispose: close,
      });
    });
    child.stdout?.on('data', (d: Buffer) => handlers.onData(d));
    // The helper's own stderr (python missing a module, say); the pty's output goes to stdout.
    child.stderr?.on('data', (d: Buffer) => {
      errors += d.toString('utf8');
      handlers.onData(d);
    });
    child.once('close', (code, signal) => {
      closed = true;
      if (!started) return;
      const error = code === 1 && /Traceback/.test(errors) ? new Error(`the local pty helper failed: ${errors.trim().slice(-300)}`) : undefined;
      handlers.onExit({ code, ...(signal ? { signal: signal.replace(/^SIG/, '') } : {}), ...(error ? { error } : {}) });
    });
  });
}
