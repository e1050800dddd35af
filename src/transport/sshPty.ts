/**
 * Interactive terminals over the ssh connection: a channel with a pseudo-terminal (xterm-256color)
 * on the profile's one connection, resized with the "window-change" request (ssh2 `setWindow`).
 *
 * - No command: an ssh "shell" request, i.e. the user's own login shell as OpenSSH gives it.
 * - A command: an exec request of the fixed pty bootstrap (sshPtyScript.ts), the script (prelude +
 *   `exec <argv>`) sent once the terminal is raw and silent.
 *
 * A terminal holds its channel for as long as it is open, so it takes a stream slot and a channel
 * slot of the budget (sshChannels.ts), like a log stream, and can never starve the poll. Closing the
 * channel ends what runs in it for real: sshd closes the pty and the kernel hangs up its session
 * (unlike a plain exec channel, where a process outlives its channel; see remoteProcess.ts).
 */
import type { ClientChannel, PseudoTtyOptions } from 'ssh2';
import { UserFacingError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { ConnectionLostError, DEFAULT_COMMAND_TIMEOUT_MS, abortReason, raceSignal, renderCommand, startDeadline } from './commandRunner';
import { REFUSED_OPEN, type ChannelBudget } from './sshChannels';
import type { Live } from './sshConnection';
import { PTY_TERM, clampSize } from './commonPty';
import { PTY_BOOTSTRAP_COMMAND, PtyOutputGate, framePtyScript } from './sshPtyScript';
import type { PtyHandle, PtyHandlers, PtyOptions, PtySize } from './types';

export interface SshPtyHost {
  label: string;
  log: Logger;
  prelude: string | undefined;
  budget: ChannelBudget;
}

function ptyOptions(size: PtySize): PseudoTtyOptions {
  const s = clampSize(size);
  return { term: PTY_TERM, cols: s.cols, rows: s.rows, width: 0, height: 0 };
}

/** Opens the channel; a refused open (session limit reached for a moment) is retried until the deadline. */
async function openChannel(host: SshPtyHost, live: Live, argv: readonly string[] | undefined, size: PtySize, signal: AbortSignal): Promise<ClientChannel> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<ClientChannel>((resolve, reject) => {
        const done = (err: Error | undefined, channel: ClientChannel): void => {
          if (err) return reject(err);
          host.budget.channelOpened();
          channel.once('close', () => host.budget.channelClosed());
          resolve(channel);
        };
        if (argv === undefined) live.conn.client.shell(ptyOptions(size), done);
        else live.conn.client.exec(PTY_BOOTSTRAP_COMMAND, { pty: ptyOptions(size) }, done);
      });
    } catch (err) {
      if (!REFUSED_OPEN.test(errorMessage(err)) || live.closed || signal.aborted) throw err;
      host.log.trace(`[${host.label}] terminal channel refused by the server, retry ${attempt + 1}`);
      await host.budget.nextChannelClose(Math.min(1_000, 10 * 2 ** attempt), signal);
    }
  }
}

export async function openSshPty(
  host: SshPtyHost,
  argv: readonly string[] | undefined,
  size: PtySize,
  handlers: PtyHandlers,
  options: PtyOptions,
): Promise<PtyHandle> {
  const what = argv === undefined ? 'login shell' : `terminal (${argv[0] ?? 'command'})`;
  // The deadline bounds the opening only; the terminal itself lives until closed.
  const deadline = startDeadline(`opening a ${what}`, options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, options.signal);
  const { budget, label } = host;
  let released = false;
  let releaseSlots: () => void = () => undefined;
  const release = (): void => {
    if (released) return;
    released = true;
    releaseSlots();
  };
  try {
    const streamSlot = await budget.streams.acquire(deadline.signal);
    let slot: Awaited<ReturnType<ChannelBudget['acquire']>>;
    try {
      slot = await budget.acquire(budget.channels, deadline.signal, what);
    } catch (err) {
      streamSlot();
      throw err;
    }
    releaseSlots = () => {
      slot.release();
      streamSlot();
    };
    const live = slot.live;
    let channel: ClientChannel;
    try {
      channel = await raceSignal(openChannel(host, live, argv, size, deadline.signal), deadline.signal, what);
    } catch (err) {
      if (live.closed) throw new ConnectionLostError(`opening a ${what}`, label);
      if (deadline.signal.aborted) throw err;
      throw new UserFacingError(`Could not open a ${what} on ${label}: ${errorMessage(err)}`, 'Close a terminal or log follower you no longer need, or reconnect, and try again.');
    }
    return await startPty(host, live, channel, argv, handlers, deadline.signal, release, what);
  } catch (err) {
    release();
    throw err;
  } finally {
    deadline.dispose();
  }
}

