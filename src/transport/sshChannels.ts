/**
 * The channel budget of one ssh connection. Channels are bounded below sshd's MaxSessions (10): at
 * most `maxChannels` (8) open at once, one of them kept for killing timed-out commands (so a full
 * house of hung commands can always be ended), streams at most `maxStreams` of the rest so
 * long-lived log followers cannot starve commands. Work beyond the bound queues. Every channel
 * opened here is counted until it closes, so the count always matches what sshd sees.
 */
import type { ClientChannel } from 'ssh2';
import { CancelledError, errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { sleep } from './backoff';
import { raceSignal } from './commandRunner';
import { killScript } from './remoteProcess';
import { BOOTSTRAP_COMMAND, frameScript, newMarker } from './remoteScript';
import { Semaphore, type Release } from './semaphore';
import type { Live } from './sshConnection';

/** Retries of a refused channel open: 10, 20, 40, ... 640 ms. */
export const OPEN_RETRIES = 7;

/** How sshd says it will not open one more session now. */
export const REFUSED_OPEN = /open failed|resource shortage|administratively prohibited/i;

export interface ExitStatus {
  code: number | null;
  signal?: string;
}

export interface ChannelBudgetOptions {
  label: string;
  log: Logger;
  maxChannels?: number;
  maxStreams?: number;
  /** All slots may carry streams (the second connection that carries only streams). */
  streamsOnly?: boolean;
  ensureConnected(): Promise<Live>;
  /** Frees the session an unused SFTP channel holds. */
  closeIdleSftp(): void;
}

export class ChannelBudget {
  readonly channels: Semaphore;
  readonly streams: Semaphore;
  private readonly killSlot: Semaphore;
  private openChannelCount = 0;
  private readonly closeWaiters: (() => void)[] = [];
  private openRetryCount = 0;
  /** Exit status of each exec channel, recorded as soon as the channel exists (see openExecChannel). */
  private readonly exitStatuses = new WeakMap<ClientChannel, ExitStatus>();
  /** Separates the login shell's noise from a command's output (see remoteScript.ts). */
  readonly marker = newMarker();
  private loginNoiseNoted = false;

  constructor(private readonly options: ChannelBudgetOptions) {
    const budget = Math.max(2, options.maxChannels ?? 8);
    this.channels = new Semaphore(budget - 1);
    this.killSlot = new Semaphore(1);
    this.streams = options.streamsOnly
      ? new Semaphore(this.channels.capacity)
      : new Semaphore(Math.max(1, Math.min(options.maxStreams ?? 4, this.channels.capacity - 1)));
  }

  private get label(): string {
    return this.options.label;
  }

  private get log(): Logger {
    return this.options.log;
  }

  get openChannels(): number {
    return this.openChannelCount;
  }

  get channelOpenRetries(): number {
    return this.openRetryCount;
  }

  /** The exit status a closed exec channel reported, if any. */
  exitOf(channel: ClientChannel): ExitStatus | undefined {
    return this.exitStatuses.get(channel);
  }

  /**
   * Opens an exec channel. A refused open ("open failed") means the server's session limit is
   * reached — we never start the command then, so retrying is always safe:
   * - sshd frees a session only after it has processed our CHANNEL_CLOSE, so under heavy churn an
   *   open is briefly refused although we hold fewer than `maxChannels`: a short retry.
   * - A server with a small MaxSessions (1 or 2 at some sites) refuses while our own channels hold
   *   its sessions: an idle SFTP session is closed at once, the channel bound shrinks to what the
   *   server allows, and the open waits for one of ours to close (bounded by the caller's signal),
   *   so work queues on the one connection instead of failing.
   */
  async openExecChannel(live: Live, script: string, signal?: AbortSignal): Promise<ClientChannel> {
    let refusals = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const channel = await new Promise<ClientChannel>((resolve, reject) => {
          live.conn.client.exec(BOOTSTRAP_COMMAND, (err, channel) => {
            if (err) return reject(err);
            this.channelOpened();
            // Listen for the exit status right here, synchronously: ssh2 parses a whole TCP chunk at
            // once, so a fast command's CHANNEL_SUCCESS, output and exit-status can arrive together,
            // and the 'exit' event would fire before an awaiting caller attached its listener
            // (seen as ~10-20 % of parallel execs "without an exit status"). Output is buffered by the
            // stream; the exit event is not.
            channel.on('exit', (code: number | null, sig?: string) => {
              this.exitStatuses.set(channel, typeof code === 'number' ? { code } : { code: null, ...(sig ? { signal: sig } : {}) });
            });
            channel.once('close', () => this.channelClosed());
            resolve(channel);
          });
        });
        // The script travels on stdin (see remoteScript.ts); the caller's input follows it.
        channel.write(frameScript(script, this.marker));
        return channel;
      } catch (err) {
        const refused = REFUSED_OPEN.test(errorMessage(err));
        if (!refused || live.closed || signal?.aborted) throw err;
        this.openRetryCount++;
        refusals++;
        const ours = this.openChannelCount;
        if (ours > 0) {
          // Twice in a row with only one or two of ours open: that is the server's limit, not lag.
          if (refusals >= 2 && ours <= 2 && ours < this.channels.capacity) {
            this.log.info(`[${this.label}] the server allows only ${ours} session(s) per connection (MaxSessions); work queues`);
            this.channels.resize(ours);
          }
          this.options.closeIdleSftp();
          this.log.trace(`[${this.label}] channel refused by the server with ${ours} of ours open: waiting for one to close`);
          await this.nextChannelClose(Math.min(1_000, 10 * 2 ** attempt), signal);
          continue;
        }
        if (attempt >= OPEN_RETRIES) throw err;
        this.log.trace(`[${this.label}] channel refused by the server (session limit lag), retry ${attempt + 1}`);
        await sleep(10 * 2 ** attempt);
      }
    }
  }

  /** A channel opened outside openExecChannel (SFTP) counts too. */
  channelOpened(): void {
    this.openChannelCount++;
  }

  channelClosed(): void {
    this.openChannelCount--;
    for (const wake of this.closeWaiters.splice(0)) wake();
  }

  /** Resolves when one of our channels closes, after `maxMs`, or when `signal` aborts. */
  nextChannelClose(maxMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      signal?.addEventListener('abort', done, { once: true });
      this.closeWaiters.push(done);
    });
  }

  /** Waits for a connection and a channel slot; the slot is released by the caller. */
  async acquire(sem: Semaphore, signal: AbortSignal, what: string): Promise<{ live: Live; release: Release }> {
    await raceSignal(this.options.ensureConnected(), signal, what);
    if (sem.active >= sem.capacity) this.options.closeIdleSftp(); // an unused SFTP session must not make work wait
    const release = await sem.acquire(signal);
    try {
      // The connection may have changed while we queued.
      const live = await raceSignal(this.options.ensureConnected(), signal, what);
      return { live, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Says once per transport that the login prints on its own (a dotfile banner): useful when debugging a site. */
  noteLoginNoise(bytes: number): void {
    if (bytes === 0 || this.loginNoiseNoted) return;
    this.loginNoiseNoted = true;
    this.log.info(`[${this.label}] the login shell prints ${bytes} bytes before each command (startup files or banner); ignored`);
  }

  /** Kills a remote process group over a reserved channel slot (never queued behind the work it ends). */
  async killRemote(live: Live, pid: number, what: string): Promise<void> {
    const release = await this.killSlot.acquire();
    try {
      const channel = await this.openExecChannel(live, killScript(pid));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => channel.close(), 5_000);
        channel.on('data', () => undefined);
        channel.stderr.on('data', () => undefined);
        channel.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        channel.end();
      });
    } catch (err) {
      this.log.warn(`[${this.label}] could not stop ${what} (pid ${pid}): ${errorMessage(err)}`);
    } finally {
      release();
    }
  }

  /** Rejects everything queued for a slot (the transport is disposed). */
  rejectWaiters(): void {
    this.channels.rejectWaiters(new CancelledError('Queued command'));
    this.streams.rejectWaiters(new CancelledError('Queued stream'));
  }
}
