/**
 * Folder sync, the pure half: which local files must go to the remote workspace so that a job
 * sees the folder as it is locally. Compares what a local walk found with one remote listing by
 * size + modification time (ms) and says what to upload, what is unchanged, and what is skipped
 * (excluded, symlink, too large, changed on the cluster). Never plans a deletion: files that exist
 * only on the cluster (job outputs, data put there by hand) are the user's and stay untouched.
 * VS Code-free; the I/O lives in folderSync.ts.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { z } from 'zod';
import { parseSection, type SettingsSection } from '../config/settings';
import { lazySchema } from '../core/lazySchema';

// ---------------------------------------------------------------------------------------------
// Settings

/** Folder sync's settings (`slurm.submit.sync*`), from the one settings schema (config/settings.ts). */
export type SyncSettings = Pick<SettingsSection<'submit'>, 'syncFolder' | 'syncExclude' | 'syncMaxFileMb'>;

export function parseSyncSettings(raw: Partial<Record<keyof SyncSettings, unknown>>): { settings: SyncSettings; problems: string[] } {
  const { settings, problems } = parseSection('submit', raw);
  return { settings: syncSettingsOf(settings), problems };
}

export function syncSettingsOf(submit: SettingsSection<'submit'>): SyncSettings {
  return { syncFolder: submit.syncFolder, syncExclude: submit.syncExclude, syncMaxFileMb: submit.syncMaxFileMb };
}

// ---------------------------------------------------------------------------------------------
// Paths

/**
 * `<folder name>-<8 hex of the local path>`: readable, and stable per local folder so re-submits
 * reuse (and only top up) the same remote copy, while two folders with the same name never share one.
 */
export function workspaceDirName(localDir: string): string {
  const hash = createHash('sha256').update(localDir).digest('hex').slice(0, 8);
  const base = localDir.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? '';
  const safe = base.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|_+$/g, '').slice(0, 40);
  return safe ? `${safe}-${hash}` : hash;
}

export function remoteWorkspaceDir(absoluteRemoteRoot: string, localDir: string): string {
  return posix.join(absoluteRemoteRoot, 'workspaces', workspaceDirName(localDir));
}

/** Where the job runs: the script's folder, mapped inside the remote workspace. `relScriptDir` is "/"-separated ("" = the synced folder itself). */
export function remoteJobDir(remoteWorkspace: string, relScriptDir: string): string {
  if (relScriptDir.split('/').includes('..')) throw new Error(`remoteJobDir: ${relScriptDir} is outside the synced folder`);
  return relScriptDir === '' || relScriptDir === '.' ? remoteWorkspace : posix.join(remoteWorkspace, relScriptDir);
}

// ---------------------------------------------------------------------------------------------
// Excludes

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "**/" matches any number of folders (also none); a trailing "**" anything below.
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'u');
}

export interface ExcludeMatcher {
  /** `relPath` is "/"-separated from the synced folder; a folder that matches hides everything below it. */
  (relPath: string): boolean;
}

