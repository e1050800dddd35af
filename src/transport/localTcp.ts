/**
 * A TCP connection from this machine (the local transport's openTcp): `net.connect` with the same
 * time budget, cancellation and error wording as the ssh transport's (sshTcp.ts).
 */
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { UserFacingError, errorMessage } from '../core/errors';
import { raceSignal, startDeadline } from './commandRunner';
import { DEFAULT_TCP_OPEN_TIMEOUT_MS } from './sshTcp';
import type { TcpOptions } from './types';

export async function openLocalTcp(host: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
  const what = `TCP connection to ${host}:${port}`;
  const deadline = startDeadline(what, options.timeoutMs ?? DEFAULT_TCP_OPEN_TIMEOUT_MS, options.signal);
  let socket: Socket | undefined;
  try {
    const opening = new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      socket = s;
      s.once('connect', () => {
        s.removeListener('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    try {
      return await raceSignal(opening, deadline.signal, what);
    } catch (err) {
      socket?.destroy();
      if (deadline.signal.aborted) throw err;
      throw new UserFacingError(
        `Could not open a connection to ${host}:${port} on this machine: ${errorMessage(err)}`,
        'Check that the server in the job is running and listens on that port.',
        { cause: err },
      );
    }
  } finally {
    deadline.dispose();
  }
}
