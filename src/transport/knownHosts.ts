/**
 * Host key verification against OpenSSH known_hosts files: plain and hashed (`|1|salt|hash`)
 * host patterns, `[host]:port` for non-22 ports, wildcards and negation, `@revoked` markers.
 * The user's files and the system-wide ones (/etc/ssh/ssh_known_hosts, GlobalKnownHostsFile)
 * are all read; a HostKeyAlias replaces host:port as the name looked up and recorded.
 * Unknown key → the user is asked (SHA256 fingerprint shown) and an accepted key is appended to
 * the first user file. Changed or revoked key → refused with an error that says how to fix it.
 * Never auto-accepted.
 *
 * `@cert-authority`: ssh2 (1.17) negotiates only plain host key algorithms, never the
 * `*-cert-v01@openssh.com` ones, so a host certificate never reaches us and cannot be checked.
 * A host trusted only through a CA line is therefore refused with a message that says how to add
 * its plain key, instead of being offered as an ordinary unknown key.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserFacingError } from '../core/errors';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written: comma-separated patterns, or one hashed `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  key: Buffer;
  line: number;
}

/** Parses known_hosts text; malformed lines are skipped (as ssh does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift() as string;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    if (fields.length < 3) return;
    const [hosts, keyType, keyB64] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyB64)) return;
    entries.push({ marker, hosts, keyType, key: Buffer.from(keyB64, 'base64'), line: i + 1 });
  });
  return entries;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function hashHostName(name: string, salt: Buffer): string {
  return createHmac('sha1', salt).update(name).digest('base64');
}

function wildcardMatch(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

/** Does this entry's host field name host:port? */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostName(host, port);
  if (entry.hosts.startsWith('|1|')) {
    const [, , saltB64, hashB64] = entry.hosts.split('|');
    if (!saltB64 || !hashB64) return false;
    const expected = Buffer.from(hashB64, 'base64');
    const actual = Buffer.from(hashHostName(name, Buffer.from(saltB64, 'base64')), 'base64');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  let matched = false;
  for (const pattern of entry.hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false; // a negated match vetoes the line
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -lf` prints it. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name stored at the start of an ssh public key blob (e.g. "ssh-ed25519"). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

export type HostKeyCheck =
  | { kind: 'known'; file: string; line: number }
  | { kind: 'unknown'; otherKeyTypes: string[] }
  | { kind: 'changed'; file: string; line: number; knownFingerprint: string }
  | { kind: 'revoked'; file: string; line: number }
  /** Not known as a plain key, but a `@cert-authority` line covers the host (see the file comment). */
  | { kind: 'cert-authority'; file: string; line: number };

export interface KnownHostsFile {
  path: string;
  entries: KnownHostEntry[];
}

/** Pure check of a presented key against parsed files. */
export function checkHostKey(files: readonly KnownHostsFile[], host: string, port: number, keyBlob: Buffer): HostKeyCheck {
  const keyType = keyTypeOfBlob(keyBlob);
  for (const f of files) {
    for (const e of f.entries) {
      if (e.marker === 'revoked' && e.key.equals(keyBlob)) return { kind: 'revoked', file: f.path, line: e.line };
    }
  }
  let changed: HostKeyCheck | undefined;
  const otherTypes = new Set<string>();
  for (const f of files) {
    for (const e of f.entries) {
      if (e.marker !== undefined || !entryMatchesHost(e, host, port)) continue;
      if (e.key.equals(keyBlob)) return { kind: 'known', file: f.path, line: e.line };
      if (e.keyType === keyType) {
        changed ??= { kind: 'changed', file: f.path, line: e.line, knownFingerprint: sha256Fingerprint(e.key) };
      } else {
        otherTypes.add(e.keyType);
      }
    }
  }
  if (changed) return changed;
  for (const f of files) {
    for (const e of f.entries) {
      if (e.marker === 'cert-authority' && entryMatchesHost(e, host, port)) return { kind: 'cert-authority', file: f.path, line: e.line };
    }
  }
  return { kind: 'unknown', otherKeyTypes: [...otherTypes] };
}

/**
 * The name a host's key is filed under: `[host]:port` (or `host` on 22), or the HostKeyAlias as
 * it is (OpenSSH uses the alias alone, without a port). Returned as the (host, port) pair the
 * lookup functions take.
 */
export function hostKeyLookup(host: string, port: number, hostKeyAlias?: string): { host: string; port: number } {
  return hostKeyAlias !== undefined ? { host: hostKeyAlias, port: 22 } : { host, port };
}

/** Key types already recorded for host:port, so the client can prefer them in negotiation. */
export function knownKeyTypes(files: readonly KnownHostsFile[], host: string, port: number): string[] {
  const types = new Set<string>();
  for (const f of files) for (const e of f.entries) if (e.marker === undefined && entryMatchesHost(e, host, port)) types.add(e.keyType);
  return [...types];
}

/** One known_hosts line for host:port; hashed when asked (like HashKnownHosts yes). */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer, hashed = false): string {
  const name = knownHostName(host, port);
  let field = name;
  if (hashed) {
    const salt = randomBytes(20);
    field = `|1|${salt.toString('base64')}|${hashHostName(name, salt)}`;
  }
  return `${field} ${keyTypeOfBlob(keyBlob)} ${keyBlob.toString('base64')}`;
}

/**
 * Reads known_hosts files; a missing one is empty. `unreadableIsEmpty` (for the system-wide files,
 * which we only read) also treats an unreadable one as empty, as OpenSSH does.
 */
export async function readKnownHostsFiles(paths: readonly string[], unreadableIsEmpty = false): Promise<KnownHostsFile[]> {
  const out: KnownHostsFile[] = [];
  for (const path of paths) {
    try {
      out.push({ path, entries: parseKnownHosts(await readFile(path, 'utf8')) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !unreadableIsEmpty) throw err;
      out.push({ path, entries: [] });
    }
  }
  return out;
}

export async function appendKnownHost(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await readFile(path, 'utf8');
    if (existing.length > 0 && !existing.endsWith('\n')) prefix = '\n';
  } catch {
    // new file
  }
  await appendFile(path, `${prefix}${line}\n`, { mode: 0o600 });
}

export interface HostKeyVerifyRequest {
  host: string;
  port: number;
  keyBlob: Buffer;
  /** User known_hosts files in lookup order; an accepted key is appended to the first. */
  knownHostsFiles: readonly string[];
  /** System-wide known_hosts files: read after the user's, never written. */
  globalKnownHostsFiles?: readonly string[];
  /** HostKeyAlias: look the key up and record it under this name instead of host:port. */
  hostKeyAlias?: string;
  confirmUnknown(host: string, port: number, keyType: string, fingerprint: string): Promise<boolean>;
  /** Write hashed entries (HashKnownHosts). */
  hashNewEntries?: boolean;
}

export class HostKeyError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'HostKeyError';
  }
}

/** Resolves when the key is trusted (known, or accepted and recorded); throws HostKeyError otherwise. */
export async function verifyHostKey(req: HostKeyVerifyRequest): Promise<void> {
  const globalFiles = req.globalKnownHostsFiles ?? [];
  const files = [...(await readKnownHostsFiles(req.knownHostsFiles)), ...(await readKnownHostsFiles(globalFiles, true))];
  const lookup = hostKeyLookup(req.host, req.port, req.hostKeyAlias);
  const result = checkHostKey(files, lookup.host, lookup.port, req.keyBlob);
  const fingerprint = sha256Fingerprint(req.keyBlob);
  const keyType = keyTypeOfBlob(req.keyBlob);
  const name = knownHostName(lookup.host, lookup.port);
  const shown = req.hostKeyAlias !== undefined ? `${knownHostName(req.host, req.port)} (HostKeyAlias ${req.hostKeyAlias})` : name;
  const userFile = req.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
  switch (result.kind) {
    case 'known':
      return;
    case 'revoked':
      throw new HostKeyError(
        `The ${keyType} host key of ${shown} (${fingerprint}) is marked @revoked in ${result.file}:${result.line}. Refusing to connect.`,
        'Ask the cluster administrators for the current host key.',
      );
    case 'changed':
      throw new HostKeyError(
        `HOST KEY CHANGED for ${shown}: it presented ${keyType} ${fingerprint}, but ${result.file}:${result.line} records ${result.knownFingerprint}. ` +
          'Someone could be intercepting the connection, or the host was reinstalled. Refusing to connect.',
        globalFiles.includes(result.file)
          ? `Check the new fingerprint with the cluster administrators; ${result.file} is the system-wide list, so they (or root) must update it there.`
          : `Check the new fingerprint with the cluster administrators; if it is right, remove the old key with ` +
            `\`ssh-keygen -R '${name}' -f '${result.file}'\` and connect again.`,
      );
    case 'cert-authority':
      throw new HostKeyError(
        `${shown} is trusted through a host certificate authority (@cert-authority in ${result.file}:${result.line}), ` +
          `but Slurm Workbench cannot check SSH host certificates, and the plain ${keyType} key it presented (${fingerprint}) is not in known_hosts. Refusing to connect.`,
        `Add the host's plain key to ${userFile}: run \`ssh-keyscan -t ${keyType} -p ${req.port} ${req.host}\`, check that its fingerprint ` +
          `(\`ssh-keygen -lf -\` on that output) is ${fingerprint} and matches what the cluster administrators publish, then append the line` +
          (req.hostKeyAlias !== undefined ? ` with the host field replaced by ${req.hostKeyAlias}.` : '.'),
      );
    case 'unknown': {
      const accepted = await req.confirmUnknown(req.host, req.port, keyType, fingerprint);
      if (!accepted) {
        throw new HostKeyError(
          `The host key of ${shown} (${keyType} ${fingerprint}) is not known and was not accepted.`,
          'Connect again and accept the key after checking the fingerprint with the cluster administrators.',
        );
      }
      const target = req.knownHostsFiles[0];
      if (target) await appendKnownHost(target, formatKnownHostsLine(lookup.host, lookup.port, req.keyBlob, req.hashNewEntries));
      return;
    }
  }
}
