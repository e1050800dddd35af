/**
 * readDirectory and rename as plain commands, for a login where SFTP cannot be used (see
 * shellFileOps.ts for why). Paths are positional parameters, never part of the script text; the
 * transport quotes argv with core/shellQuote. GNU find and mv, as on any Linux login node.
 */
import type { DirEntry } from './types';
import type { FileOpErrorKind } from './fileDirErrors';

/** Exit codes our scripts use to say why, before the tool itself could fail. */
const EXIT_KIND: Record<number, FileOpErrorKind> = { 2: 'notFound', 3: 'exists', 4: 'noPermission', 5: 'notDirectory' };

/** find and mv read a leading '-' as an option: a relative path gets './' in front. */
function safePath(path: string): string {
  return path.startsWith('-') ? `./${path}` : path;
}

/**
 * One record per entry, NUL-terminated: `<type>/<target type>/<size>/<mtime>/<name>` — a name may
 * hold any byte but '/' and NUL, so it goes last and '/' separates the rest.
 */
export function shellListArgv(path: string): string[] {
  const script = [
    '[ -e "$1" ] || [ -L "$1" ] || { echo "No such file or directory" >&2; exit 2; }',
    '[ -d "$1" ] || { echo "Not a directory" >&2; exit 5; }',
    '{ [ -r "$1" ] && [ -x "$1" ]; } || { echo "Permission denied" >&2; exit 4; }',
    "exec find \"$1\" -mindepth 1 -maxdepth 1 -printf '%y/%Y/%s/%T@/%f\\0'",
  ].join('\n');
  return ['sh', '-c', script, 'swb-list', safePath(path)];
}

/** Renames $1 to $2 with `mv -T` (never into a folder of that name); $3 = 1 replaces an existing target. */
export function shellRenameArgv(from: string, to: string, overwrite: boolean): string[] {
  const script = [
    '[ -e "$1" ] || [ -L "$1" ] || { echo "No such file or directory" >&2; exit 2; }',
    'if [ "$3" != 1 ] && { [ -e "$2" ] || [ -L "$2" ]; }; then echo "File exists" >&2; exit 3; fi',
    'exec mv -f -T -- "$1" "$2"',
  ].join('\n');
  return ['sh', '-c', script, 'swb-rename', safePath(from), safePath(to), overwrite ? '1' : '0'];
}

function entryType(letter: string): 'file' | 'dir' | undefined {
  if (letter === 'd') return 'dir';
  if (letter === 'N' || letter === 'L' || letter === '?') return undefined; // dangling, loop, unknown
  return 'file'; // regular files, and devices, pipes and sockets shown as files
}

export function parseShellList(stdout: string): DirEntry[] {
  const out: DirEntry[] = [];
  for (const record of stdout.split('\0')) {
    if (record === '') continue;
    const m = /^(.)\/(.)\/(\d+)\/(\d+)(?:\.\d*)?\/(.+)$/s.exec(record);
    if (!m) throw new Error(`unexpected listing record: ${JSON.stringify(record.slice(0, 80))}`);
    const [, own, target, size, seconds, name] = m as unknown as [string, string, string, string, string, string];
    // Whole seconds, as stat (shellFileOps) and SFTP v3 report them: the conflict check compares them.
    const mtimeMs = Number(seconds) * 1000;
    if (own === 'l') out.push({ name, type: 'symlink', targetType: entryType(target), size: Number(size), mtimeMs });
    else out.push({ name, type: entryType(own) ?? 'file', size: Number(size), mtimeMs });
  }
  return out;
}

/** Why a listing or rename script failed, from its exit code or the tool's message. */
export function shellFailureKind(code: number | null, stderr: string): FileOpErrorKind {
  const byCode = code === null ? undefined : EXIT_KIND[code];
  if (byCode) return byCode;
  if (/permission denied|operation not permitted/i.test(stderr)) return 'noPermission';
  if (/no such file/i.test(stderr)) return 'notFound';
  if (/not empty|file exists/i.test(stderr)) return 'exists';
  return 'other';
}
