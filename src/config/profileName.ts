/**
 * The name Add Cluster Profile suggests for a host: the ~/.ssh/config alias as written, else the
 * host name's first label ("login" for login.hpc.example.org), never a bare piece of an address
 * ("127" for 127.0.0.1): an IP becomes "cluster-127-0-0-1" (or "user@ip" when a user was given).
 * A name already taken gets "-2", "-3", ….
 */
import { isIP } from 'node:net';

export interface HostChoice {
  host: string;
  user?: string;
  /** The host came from ~/.ssh/config: its alias is the name the user already knows it by. */
  fromSshConfig?: boolean;
}

export function suggestProfileName(choice: HostChoice, taken: readonly string[] = []): string {
  return unique(baseName(choice), taken);
}

function baseName({ host, user, fromSshConfig }: HostChoice): string {
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (fromSshConfig && h) return h;
  if (isIP(h)) return user ? `${user}@${h}` : `cluster-${h.replace(/[.:]+/g, '-').replace(/^-|-$/g, '')}`;
  const first = h.split('.')[0];
  return first && !/^\d+$/.test(first) ? first : `cluster-${h.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

function unique(name: string, taken: readonly string[]): string {
  if (!taken.includes(name)) return name;
  for (let i = 2; ; i++) if (!taken.includes(`${name}-${i}`)) return `${name}-${i}`;
}
