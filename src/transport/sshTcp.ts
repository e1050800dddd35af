/**
 * A TCP connection opened by the cluster's login node: an ssh2 `forwardOut` (a direct-tcpip
 * channel) on the profile's one connection, as `ssh -L` does. direct-tcpip channels are not
 * sessions, so sshd's MaxSessions does not count them and they take nothing from the channel
 * budget (sshChannels.ts) that commands and log streams share; a browser opening six connections
 * to a forwarded Jupyter never makes a poll wait. ssh2 closes the channel when the connection drops.
 */
import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { UserFacingError, errorMessage } from '../core/errors';
import { raceSignal, startDeadline } from './commandRunner';
import type { Live } from './sshConnection';
import type { TcpOptions } from './types';

/** How long the login node may take to reach host:port when the caller gives no budget. */
export const DEFAULT_TCP_OPEN_TIMEOUT_MS = 15_000;

export async function openSshTcp(label: string, ensureConnected: () => Promise<Live>, host: string, port: number, options: TcpOptions = {}): Promise<Duplex> {
  const what = `TCP connection to ${host}:${port}`;
  const deadline = startDeadline(what, options.timeoutMs ?? DEFAULT_TCP_OPEN_TIMEOUT_MS, options.signal);
  try {
    const live = await raceSignal(ensureConnected(), deadline.signal, what);
    const opening = new Promise<ClientChannel>((resolve, reject) => {
      live.conn.client.forwardOut('127.0.0.1', 0, host, port, (err, channel) => (err ? reject(err) : resolve(channel)));
    });
    // Opened after the caller gave up: close it, nobody will.
    opening.then((channel) => deadline.signal.aborted && channel.close(), () => undefined);
    try {
      return await raceSignal(opening, deadline.signal, what);
    } catch (err) {
      if (deadline.signal.aborted) throw err;
      throw new UserFacingError(
        `The login node of ${label} could not open a connection to ${host}:${port}: ${errorMessage(err)}`,
        'Check that the server in the job is running and listens on that port on an address other hosts can reach (for Jupyter, --ip=0.0.0.0), and that the login node allows TCP forwarding.',
        { cause: err },
      );
    }
  } finally {
    deadline.dispose();
  }
}
