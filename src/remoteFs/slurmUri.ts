/**
 * `slurm://<profile>/<path>` ↔ (profile, remote path). The authority is the profile's name; the
 * path is the remote path as the login sees it. A path under the login directory keeps its `~`
 * (`slurm://hpc/~/runs/a.out` is `~/runs/a.out` there), so a folder opened from a job whose work
 * dir we only know relative to home still maps back to the same file. (So a top-level folder
 * literally named `/~` cannot be reached this way.)
 *
 * Pure strings: the VS Code layer hands in a Uri's decoded `authority` and `path`.
 */
import { posix } from 'node:path';

export const SLURM_SCHEME = 'slurm';

export interface RemoteLocation {
  profile: string;
  /** Absolute (`/home/a/x`) or under the login directory (`~`, `~/x`). */
  remotePath: string;
}

/** A Uri path (`/home/a`, `/~/x`) → the remote path (`/home/a`, `~/x`). `..` never climbs above `/` or `~`. */
export function remotePathOfUriPath(uriPath: string): string {
  const underHome = /^\/*~(\/|$)/.exec(uriPath);
  if (underHome) {
    // `~` anchors the path: its `..` stay inside the login directory (its parent is not known here).
    const rest = posix.normalize(`/${uriPath.slice(underHome[0].length)}`);
    return rest === '/' ? '~' : `~${rest.replace(/\/$/, '')}`;
  }
  const p = posix.normalize(`/${uriPath}`);
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

/** A remote path (absolute, `~`, `~/x`, or relative to the login directory) → the Uri path. */
export function uriPathOfRemotePath(remotePath: string): string {
  if (remotePath === '~' || remotePath.startsWith('~/')) return `/${remotePathOfUriPath(`/${remotePath}`)}`;
  if (remotePath.startsWith('/')) return remotePathOfUriPath(remotePath);
  return uriPathOfRemotePath(`~/${remotePath}`);
}

export function locationOfUri(uri: { authority: string; path: string }): RemoteLocation {
  return { profile: uri.authority, remotePath: remotePathOfUriPath(uri.path) };
}

export function uriPartsOf(location: RemoteLocation): { scheme: string; authority: string; path: string } {
  return { scheme: SLURM_SCHEME, authority: location.profile, path: uriPathOfRemotePath(location.remotePath) };
}

/**
 * The profile an authority names. VS Code lower-cases a Uri's host when it prints it (a workspace
 * folder is stored printed), so an exact match wins and a case-insensitive one is the fallback.
 */
export function profileForAuthority(authority: string, profiles: readonly string[]): string | undefined {
  if (profiles.includes(authority)) return authority;
  const lower = authority.toLowerCase();
  return profiles.find((p) => p.toLowerCase() === lower);
}

/** The Uri as a string (percent-encoded), e.g. for logs, messages and settings. */
export function formatSlurmUri(location: RemoteLocation): string {
  const path = uriPathOfRemotePath(location.remotePath)
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%7E/gi, '~'))
    .join('/');
  return `${SLURM_SCHEME}://${encodeURIComponent(location.profile)}${path}`;
}

export function parseSlurmUri(text: string): RemoteLocation | undefined {
  const m = /^slurm:\/\/([^/?#]*)([^?#]*)$/i.exec(text);
  if (!m) return undefined;
  try {
    return locationOfUri({ authority: decodeURIComponent(m[1] ?? ''), path: decodeURIComponent(m[2] || '/') });
  } catch {
    return undefined; // malformed percent-encoding
  }
}
