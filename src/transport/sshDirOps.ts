/**
 * readDirectory and rename of the ssh transport: over the shared SFTP session, or with shell
 * commands once SFTP proved unusable on the login (the same switch as sshFiles.ts).
 */
import { posix } from 'node:path';
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { errorMessage } from '../core/errors';
import { stripHome } from './commandRunner';
import { fileOpError, fileOpKindOf, type FileOpErrorKind } from './fileDirErrors';
import { isNoSuchFile, sftpCall, sftpRename } from './sftpOps';
import { parseShellList, shellFailureKind, shellListArgv, shellRenameArgv } from './shellDirOps';
import type { FileOpsHost } from './sshFiles';
import type { DirEntry, FileOptions, RenameOptions } from './types';

/** Symlink targets are stat'ed this many at a time (one SFTP channel pipelines them). */
const TARGET_STATS_AT_ONCE = 16;

function sftpStatOrUndefined(sftp: SFTPWrapper, path: string, lstat = false): Promise<Stats | undefined> {
  return sftpCall<Stats>((cb) => (lstat ? sftp.lstat(path, cb) : sftp.stat(path, cb))).catch((err: unknown) => {
    if (isNoSuchFile(err)) return undefined;
    throw err;
  });
}

async function sftpList(sftp: SFTPWrapper, dir: string, shown: string, label: string): Promise<DirEntry[]> {
  let list: FileEntryWithStats[];
  try {
    list = await sftpCall<FileEntryWithStats[]>((cb) => sftp.readdir(dir, cb));
  } catch (err) {
    // SFTP says little (OpenSSH answers "No such file" for a file, "Failure" for others): ask what the path is.
    let kind: FileOpErrorKind = fileOpKindOf(err);
    if (kind !== 'noPermission') {
      const st = await sftpStatOrUndefined(sftp, dir).catch(() => null);
      if (st === undefined) kind = 'notFound';
      else if (st && !st.isDirectory()) kind = 'notDirectory';
    }
    throw fileOpError(kind, `Could not list ${shown} on ${label}: ${errorMessage(err)}`, err);
  }
  const entries: DirEntry[] = list.map((e) => {
    const a = e.attrs;
    const type = a.isSymbolicLink() ? 'symlink' : a.isDirectory() ? 'dir' : 'file';
    return { name: e.filename, type, size: a.size, mtimeMs: a.mtime * 1000 };
  });
  const links = entries.filter((e) => e.type === 'symlink');
  for (let i = 0; i < links.length; i += TARGET_STATS_AT_ONCE) {
    await Promise.all(
      links.slice(i, i + TARGET_STATS_AT_ONCE).map(async (link) => {
        const target = await sftpStatOrUndefined(sftp, posix.join(dir, link.name)).catch(() => undefined);
        if (target) link.targetType = target.isDirectory() ? 'dir' : 'file';
      }),
    );
  }
  return entries;
}

export async function sshReadDirectory(host: FileOpsHost, path: string, options: FileOptions): Promise<DirEntry[]> {
  const dir = stripHome(path);
  return host.sftp.orShell(
    () => host.sftp.with(`list ${path}`, options, (sftp) => sftpList(sftp, dir, path, host.label)),
    async () => {
      const r = await host.exec(shellListArgv(dir), { timeoutMs: options.timeoutMs, signal: options.signal, label: `list ${path}`, idempotent: true });
      if (r.code !== 0) throw fileOpError(shellFailureKind(r.code, r.stderr), `Could not list ${path} on ${host.label}: ${r.stderr.trim()}`);
      return parseShellList(r.stdout);
    },
  );
}

export async function sshRename(host: FileOpsHost, from: string, to: string, options: RenameOptions): Promise<void> {
  const source = stripHome(from);
  const target = stripHome(to);
  const what = `rename ${from} to ${to}`;
  const failed = (kind: FileOpErrorKind, detail: string, cause?: unknown) => fileOpError(kind, `Could not rename ${from} to ${to} on ${host.label}: ${detail}`, cause);
  await host.sftp.orShell(
    () =>
      host.sftp.with(what, options, async (sftp) => {
        if (!(await sftpStatOrUndefined(sftp, source, true))) throw failed('notFound', 'it does not exist');
        if (!options.overwrite && (await sftpStatOrUndefined(sftp, target, true))) throw failed('exists', `${to} exists`);
        try {
          // posix-rename replaces atomically; plain SFTP rename refuses an existing target, which is what we want otherwise.
          if (options.overwrite) await sftpRename(sftp, source, target);
          else await sftpCall<void>((cb) => sftp.rename(source, target, cb));
        } catch (err) {
          throw failed(fileOpKindOf(err), errorMessage(err), err);
        }
      }),
    async () => {
      const r = await host.exec(shellRenameArgv(source, target, options.overwrite === true), { timeoutMs: options.timeoutMs, signal: options.signal, label: what });
      if (r.code !== 0) throw failed(shellFailureKind(r.code, r.stderr), r.stderr.trim());
    },
  );
}
