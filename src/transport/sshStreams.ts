/**
 * Long-lived streams (log followers) over the ssh connection. A stream holds its channel for as
 * long as it runs. Where the server allows only one or two sessions per connection, a stream on
 * the main connection would leave nothing for the poll and the user's actions, so streams go over
 * a second connection to the same host (same profile, same authentication; with the tail
 * multiplexer all logs share one channel there).
 */
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { raceSignal, renderCommand } from './commandRunner';
import { BOOTSTRAP_COMMAND, frameScript } from './remoteScript';
import type { Release } from './semaphore';
import { REFUSED_OPEN, type ChannelBudget } from './sshChannels';
import type { Live } from './sshConnection';
import { startChannel } from './sshExec';
import type { StreamHandle, StreamHandlers, StreamOptions, Transport } from './types';

export interface StreamLanesOptions {
  label: string;
  log: Logger;
  prelude: string | undefined;
  /** This transport IS the second connection: it never opens another. */
  streamsOnly: boolean;
  budget: ChannelBudget;
  ensureConnected(): Promise<Live>;
  /** Makes the second connection (an SshTransport with `streamsOnly`). */
  openLane(): Transport & { dispose(): void };
}

export class StreamLanes {
  /** Sessions the server allows per connection, measured once per connection before the first stream. */
  private sessionLimit: { generation: number; limit: Promise<number> } | undefined;
  private lane: (Transport & { dispose(): void }) | undefined;

  constructor(private readonly options: StreamLanesOptions) {}

  dispose(): void {
    this.lane?.dispose();
  }

  private async streamLane(signal: AbortSignal): Promise<Transport | undefined> {
    if (this.options.streamsOnly) return undefined;
    const live = await raceSignal(this.options.ensureConnected(), signal, 'stream');
    if (this.sessionLimit?.generation !== live.generation) {
      this.sessionLimit = { generation: live.generation, limit: this.probeSessionLimit(live) };
    }
    const limit = await raceSignal(this.sessionLimit.limit, signal, 'stream');
    if (limit > 2) return undefined;
    if (!this.lane) {
      this.options.log.info(`[${this.options.label}] the server allows ${limit} session(s) per connection: log streams use a second connection`);
      this.lane = this.options.openLane();
    }
    return this.lane;
  }

  /**
   * How many sessions (up to 3) the server lets this connection open: three trivial scripts at once,
   * counting the opens it refuses, plus the channels we already hold. Waits until they are closed
   * so they do not hold sessions afterwards.
   */
  private async probeSessionLimit(live: Live): Promise<number> {
    const ours = this.options.budget.openChannels;
    const accepted = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<boolean>((resolve) => {
            live.conn.client.exec(BOOTSTRAP_COMMAND, (err, channel) => {
              if (err) return resolve(!REFUSED_OPEN.test(errorMessage(err)));
              const timer = setTimeout(() => channel.close(), 10_000);
              channel.on('data', () => undefined);
              channel.stderr.on('data', () => undefined);
              channel.once('close', () => {
                clearTimeout(timer);
                resolve(true);
              });
              channel.end(frameScript('exit 0', this.options.budget.marker));
            });
          }),
      ),
    );
    const limit = accepted.filter(Boolean).length + ours;
    this.options.log.debug(`[${this.options.label}] session limit probe: ${limit >= 3 ? '3 or more' : limit}`);
    return limit;
  }

  async stream(argv: readonly string[], handlers: StreamHandlers, options: StreamOptions = {}): Promise<StreamHandle> {
    const { budget, label } = this.options;
    const what = argv[0] ?? 'stream';
    const script = renderCommand(argv, this.options.prelude);
    const signal = options.signal ?? new AbortController().signal;
    const lane = await this.streamLane(signal);
    if (lane) return lane.stream(argv, handlers, options);
    const streamSlot = await budget.streams.acquire(signal);
    let slot: { live: Live; release: Release };
    try {
      slot = await budget.acquire(budget.channels, signal, what);
    } catch (err) {
      streamSlot();
      throw err;
    }
    let onAbort: () => void = () => undefined;
    const release = (): void => {
      slot.release();
      streamSlot();
    };
    let releasedOnce = false;
    const started = await startChannel(budget, label, slot.live, script, what, () => {
      if (releasedOnce) return;
      releasedOnce = true;
      release();
    }, {
      onStdout: (d) => handlers.onStdout(d),
      onStderr: (d) => handlers.onStderr?.(d),
      onEnd: (exit, error) => {
        signal.removeEventListener('abort', onAbort);
        handlers.onExit?.({ ...exit, ...(error ? { error } : {}) });
      },
    }, signal).catch((err: unknown) => {
      streamSlot();
      throw err;
    });
    onAbort = started.stop;
    signal.addEventListener('abort', onAbort, { once: true });
    if (!options.interactive) started.channel.end();
    const channel = started.channel;
    return {
      close: started.stop,
      dispose: started.stop,
      write: (data) => {
        if (!options.interactive) throw new Error(`${what}: stdin is closed (not an interactive stream)`);
        if (channel.writable) channel.write(data);
      },
    };
  }
}
