/**
 * The file system behind `slurm://` URIs, without VS Code: each call finds the profile's transport,
 * runs the file operation with the command timeout and a cancel signal, and says why it failed as
 * one of the kinds VS Code's FileSystemError knows. Writes are checked for conflicts (conflict.ts);
 * reads above the size cap are refused before anything is transferred.
 */
import { posix } from 'node:path';
import { UserFacingError, errorMessage } from '../core/errors';
import { fileOpKindOf } from '../transport/fileDirErrors';
import type { DirEntry, Transport } from '../transport/types';
import { KnownVersions, checkWrite, type FileVersion } from './conflict';
import { formatSlurmUri, type RemoteLocation } from './slurmUri';

export type RemoteFsErrorKind = 'FileNotFound' | 'FileExists' | 'FileNotADirectory' | 'FileIsADirectory' | 'NoPermissions' | 'Unavailable';

export class RemoteFsError extends UserFacingError {
  constructor(
    readonly kind: RemoteFsErrorKind,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
    this.name = 'RemoteFsError';
  }
}

export interface RemoteStat {
  type: 'file' | 'dir';
  size: number;
  mtimeMs: number;
}

export interface RemoteFilesOptions {
  /** The profile's transport (its session connects on demand), or undefined for an unknown profile. */
  transportFor(profile: string): Transport | undefined;
  timeoutMs(): number;
  /** Reads of larger files are refused (slurm.remoteFiles.maxFileSizeMB). */
  maxReadBytes(): number;
}

export interface WriteFlags {
  create: boolean;
  overwrite: boolean;
  /** Skip the conflict check (the user chose "Overwrite"). */
  force?: boolean;
}

const KIND_OF_FILE_OP = { notFound: 'FileNotFound', exists: 'FileExists', noPermission: 'NoPermissions', notDirectory: 'FileNotADirectory', other: undefined } as const;

/** What a transport error means for VS Code: the FileOpError kind, else what the message says. */
export function remoteFsKindOf(err: unknown): RemoteFsErrorKind | undefined {
  const direct = KIND_OF_FILE_OP[fileOpKindOf(err)] ?? KIND_OF_FILE_OP[fileOpKindOf((err as { cause?: unknown } | undefined)?.cause)];
  if (direct) return direct;
  const message = errorMessage(err);
  if (/permission denied|EACCES|EPERM/i.test(message)) return 'NoPermissions';
  if (/no such file|ENOENT/i.test(message)) return 'FileNotFound';
  return undefined;
}

export class RemoteFiles {
  readonly versions = new KnownVersions();

  constructor(private readonly options: RemoteFilesOptions) {}

  private transport(loc: RemoteLocation): Transport {
    const t = this.options.transportFor(loc.profile);
    if (!t) throw new RemoteFsError('Unavailable', `There is no cluster profile named "${loc.profile}" for ${formatSlurmUri(loc)}.`, 'Add the profile (Slurm: Add Cluster Profile) or remove the folder from the workspace.');
    return t;
  }

  private key(loc: RemoteLocation): string {
    return `${loc.profile}\u0000${loc.remotePath}`;
  }

  private opts(signal?: AbortSignal): { timeoutMs: number; signal?: AbortSignal } {
    return { timeoutMs: this.options.timeoutMs(), ...(signal ? { signal } : {}) };
  }

