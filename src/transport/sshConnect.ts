/**
 * Opens one authenticated ssh2 connection to a profile's target, through its ProxyJump chain
 * (`forwardOut` on each hop, `sock: stream` for the next). The first hop is dialled directly or,
 * when ~/.ssh/config gives it a ProxyCommand, through that command's stdin/stdout. Every hop gets
 * a host key check (user and system known_hosts, under its HostKeyAlias if it has one),
 * keepalive and a connect timeout that pauses while the user is answering a prompt.
 */
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import type { ResolvedSshProfile, SshEndpoint } from '../config/profile';
import { CancelledError, UserFacingError } from '../core/errors';
import type { TransportDeps } from './auth';
import { HostKeyError, hostKeyLookup, knownKeyTypes, readKnownHostsFiles, verifyHostKey } from './knownHosts';
import { ProxyCommandError, spawnProxyCommand } from './proxyCommand';
import { createAuthSession } from './sshAuth';

export interface ConnectTimings {
  /** Budget for TCP connect + handshake + each server round trip of auth; paused while prompting. */
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** How long the question "trust this unknown host key?" may stay unanswered before the login gives up. */
  hostKeyPromptMs: number;
}

export const DEFAULT_CONNECT_TIMINGS: ConnectTimings = {
  connectTimeoutMs: 20_000,
  hostKeyPromptMs: 5 * 60_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
};

export interface SshConnection {
  /** The client for the target host. */
  client: Client;
  /** Every client of the chain, jump hosts first. */
  chain: Client[];
  end(): void;
}

export interface ConnectOptions {
  resolved: ResolvedSshProfile;
  deps: TransportDeps;
  timings?: Partial<ConnectTimings>;
  signal?: AbortSignal;
}

export async function connectChain(opts: ConnectOptions): Promise<SshConnection> {
  const timings = { ...DEFAULT_CONNECT_TIMINGS, ...opts.timings };
  const hops = [...opts.resolved.jumps, opts.resolved.target];
  const chain: Client[] = [];
  const endAll = (): void => {
    for (const c of [...chain].reverse()) c.end();
  };
  for (const note of opts.resolved.notes) opts.deps.logger.info(note);
  try {
    let sock: Duplex | undefined;
    for (let i = 0; i < hops.length; i++) {
      const hop = hops[i];
      const via = i > 0 ? hops[i - 1] : undefined;
      const client = await connectHop(hop, sock, via, opts, timings);
      chain.push(client);
      if (i < hops.length - 1) sock = await forwardOut(client, hops[i + 1], hop);
    }
  } catch (err) {
    endAll();
    throw err;
  }
  const client = chain[chain.length - 1];
  // When any hop goes, the whole chain goes: a jump host without its target is useless.
  for (const c of chain) c.once('close', endAll);
  return { client, chain, end: endAll };
}

function forwardOut(client: Client, next: SshEndpoint, via: SshEndpoint): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => {
      if (err) {
        reject(
          new UserFacingError(
            `Jump host ${via.host}:${via.port} could not open a connection to ${next.host}:${next.port}: ${err.message}.`,
            'Check that the jump host allows TCP forwarding (AllowTcpForwarding) and can reach the target.',
            { cause: err },
          ),
        );
      } else {
        resolve(stream);
      }
    });
  });
}

const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

/** Prefer the key types known_hosts already has for this host, like OpenSSH does. */
async function hostKeyAlgorithms(endpoint: SshEndpoint): Promise<string[]> {
  const files = [...(await readKnownHostsFiles(endpoint.knownHostsFiles)), ...(await readKnownHostsFiles(endpoint.globalKnownHostsFiles, true))];
  const lookup = hostKeyLookup(endpoint.host, endpoint.port, endpoint.hostKeyAlias);
  const known = knownKeyTypes(files, lookup.host, lookup.port).flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t],
  );
  const preferred = HOST_KEY_ALGORITHMS.filter((a) => known.includes(a));
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))];
}

