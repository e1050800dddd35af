/**
 * Running a script on an exec channel of the ssh connection: the output past the login shell's
 * noise (remoteScript.ts MarkerGate), the exit status, and stopping it (TERM, then the remote
 * process group is killed over the reserved slot). `execScript` collects a command's output;
 * streams (sshStreams.ts) pass it on as it comes.
 */
import type { ClientChannel } from 'ssh2';
import { UserFacingError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { ConnectionLostError, abortReason } from './commandRunner';
import { MarkerGate } from './remoteScript';
import type { Release } from './semaphore';
import type { ChannelBudget, ExitStatus } from './sshChannels';
import type { Live } from './sshConnection';
import type { ExecOptions, ExecResult } from './types';

export interface ChannelIo {
  onStdout(d: Buffer): void;
  onStderr(d: Buffer): void;
  onEnd(exit: ExitStatus, error?: Error): void;
}

/**
 * Runs a script on a new channel. `onEnd` fires once: when the channel closes, or when the
 * connection drops (with ConnectionLostError). `release` is called once the channel is really
 * gone, so the slot count always matches what sshd sees.
 */
export async function startChannel(
  budget: ChannelBudget,
  label: string,
  live: Live,
  script: string,
  what: string,
  release: Release,
  io: ChannelIo,
  signal?: AbortSignal,
): Promise<{ channel: ClientChannel; stop(): void }> {
  let channel: ClientChannel;
  try {
    channel = await budget.openExecChannel(live, script, signal);
  } catch (err) {
    release();
    if (live.closed) throw new ConnectionLostError(what, label);
    throw new UserFacingError(`Could not start ${what} on ${label}: ${errorMessage(err)}`, 'Try again; if it persists, reconnect.');
  }
  const outGate = new MarkerGate(budget.marker);
  const errGate = new MarkerGate(budget.marker);
  let exit: ExitStatus = { code: null };
  let error: Error | undefined;
  let ended = false;
  let stopRequested = false;
  const client = live.conn.client;
  const end = (): void => {
    if (ended) return;
    ended = true;
    client.removeListener('close', onConnClose);
    const out = outGate.flush();
    if (out.length > 0) io.onStdout(out);
    const rest = errGate.flush();
    if (rest.length > 0) io.onStderr(rest);
    budget.noteLoginNoise(outGate.noise.length + errGate.noise.length);
    io.onEnd(exit, error);
  };
  const onConnClose = (): void => {
    error ??= new ConnectionLostError(what, label);
    release();
    end();
  };
  channel.on('data', (d: Buffer) => {
    const own = outGate.push(d);
    if (own.length > 0) io.onStdout(own);
  });
  let killSent = false;
  const killIfKnown = (): void => {
    const pid = errGate.pid;
    if (killSent || pid === undefined || live.closed) return;
    killSent = true;
    // The channel closes once the process group is gone, so a freed slot means a finished process.
    void budget.killRemote(live, pid, what).finally(() => channel.close());
  };
  channel.stderr.on('data', (d: Buffer) => {
    const own = errGate.push(d);
    if (stopRequested) killIfKnown(); // stopped before the pid report arrived
    if (own.length > 0) io.onStderr(own);
  });
  channel.on('error', (err: Error) => {
    error ??= err;
  });
  channel.once('close', () => {
    exit = budget.exitOf(channel) ?? exit;
    release();
    end();
  });
  client.once('close', onConnClose);
  const stop = (): void => {
    if (stopRequested || ended) return;
    stopRequested = true;
    try {
      channel.signal('TERM'); // honoured by some servers; the pid kill below works everywhere
    } catch {
      // channel already closing
    }
    killIfKnown();
    // Before its pid report the script is still starting (a slow login): the report comes first,
    // so wait a moment for it; a login that never gets there has nothing of ours to kill.
    if (!killSent) setTimeout(() => (killSent ? undefined : channel.close()), 3_000).unref();
  };
  return { channel, stop };
}

/** Runs one command to its end on a channel slot, collecting its output; `signal` ends it early. */
export async function execScript(
  budget: ChannelBudget,
  label: string,
  log: Logger,
  script: string,
  what: string,
  options: ExecOptions,
  signal: AbortSignal,
): Promise<ExecResult> {
  const { live, release } = await budget.acquire(budget.channels, signal, what);
  const started = Date.now();
  return new Promise<ExecResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    let stop: (() => void) | undefined;
    const onAbort = (): void => {
      // Fail now; the channel (and its slot) goes once the remote process is gone.
      settle(abortReason(signal, what));
      stop?.();
    };
    const settle = (error: Error | undefined, exit?: ExitStatus): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      const ms = Date.now() - started;
      if (error) {
        log.debug(`[${label}] ${what} failed after ${ms} ms: ${error.message}`);
        return reject(error);
      }
      log.trace(`[${label}] ${what}: exit ${exit?.code ?? exit?.signal ?? '?'} in ${ms} ms`);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        code: exit?.code ?? null,
        ...(exit?.signal ? { signal: exit.signal } : {}),
      });
    };
    startChannel(budget, label, live, script, what, release, {
      onStdout: (d) => stdout.push(d),
      onStderr: (d) => stderr.push(d),
      onEnd: (exit, error) => settle(error, exit),
    }, signal).then(
      (started) => {
        stop = started.stop;
        if (signal.aborted) onAbort();
        else if (settled) stop();
        else signal.addEventListener('abort', onAbort, { once: true });
        if (options.stdin !== undefined) started.channel.end(options.stdin);
        else started.channel.end();
      },
      (err: unknown) => settle(err as Error),
    );
  });
}
