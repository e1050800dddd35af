/**
 * File operations of the ssh transport: over the shared SFTP session, or with shell commands once
 * SFTP proved unusable on the login (sshSftp.ts). Uploads go to a temp file renamed into place,
 * and never leave the temp file behind on failure.
 */
import { posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Stats } from 'ssh2';
import { UserFacingError, errorMessage } from '../core/errors';
import { stripHome, wholeSecondsStamp } from './commandRunner';
import { isNoSuchFile, sftpCall, sftpMkdirp, sftpRename } from './sftpOps';
import { parseShellStat, shellMkdirArgv, shellReadArgv, shellStatArgv, shellWriteArgv } from './shellFileOps';
import type { SftpSession } from './sshSftp';
import type { ExecOptions, ExecResult, FileOptions, FileStat, WriteFileOptions } from './types';

export interface FileOpsHost {
  label: string;
  sftp: SftpSession;
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
}

function shellExec(host: FileOpsHost, argv: string[], what: string, options: FileOptions, stdin?: string | Buffer): Promise<ExecResult> {
  return host.exec(argv, { timeoutMs: options.timeoutMs, signal: options.signal, label: what, ...(stdin !== undefined ? { stdin } : {}) });
}

export async function sshMkdirp(host: FileOpsHost, path: string, options: FileOptions): Promise<void> {
  await host.sftp.orShell(
    () => host.sftp.with(`mkdir -p ${path}`, options, (sftp) => sftpMkdirp(sftp, stripHome(path))),
    async () => {
      const r = await shellExec(host, shellMkdirArgv(stripHome(path)), `mkdir -p ${path}`, options);
      if (r.code !== 0) throw new UserFacingError(`Could not create ${path} on ${host.label}: ${r.stderr.trim()}`, 'Check the permissions of its parent folder.');
    },
  );
}

export async function sshWriteFile(host: FileOpsHost, path: string, data: string | Buffer, options: WriteFileOptions): Promise<void> {
  const target = stripHome(path);
  const mtime = wholeSecondsStamp(options.mtimeMs);
  const dir = posix.dirname(target);
  const tmp = posix.join(dir, `.${posix.basename(target)}.swb-${randomBytes(6).toString('hex')}.tmp`);
  await host.sftp.orShell(() => host.sftp.with(`upload ${path}`, options, async (sftp) => {
    await sftpMkdirp(sftp, dir);
    try {
      await sftpCall<void>((cb) => sftp.writeFile(tmp, data, cb));
      if (mtime !== undefined) await sftpCall<void>((cb) => sftp.utimes(tmp, mtime, mtime, cb));
      await sftpRename(sftp, tmp, target);
    } catch (err) {
      // Never leave a temp file behind on failure.
      await sftpCall<void>((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
      throw new UserFacingError(`Could not write ${path} on ${host.label}: ${errorMessage(err)}`, 'Check that the folder exists and is writable, and that there is free space.', { cause: err });
    }
  }), async () => {
    const r = await shellExec(host, shellWriteArgv(dir, tmp, target, mtime), `upload ${path}`, options, data);
    if (r.code !== 0) throw new UserFacingError(`Could not write ${path} on ${host.label}: ${r.stderr.trim()}`, 'Check that the folder exists and is writable, and that there is free space.');
  });
}

export async function sshReadFile(host: FileOpsHost, path: string, options: FileOptions): Promise<Buffer> {
  const cannotRead = (detail: string, cause?: unknown): UserFacingError =>
    new UserFacingError(`Could not read ${path} on ${host.label}: ${detail}`, 'Check that the file exists and is readable.', cause === undefined ? undefined : { cause });
  return host.sftp.orShell(
    () =>
      host.sftp.with(`download ${path}`, options, async (sftp) => {
        try {
          return await sftpCall<Buffer>((cb) => sftp.readFile(stripHome(path), cb));
        } catch (err) {
          throw cannotRead(errorMessage(err), err);
        }
      }),
    async () => {
      const r = await shellExec(host, shellReadArgv(stripHome(path)), `download ${path}`, options);
      if (r.code !== 0) throw cannotRead(r.stderr.trim());
      return Buffer.from(r.stdout.trim(), 'base64');
    },
  );
}

export async function sshStat(host: FileOpsHost, path: string, options: FileOptions): Promise<FileStat | undefined> {
  return host.sftp.orShell(
    () =>
      host.sftp.with(`stat ${path}`, options, async (sftp) => {
        try {
          const st = await sftpCall<Stats>((cb) => sftp.stat(stripHome(path), cb));
          return { size: st.size, mtimeMs: st.mtime * 1000, isDirectory: st.isDirectory() };
        } catch (err) {
          if (isNoSuchFile(err)) return undefined;
          throw err;
        }
      }),
    async () => {
      const r = await shellExec(host, shellStatArgv(stripHome(path)), `stat ${path}`, options);
      if (r.code !== 0) throw new UserFacingError(`Could not stat ${path} on ${host.label}: ${r.stderr.trim()}`, 'Check the permissions of the path and its folder.');
      return parseShellStat(r.stdout);
    },
  );
}

export async function sshRemove(host: FileOpsHost, path: string, options: FileOptions): Promise<void> {
  // rm -rf handles files and trees in one round trip; `~/` becomes relative to the login dir.
  const result = await host.exec(['rm', '-rf', '--', stripHome(path)], { ...options, label: `remove ${path}`, idempotent: true });
  if (result.code !== 0) {
    throw new UserFacingError(`Could not remove ${path} on ${host.label}: ${result.stderr.trim()}`, 'Check the permissions of the path and its folder.');
  }
}