export function excludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const byName: RegExp[] = [];
  const byPath: RegExp[] = [];
  for (const raw of patterns) {
    const p = raw.trim().replace(/\/+$/, '');
    if (!p) continue;
    if (p.includes('/')) byPath.push(globToRegExp(p.replace(/^\/+/, '')));
    else byName.push(globToRegExp(p));
  }
  return (relPath) => {
    const parts = relPath.split('/');
    if (parts.some((name) => byName.some((r) => r.test(name)))) return true;
    // A path pattern matches the path itself or any of its parent folders.
    for (let n = 1; n <= parts.length; n++) {
      const prefix = parts.slice(0, n).join('/');
      if (byPath.some((r) => r.test(prefix))) return true;
    }
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// Listings

/** What the local walk saw: regular files with size and mtime (whole ms), and what it will not follow. */
export type LocalEntry =
  | { kind: 'file'; path: string; size: number; mtimeMs: number }
  | { kind: 'symlink'; path: string }
  | { kind: 'other'; path: string };

export interface RemoteFile {
  size: number;
  /** Whole milliseconds since the epoch. */
  mtimeMs: number;
  /** The remote file system stores whole seconds only (the fraction was all zeros). */
  wholeSeconds: boolean;
}

const RemoteRecordSchema = lazySchema(() => z.object({
  path: z.string().min(1),
  size: z.coerce.number().int().nonnegative(),
  mtime: z.string().regex(/^\d+(\.\d+)?$/),
}));

/**
 * Parses `find . -type f -printf '%P\t%s\t%T@\0'`: NUL-terminated so newlines in names survive;
 * size and time are the last two tab fields, so tabs in names survive too. `%T@` is parsed from
 * its digits (no float rounding): seconds, then the first three fraction digits.
 */
export function parseRemoteListing(stdout: string): Map<string, RemoteFile> {
  const files = new Map<string, RemoteFile>();
  for (const record of stdout.split('\0')) {
    if (record === '' || record === '\n') continue;
    const t2 = record.lastIndexOf('\t');
    const t1 = record.lastIndexOf('\t', t2 - 1);
    if (t1 <= 0 || t2 <= t1) throw new Error(`Unexpected line in the remote file listing: ${JSON.stringify(record.slice(0, 200))}`);
    const r = RemoteRecordSchema.safeParse({ path: record.slice(0, t1), size: record.slice(t1 + 1, t2), mtime: record.slice(t2 + 1) });
    if (!r.success) throw new Error(`Unexpected line in the remote file listing: ${JSON.stringify(record.slice(0, 200))}`);
    const [secs, frac = ''] = r.data.mtime.split('.');
    const ms = Number(secs) * 1000 + Number((frac + '000').slice(0, 3));
    files.set(r.data.path, { size: r.data.size, mtimeMs: ms, wholeSeconds: /^0*$/.test(frac) });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// The plan

export type UploadReason = 'new' | 'size' | 'mtime';
export type SkipReason = 'excluded' | 'symlink' | 'not a regular file' | 'too large' | 'changed on the cluster';

export interface PlannedUpload {
  path: string;
  size: number;
  mtimeMs: number;
  reason: UploadReason;
}

export interface SyncPlan {
  uploads: PlannedUpload[];
  uploadBytes: number;
  unchanged: number;
  /** Not uploaded, each with why (excluded entries are counted, not listed: there can be thousands). */
  skipped: { path: string; reason: Exclude<SkipReason, 'excluded'> }[];
  excluded: number;
}

export interface PlanOptions {
  exclude: ExcludeMatcher;
  maxFileBytes: number;
}

function sameTime(local: number, remote: RemoteFile): boolean {
  if (local === remote.mtimeMs) return true;
  // A file system that keeps whole seconds cannot hold our milliseconds: compare seconds.
  return remote.wholeSeconds && Math.floor(local / 1000) * 1000 === remote.mtimeMs;
}

/**
 * Upload what is new or differs in size or mtime. A remote copy that is NEWER than the local file
 * and differs was changed on the cluster (we stamp uploads with the local mtime): it is not
 * overwritten but reported — touching the local file (or deleting the remote one) uploads it again.
 */
export function planSync(local: readonly LocalEntry[], remote: ReadonlyMap<string, RemoteFile>, options: PlanOptions): SyncPlan {
  const plan: SyncPlan = { uploads: [], uploadBytes: 0, unchanged: 0, skipped: [], excluded: 0 };
  for (const entry of local) {
    if (options.exclude(entry.path)) {
      plan.excluded++;
      continue;
    }
    if (entry.kind === 'symlink') {
      plan.skipped.push({ path: entry.path, reason: 'symlink' });
      continue;
    }
    if (entry.kind === 'other') {
      plan.skipped.push({ path: entry.path, reason: 'not a regular file' });
      continue;
    }
    if (entry.size > options.maxFileBytes) {
      plan.skipped.push({ path: entry.path, reason: 'too large' });
      continue;
    }
    const there = remote.get(entry.path);
    let reason: UploadReason | undefined;
    if (!there) reason = 'new';
    else if (there.size !== entry.size) reason = 'size';
    else if (!sameTime(entry.mtimeMs, there)) reason = 'mtime';
    if (reason === undefined) {
      plan.unchanged++;
      continue;
    }
    if (there && there.mtimeMs > entry.mtimeMs && !sameTime(entry.mtimeMs, there)) {
      plan.skipped.push({ path: entry.path, reason: 'changed on the cluster' });
      continue;
    }
    plan.uploads.push({ path: entry.path, size: entry.size, mtimeMs: entry.mtimeMs, reason });
    plan.uploadBytes += entry.size;
  }
  plan.uploads.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Remote commands (argv only: the transport quotes each element)

/** Lists the remote workspace in one round trip; prints nothing when it does not exist yet (no side effect, so Preview/Check can ask too). */
export function remoteListingArgv(remoteWorkspace: string): string[] {
  const script = 'if [ -d "$1" ]; then cd -- "$1" && exec find . -type f -printf \'%P\\t%s\\t%T@\\0\'; fi';
  return ['sh', '-c', script, 'sh', remoteWorkspace];
}

/** "3 changed files (12.4 KB)" */
export function describeUpload(plan: Pick<SyncPlan, 'uploads' | 'uploadBytes'>): string {
  const n = plan.uploads.length;
  const kb = plan.uploadBytes / 1024;
  const size = kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb.toFixed(1)} KB`;
  return `${n} changed ${n === 1 ? 'file' : 'files'} (${size})`;
}

/** "not synced: link (symlink), huge.bin (too large)" — at most `max` names, then a count. */
export function describeSkipped(plan: Pick<SyncPlan, 'skipped'>, max = 5): string | undefined {
  if (plan.skipped.length === 0) return undefined;
  const shown = plan.skipped.slice(0, max).map((s) => `${JSON.stringify(s.path)} (${s.reason})`);
  const more = plan.skipped.length > max ? ` and ${plan.skipped.length - max} more` : '';
  return `not synced: ${shown.join(', ')}${more}`;
}
