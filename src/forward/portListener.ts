/**
 * The local end of a forward: a TCP listener on 127.0.0.1 (never on other interfaces: whoever can
 * reach it reaches the job's server with the user's rights) that pipes each accepted socket to a
 * new stream opened on the cluster side (Transport.openTcp). Closing it ends every connection.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { UserFacingError } from '../core/errors';

export interface PortListenerOptions {
  /** 0 (or undefined): any free port. */
  localPort?: number;
  /** Opens the cluster side of one accepted connection. */
  connect(): Promise<Duplex>;
  /** One accepted connection could not be carried (its socket is closed); the listener stays. */
  onConnectionError?(err: unknown): void;
}

export class PortListener {
  private readonly pairs = new Set<{ socket: Socket; remote?: Duplex }>();
  private closed = false;
  private totalAccepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly options: PortListenerOptions,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1; a port in use is a UserFacingError saying so. */
  static async start(options: PortListenerOptions): Promise<PortListener> {
    const server = createServer({ pauseOnConnect: true, noDelay: true });
    const wanted = options.localPort ?? 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          err.code === 'EADDRINUSE'
            ? new UserFacingError(`Local port ${wanted} is already in use.`, 'Choose another local port, or leave it empty for any free port.')
            : new UserFacingError(`Could not listen on 127.0.0.1:${wanted}: ${err.message}`, 'Choose another local port.'),
        );
      });
      server.listen({ host: '127.0.0.1', port: wanted, exclusive: true }, () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : wanted;
    return new PortListener(server, port, options);
  }

  /** Connections open right now. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Connections accepted since the start. */
  get accepted(): number {
    return this.totalAccepted;
  }

  private accept(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.totalAccepted++;
    const pair: { socket: Socket; remote?: Duplex } = { socket };
    this.pairs.add(pair);
    const drop = (): void => {
      this.pairs.delete(pair);
      socket.destroy();
      pair.remote?.destroy();
    };
    socket.once('close', drop);
    socket.on('error', () => undefined); // the 'close' that follows drops the pair
    this.options.connect().then(
      (remote) => {
        if (this.closed || socket.destroyed) return void remote.destroy();
        pair.remote = remote;
        remote.on('error', () => socket.destroy());
        // The server finished sending: pass its end on (the socket flushes first), then let go.
        remote.once('close', () => (socket.writableEnded ? undefined : socket.end()));
        socket.pipe(remote);
        remote.pipe(socket);
        socket.resume();
      },
      (err: unknown) => {
        drop();
        this.options.onConnectionError?.(err);
      },
    );
  }

  /** Stops listening and ends every connection; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.close();
    for (const pair of [...this.pairs]) {
      pair.socket.destroy();
      pair.remote?.destroy();
    }
    this.pairs.clear();
  }
}

