/**
 * The folder URI Microsoft's Remote-SSH extension opens for an ssh profile's path:
 * `vscode-remote://ssh-remote+<host>/<path>`. A host with a user or port is given the way
 * Remote-SSH itself writes it then: hex-encoded JSON `{"hostName","user","port"}`.
 */
export const REMOTE_SSH_EXTENSION = 'ms-vscode-remote.remote-ssh';

export interface SshTarget {
  host: string;
  user?: string;
  port?: number;
}

export function remoteSshAuthority(target: SshTarget): string {
  if (target.user === undefined && (target.port === undefined || target.port === 22) && /^[A-Za-z0-9._-]+$/.test(target.host)) return `ssh-remote+${target.host}`;
  const json = JSON.stringify({ hostName: target.host, ...(target.user ? { user: target.user } : {}), ...(target.port && target.port !== 22 ? { port: target.port } : {}) });
  return `ssh-remote+${Buffer.from(json, 'utf8').toString('hex')}`;
}

/** Only absolute paths: Remote-SSH does not expand `~`. */
export function remoteSshFolder(target: SshTarget, remotePath: string): { scheme: string; authority: string; path: string } | undefined {
  if (!remotePath.startsWith('/')) return undefined;
  return { scheme: 'vscode-remote', authority: remoteSshAuthority(target), path: remotePath };
}