async function connectHop(
  hop: SshEndpoint,
  sock: Duplex | undefined,
  via: SshEndpoint | undefined,
  opts: ConnectOptions,
  timings: ConnectTimings,
): Promise<Client> {
  const { deps } = opts;
  const label = `${hop.user}@${hop.host}:${hop.port}`;
  const auth = createAuthSession({
    endpoint: hop,
    deps,
    profileName: opts.resolved.profile.name,
    rememberSecrets: opts.resolved.profile.rememberSecrets,
  });
  const serverHostKey = await hostKeyAlgorithms(hop);

  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let settled = false;
    let hostKeyError: Error | undefined;
    let timer: NodeJS.Timeout | undefined;

    const finish = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        client.end();
        reject(err);
      } else {
        resolve(client);
      }
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        finish(
          new UserFacingError(
            `Connecting to ${label}${via ? ` (via ${via.host})` : ''} timed out after ${Math.round(timings.connectTimeoutMs / 1000)} s.`,
            'Check the host name, port and network (VPN?), then connect again.',
          ),
        );
      }, timings.connectTimeoutMs);
    };
    const pause = (): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    const onAbort = (): void => finish(new CancelledError(`Connecting to ${label}`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    auth.onPromptStart = pause;
    auth.onPromptEnd = () => {
      if (!settled) arm();
    };

    client.on('ready', () => {
      void auth.onSuccess().catch((err: unknown) => deps.logger.warn(`Could not save a secret: ${(err as Error).message}`));
      finish(undefined);
    });
    client.on('banner', (message) => deps.logger.info(`[${label}] banner: ${message.trim()}`));
    client.on('error', (err: Error & { level?: string }) => {
      if (settled) {
        deps.logger.warn(`[${label}] ${err.message}`);
        return;
      }
      if (hostKeyError) return finish(hostKeyError);
      if (err instanceof ProxyCommandError) return finish(err);
      if (err.level === 'client-authentication') return finish(auth.describeFailure());
      if (/too many authentication failures/i.test(err.message)) {
        return finish(
          new UserFacingError(
            `Could not log in to ${label}: the server ended the login after too many failed attempts (${err.message}).`,
            hop.identitiesOnly
              ? 'Check which key the server accepts for this user and name it as the IdentityFile.'
              : 'An ssh-agent with many keys offers each of them: set "IdentitiesOnly yes" and the right IdentityFile for this host in ~/.ssh/config.',
            { cause: err },
          ),
        );
      }
      finish(
        new UserFacingError(
          `Could not connect to ${label}${via ? ` (via ${via.host})` : ''}: ${err.message}.`,
          err.level === 'client-socket'
            ? 'Check the host name and port, and that the SSH server is running and reachable.'
            : 'Check the server and network, then connect again.',
          { cause: err },
        ),
      );
    });
    client.on('close', () => {
      if (!settled) finish(hostKeyError ?? new UserFacingError(`The connection to ${label} closed during login.`, 'Check the server logs or your network, then connect again.'));
    });

    // Started here, right before ssh2 takes it: ssh2 listens for its errors from then on.
    const hopSock = sock ?? (hop.proxyCommand !== undefined ? spawnProxyCommand({ command: hop.proxyCommand, label, logger: deps.logger }) : undefined);
    const config: ConnectConfig = {
      host: hop.host,
      port: hop.port,
      username: hop.user,
      sock: hopSock,
      // ssh2's readyTimeout cannot pause while a person types a 2FA code: we keep our own timer.
      readyTimeout: 0,
      keepaliveInterval: timings.keepaliveIntervalMs,
      keepaliveCountMax: timings.keepaliveCountMax,
      algorithms: { serverHostKey: serverHostKey as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      authHandler: auth.handler,
      // Must not be an async function: ssh2 treats any non-undefined return value as the verdict.
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        pause();
        verifyHostKey({
          host: hop.host,
          port: hop.port,
          keyBlob: key,
          knownHostsFiles: hop.knownHostsFiles,
          globalKnownHostsFiles: hop.globalKnownHostsFiles,
          hostKeyAlias: hop.hostKeyAlias,
          confirmUnknown: (h, p, t, fp) => askAboutHostKey(deps, timings.hostKeyPromptMs, h, p, t, fp),
        }).then(
          () => {
            if (!settled) arm();
            verify(true);
          },
          (err: unknown) => {
            hostKeyError = err instanceof HostKeyError ? err : new UserFacingError(`Could not check the host key of ${label}: ${(err as Error).message}`, 'Check that the known_hosts file is readable and writable.');
            verify(false);
          },
        );
      },
    };
    arm();
    try {
      client.connect(config);
      // Nagle off. Without its native addon (left out of our bundle), ssh2 encrypts each packet
      // in pieces and writes them one by one (length, body, tag for AES-GCM). With Nagle the later
      // pieces wait for the ACK of the first, which the server delays by up to 40 ms: every window
      // adjust of a forward, keystroke of a terminal and request of a command stalls. A forwarded
      // 64 MB download ran at 94 MB/s with it and 201 MB/s without (forward.bench.ts).
      // A ProxyCommand or jump-host stream has no Nagle to switch off; ssh2 skips it.
      client.setNoDelay(true);
    } catch (err) {
      finish(err as Error);
    }
  });
}

/**
 * Asks the user about an unknown host key, within a time limit. An unanswered question (a toast
 * left in the notification centre) must not keep the connection "connecting" for ever, and a
 * prompt that fails must not look like a known_hosts problem; both are host key refusals, which
 * are never retried automatically (the user connects again to be asked again).
 */
async function askAboutHostKey(deps: TransportDeps, limitMs: number, host: string, port: number, keyType: string, fingerprint: string): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HostKeyError(`The host key of ${host}:${port} (${keyType} ${fingerprint}) was not confirmed within ${Math.round(limitMs / 1000)} s, so the connection was not made.`, 'Connect again and answer the question about the host key.')),
      limitMs,
    );
  });
  try {
    return await Promise.race([deps.prompter.confirmUnknownHostKey(host, port, keyType, fingerprint), timeout]);
  } catch (err) {
    if (err instanceof HostKeyError) throw err;
    throw new HostKeyError(`Could not ask whether to trust the host key of ${host}:${port} (${keyType} ${fingerprint}): ${(err as Error).message}`, 'Connect again; if the question cannot be shown, add the key to known_hosts yourself (ssh-keyscan).');
  } finally {
    clearTimeout(timer);
  }
}