  /** Runs a transport call; failures that VS Code should tell apart become RemoteFsErrors. */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const kind = remoteFsKindOf(err);
      if (!kind || (err as { name?: string }).name === 'RemoteFsError') throw err;
      throw new RemoteFsError(kind, errorMessage(err), (err as { hint?: string }).hint, { cause: err });
    }
  }

  private notFound(loc: RemoteLocation): RemoteFsError {
    return new RemoteFsError('FileNotFound', `${loc.remotePath} does not exist on ${loc.profile}.`, 'It may have been moved or deleted on the cluster.');
  }

  async stat(loc: RemoteLocation, signal?: AbortSignal): Promise<RemoteStat> {
    const st = await this.run(() => this.transport(loc).stat(loc.remotePath, this.opts(signal)));
    if (!st) throw this.notFound(loc);
    return { type: st.isDirectory ? 'dir' : 'file', size: st.size, mtimeMs: st.mtimeMs };
  }

  async readDirectory(loc: RemoteLocation, signal?: AbortSignal): Promise<DirEntry[]> {
    const t = this.transport(loc);
    if (!t.readDirectory) throw new RemoteFsError('Unavailable', `Listing folders is not supported on ${t.label}.`);
    const list = t.readDirectory.bind(t);
    return this.run(() => list(loc.remotePath, this.opts(signal)));
  }

  async readFile(loc: RemoteLocation, signal?: AbortSignal): Promise<Uint8Array> {
    const t = this.transport(loc);
    const st = await this.stat(loc, signal);
    if (st.type === 'dir') throw new RemoteFsError('FileIsADirectory', `${loc.remotePath} on ${loc.profile} is a folder.`);
    const cap = this.options.maxReadBytes();
    if (st.size > cap) {
      throw new RemoteFsError(
        'Unavailable',
        `${loc.remotePath} on ${loc.profile} is ${mb(st.size)} MB, more than the ${mb(cap)} MB that are opened from the cluster.`,
        'Raise slurm.remoteFiles.maxFileSizeMB, or look at it in a terminal on the cluster (less, tail).',
      );
    }
    const data = await this.run(() => t.readFile(loc.remotePath, this.opts(signal)));
    this.versions.remember(this.key(loc), { size: st.size, mtimeMs: st.mtimeMs });
    return data;
  }

  /** The version on the cluster now, or undefined when the file is gone. */
  async currentVersion(loc: RemoteLocation, signal?: AbortSignal): Promise<FileVersion | undefined> {
    const st = await this.run(() => this.transport(loc).stat(loc.remotePath, this.opts(signal)));
    return st && { size: st.size, mtimeMs: st.mtimeMs };
  }

  async writeFile(loc: RemoteLocation, data: Uint8Array, flags: WriteFlags, signal?: AbortSignal): Promise<void> {
    const t = this.transport(loc);
    const current = await this.run(() => t.stat(loc.remotePath, this.opts(signal)));
    if (current?.isDirectory) throw new RemoteFsError('FileIsADirectory', `${loc.remotePath} on ${loc.profile} is a folder.`);
    if (!current && !flags.create) throw this.notFound(loc);
    if (current && !flags.overwrite) throw new RemoteFsError('FileExists', `${loc.remotePath} already exists on ${loc.profile}.`);
    if (!flags.force) checkWrite(`${loc.remotePath} on ${loc.profile}`, this.versions.get(this.key(loc)), current && { size: current.size, mtimeMs: current.mtimeMs });
    if (!current) await this.parentMustExist(loc, signal);
    await this.run(() => t.writeFile(loc.remotePath, Buffer.from(data.buffer, data.byteOffset, data.byteLength), this.opts(signal)));
    const written = await this.run(() => t.stat(loc.remotePath, this.opts(signal)));
    if (written) this.versions.remember(this.key(loc), { size: written.size, mtimeMs: written.mtimeMs });
  }

  async rename(from: RemoteLocation, to: RemoteLocation, overwrite: boolean, signal?: AbortSignal): Promise<void> {
    if (from.profile !== to.profile) throw new RemoteFsError('Unavailable', `Moving between clusters (${from.profile} → ${to.profile}) is not supported.`, 'Copy the file instead.');
    const t = this.transport(from);
    if (!t.rename) throw new RemoteFsError('Unavailable', `Renaming is not supported on ${t.label}.`);
    const rename = t.rename.bind(t);
    await this.run(() => rename(from.remotePath, to.remotePath, { ...this.opts(signal), overwrite }));
    this.versions.move(this.key(from), this.key(to));
  }

  async delete(loc: RemoteLocation, recursive: boolean, signal?: AbortSignal): Promise<void> {
    const st = await this.stat(loc, signal);
    if (st.type === 'dir' && !recursive && (await this.readDirectory(loc, signal)).length > 0) {
      throw new RemoteFsError('Unavailable', `${loc.remotePath} on ${loc.profile} is a folder that is not empty.`);
    }
    await this.run(() => this.transport(loc).remove(loc.remotePath, this.opts(signal)));
    this.versions.forget(this.key(loc));
  }

  async createDirectory(loc: RemoteLocation, signal?: AbortSignal): Promise<void> {
    const t = this.transport(loc);
    if (await this.run(() => t.stat(loc.remotePath, this.opts(signal)))) throw new RemoteFsError('FileExists', `${loc.remotePath} already exists on ${loc.profile}.`);
    await this.parentMustExist(loc, signal);
    await this.run(() => t.mkdirp(loc.remotePath, this.opts(signal)));
  }

  /** VS Code expects writeFile/createDirectory to refuse a missing parent rather than create it. */
  private async parentMustExist(loc: RemoteLocation, signal?: AbortSignal): Promise<void> {
    const parent = posix.dirname(loc.remotePath);
    if (parent === loc.remotePath || parent === '~' || parent === '.') return;
    const st = await this.run(() => this.transport(loc).stat(parent, this.opts(signal)));
    if (!st) throw new RemoteFsError('FileNotFound', `The folder ${parent} does not exist on ${loc.profile}.`);
    if (!st.isDirectory) throw new RemoteFsError('FileNotADirectory', `${parent} on ${loc.profile} is not a folder.`);
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}
