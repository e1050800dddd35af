/**
 * Promise wrappers over ssh2's SFTP callbacks, plus mkdir -p and an atomic rename.
 */
import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import { errorMessage } from '../core/errors';

export function isNoSuchFile(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 2;
}

export function sftpCall<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value as T)));
  });
}

export async function sftpRename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    // POSIX rename replaces the target atomically; plain SFTP rename refuses an existing target.
    await sftpCall<void>((cb) => sftp.ext_openssh_rename(from, to, cb));
  } catch (err) {
    // ssh2 says "Server does not support this extended request" when the server lacks the extension.
    if (!/not support/i.test(errorMessage(err))) throw err;
    await sftpCall<void>((cb) => sftp.unlink(to, cb)).catch(() => undefined);
    await sftpCall<void>((cb) => sftp.rename(from, to, cb));
  }
}

export async function sftpMkdirp(sftp: SFTPWrapper, dir: string): Promise<void> {
  if (dir === '' || dir === '.' || dir === '/') return;
  const existing = await sftpCall<Stats>((cb) => sftp.stat(dir, cb)).catch((err: unknown) => {
    if (isNoSuchFile(err)) return undefined;
    throw err;
  });
  if (existing) {
    if (!existing.isDirectory()) throw new Error(`${dir} exists and is not a folder`);
    return;
  }
  await sftpMkdirp(sftp, posix.dirname(dir));
  try {
    await sftpCall<void>((cb) => sftp.mkdir(dir, cb));
  } catch (err) {
    // Someone else may have created it meanwhile.
    const st = await sftpCall<Stats>((cb) => sftp.stat(dir, cb)).catch(() => undefined);
    if (!st?.isDirectory()) throw err;
  }
}

