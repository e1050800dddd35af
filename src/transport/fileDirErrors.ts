/**
 * Why a file or directory operation failed, as a kind the layer above can act on (VS Code's
 * FileSystemError needs to tell "not found" from "exists" from "no permission"), with the
 * user-facing message and hint of every other transport error.
 */
import { UserFacingError } from '../core/errors';

export type FileOpErrorKind = 'notFound' | 'exists' | 'noPermission' | 'notDirectory' | 'other';

export class FileOpError extends UserFacingError {
  constructor(
    readonly kind: FileOpErrorKind,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, hint, options);
    this.name = 'FileOpError';
  }
}

const HINTS: Record<FileOpErrorKind, string> = {
  notFound: 'Check the path: it may have been moved or deleted on the cluster.',
  exists: 'Choose another name, or remove the existing one first.',
  noPermission: 'Check the permissions of the path and its folder on the cluster.',
  notDirectory: 'The path is a file, not a folder.',
  other: 'Check the path and its permissions on the cluster.',
};

export function fileOpError(kind: FileOpErrorKind, message: string, cause?: unknown): FileOpError {
  return new FileOpError(kind, message, HINTS[kind], cause === undefined ? undefined : { cause });
}

/** The kind behind an errno code (node:fs) or an SFTP status code (2 no such file, 3 permission denied). */
export function fileOpKindOf(err: unknown): FileOpErrorKind {
  if (typeof err !== 'object' || err === null) return 'other';
  if (err instanceof FileOpError) return err.kind;
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 2) return 'notFound';
  if (code === 'EACCES' || code === 'EPERM' || code === 3) return 'noPermission';
  if (code === 'EEXIST' || code === 'ENOTEMPTY') return 'exists';
  if (code === 'ENOTDIR') return 'notDirectory';
  return 'other';
}
