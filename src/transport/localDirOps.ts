/**
 * readDirectory and rename of the local transport, over node:fs. Paths arrive resolved against
 * the home directory (LocalTransport.resolvePath).
 */
import { lstat, readdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../core/errors';
import { fileOpError, fileOpKindOf, type FileOpErrorKind } from './fileDirErrors';
import type { DirEntry } from './types';

export async function localReadDirectory(dir: string, shown: string): Promise<DirEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw fileOpError(fileOpKindOf(err), `Could not list ${shown}: ${errorMessage(err)}`, err);
  }
  const entries = await Promise.all(
    names.map(async (name): Promise<DirEntry | undefined> => {
      const full = join(dir, name);
      const st = await lstat(full).catch(() => undefined);
      if (!st) return undefined; // removed while we listed
      if (!st.isSymbolicLink()) return { name, type: st.isDirectory() ? 'dir' : 'file', size: st.size, mtimeMs: st.mtimeMs };
      const target = await stat(full).catch(() => undefined);
      return { name, type: 'symlink', targetType: target ? (target.isDirectory() ? 'dir' : 'file') : undefined, size: st.size, mtimeMs: st.mtimeMs };
    }),
  );
  return entries.filter((e): e is DirEntry => e !== undefined);
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function localRename(from: string, to: string, overwrite: boolean, shown: { from: string; to: string }): Promise<void> {
  const failed = (kind: FileOpErrorKind, detail: string, cause?: unknown) => fileOpError(kind, `Could not rename ${shown.from} to ${shown.to}: ${detail}`, cause);
  const step = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw failed(fileOpKindOf(err), errorMessage(err), err);
    }
  };
  if (!(await step(() => lstatOrUndefined(from)))) throw failed('notFound', 'it does not exist');
  if (!overwrite && (await step(() => lstatOrUndefined(to)))) throw failed('exists', `${shown.to} exists`);
  await step(() => rename(from, to));
}