function startPty(
  host: SshPtyHost,
  live: Live,
  channel: ClientChannel,
  argv: readonly string[] | undefined,
  handlers: PtyHandlers,
  openSignal: AbortSignal,
  release: () => void,
  what: string,
): Promise<PtyHandle> {
  const client = live.conn.client;
  const gate = argv === undefined ? undefined : new PtyOutputGate(host.budget.marker);
  let exit: { code: number | null; signal?: string } = { code: null };
  let error: Error | undefined;
  let ended = false;
  let started = gate === undefined;
  return new Promise<PtyHandle>((resolve, reject) => {
    const handle: PtyHandle = {
      write: (data) => {
        if (!ended && started && channel.writable) channel.write(data);
      },
      resize: (cols, rows) => {
        if (ended) return;
        const s = clampSize({ cols, rows });
        channel.setWindow(s.rows, s.cols, 0, 0);
      },
      close: () => {
        if (!ended) channel.close();
      },
      dispose: () => handle.close(),
    };
    const end = (): void => {
      if (ended) return;
      ended = true;
      client.removeListener('close', onConnClose);
      openSignal.removeEventListener('abort', onOpenAbort);
      release();
      if (!started) {
        // Ended before the command ran: the login failed or the bootstrap could not run. Say what it printed.
        const said = gate?.flush().toString('utf8').trim() ?? '';
        reject(error ?? new UserFacingError(`The ${what} on ${host.label} ended before it started${said ? `: ${said.slice(0, 300)}` : '.'}`, 'Check that /bin/sh and stty exist on the login node and that the login works in a terminal.'));
        return;
      }
      handlers.onExit({ ...exit, ...(error ? { error } : {}) });
    };
    const onConnClose = (): void => {
      error ??= new ConnectionLostError(what, host.label);
      end();
    };
    const onOpenAbort = (): void => {
      if (started) return;
      error ??= abortReason(openSignal, what);
      channel.close();
    };
    channel.on('exit', (code: number | null, sig?: string) => {
      exit = typeof code === 'number' ? { code } : { code: null, ...(sig ? { signal: sig } : {}) };
    });
    channel.on('error', (err: Error) => {
      error ??= err;
    });
    channel.stderr.on('data', (d: Buffer) => {
      // A pty merges stderr into its output; sshd only uses stderr here for its own messages.
      if (started) handlers.onData(d);
    });
    channel.on('data', (d: Buffer) => {
      if (!gate) return handlers.onData(d);
      const { ready, data } = gate.push(d);
      if (ready) channel.write(framePtyScript(renderCommand(['exec', ...(argv ?? [])], host.prelude, 'login'), host.budget.marker));
      if (!started && gate.passed) {
        started = true;
        openSignal.removeEventListener('abort', onOpenAbort);
        resolve(handle);
      }
      if (started && data.length > 0) handlers.onData(data);
    });
    channel.once('close', end);
    client.once('close', onConnClose);
    if (openSignal.aborted) onOpenAbort();
    else openSignal.addEventListener('abort', onOpenAbort, { once: true });
    if (started) resolve(handle);
  });
}
