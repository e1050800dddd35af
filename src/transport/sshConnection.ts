/**
 * The one ssh2 connection of an SshTransport, and its lifecycle: connect on demand, reconnect with
 * exponential backoff after a drop (state `reconnecting`), and never retry on its own what needs
 * the user (a failed or cancelled login, a host key problem): work then fails fast until the user
 * calls connect() again.
 */
import type { ResolvedSshProfile } from '../config/profile';
import { Emitter } from '../core/disposable';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import type { TransportDeps } from './auth';
import { backoffDelayMs, sleep, type BackoffPolicy } from './backoff';
import { HostKeyError } from './knownHosts';
import { AuthCancelledError, AuthFailedError } from './sshAuth';
import { connectChain, type ConnectTimings, type SshConnection } from './sshConnect';
import type { ConnectionState } from './types';

/** One established connection; a new one (higher generation) replaces it after a drop. */
export interface Live {
  conn: SshConnection;
  generation: number;
  closed: boolean;
  /** Resolves when this connection closes. */
  closedPromise: Promise<void>;
}

/** Errors that must wait for the user (lockouts, MITM): no automatic reconnect. */
function needsUser(err: unknown): boolean {
  return err instanceof AuthFailedError || err instanceof AuthCancelledError || err instanceof HostKeyError;
}

export interface ConnectionKeeperOptions {
  label: string;
  resolved: ResolvedSshProfile;
  deps: TransportDeps;
  timings?: Partial<ConnectTimings>;
  backoff: BackoffPolicy;
  /** The connection is gone (dropped or disconnected): what lives on it must let go (SFTP). */
  onGone(): void;
}

export class ConnectionKeeper {
  private currentState: ConnectionState = { kind: 'disconnected' };
  private readonly stateEmitter = new Emitter<ConnectionState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private live: Live | undefined;
  private pending: Promise<Live> | undefined;
  private blocked: Error | undefined;
  private generation = 0;
  private disposedFlag = false;
  private readonly lifetime = new AbortController();

  constructor(private readonly options: ConnectionKeeperOptions) {}

  get state(): ConnectionState {
    return this.currentState;
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** The live connection, if any (for diagnostics). */
  get current(): Live | undefined {
    const live = this.live;
    return live && !live.closed ? live : undefined;
  }

  private get label(): string {
    return this.options.label;
  }

  private get log() {
    return this.options.deps.logger;
  }

  private setState(state: ConnectionState): void {
    this.currentState = state;
    this.log.debug(`[${this.label}] state: ${state.kind}${'attempt' in state ? ` #${state.attempt}` : ''}`);
    this.stateEmitter.fire(state);
  }

  async connect(): Promise<void> {
    this.blocked = undefined; // the user is retrying: one more attempt is theirs to make
    await this.ensureConnected();
  }

  async disconnect(): Promise<void> {
    this.pending = undefined;
    const live = this.live;
    this.live = undefined;
    this.options.onGone();
    if (live) {
      live.closed = true;
      live.conn.end();
    }
    this.setState({ kind: 'disconnected' });
  }

  /** First half of disposal: no new connection, the one being dialled is abandoned. */
  beginDispose(): void {
    this.disposedFlag = true;
    this.lifetime.abort(new CancelledError(`Connection to ${this.label}`));
  }

  /** Last half of disposal, after disconnect(): no more state events. */
  endDispose(): void {
    this.stateEmitter.dispose();
  }

  ensureConnected(): Promise<Live> {
    if (this.disposedFlag) return Promise.reject(new CancelledError(`Connection to ${this.label}`));
    if (this.live && !this.live.closed) return Promise.resolve(this.live);
    if (this.blocked) return Promise.reject(this.blocked);
    if (!this.pending) {
      const first = this.currentState.kind === 'disconnected' || this.currentState.kind === 'failed';
      this.pending = (first ? this.dialOnce() : this.reconnectLoop(undefined)).finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async dialOnce(): Promise<Live> {
    this.setState({ kind: 'connecting' });
    try {
      return await this.dial();
    } catch (err) {
      if (needsUser(err)) this.blocked = err as Error;
      this.setState({ kind: 'failed', error: errorMessage(err) });
      throw err;
    }
  }

  private async reconnectLoop(reason: string | undefined): Promise<Live> {
    const backoff = this.options.backoff;
    let lastError = reason ?? 'connection lost';
    for (let attempt = 1; attempt <= backoff.maxAttempts; attempt++) {
      this.setState({ kind: 'reconnecting', attempt, lastError });
      await sleep(backoffDelayMs(attempt, backoff), this.lifetime.signal);
      try {
        return await this.dial();
      } catch (err) {
        lastError = errorMessage(err);
        this.log.warn(`[${this.label}] reconnect attempt ${attempt} failed: ${lastError}`);
        if (needsUser(err) || this.disposedFlag) {
          if (needsUser(err)) this.blocked = err as Error;
          this.setState({ kind: 'failed', error: lastError });
          throw err;
        }
      }
    }
    this.setState({ kind: 'failed', error: lastError });
    throw new UserFacingError(
      `Could not reconnect to ${this.label} after ${backoff.maxAttempts} attempts: ${lastError}`,
      'Check the network and the cluster; the next refresh tries again.',
    );
  }

  private async dial(): Promise<Live> {
    const started = Date.now();
    const conn = await connectChain({
      resolved: this.options.resolved,
      deps: this.options.deps,
      timings: this.options.timings,
      signal: this.lifetime.signal,
    });
    if (this.disposedFlag) {
      conn.end();
      throw new CancelledError(`Connection to ${this.label}`);
    }
    conn.client.setMaxListeners(0); // one 'close' listener per running channel
    let markClosed!: () => void;
    const live: Live = {
      conn,
      generation: ++this.generation,
      closed: false,
      closedPromise: new Promise<void>((r) => (markClosed = r)),
    };
    conn.client.once('close', () => {
      const wasCurrent = this.live === live && !live.closed;
      live.closed = true;
      markClosed();
      if (!wasCurrent) return;
      this.live = undefined;
      this.options.onGone();
      this.log.warn(`[${this.label}] connection lost`);
      if (this.disposedFlag) return;
      // Start reconnecting now so the UI shows it and queued work resumes as soon as possible.
      if (!this.pending) {
        this.pending = this.reconnectLoop('connection lost').finally(() => {
          this.pending = undefined;
        });
        this.pending.catch(() => undefined);
      }
    });
    this.live = live;
    this.log.info(`[${this.label}] connected in ${Date.now() - started} ms`);
    this.setState({ kind: 'connected' });
    return live;
  }
}
