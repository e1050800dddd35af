/**
 * Folder sync, the I/O half: walk the local folder, list the remote workspace in one round trip,
 * plan (syncPlan.ts), upload only new/changed files (atomic Transport.writeFile each, the temp
 * file stamped with the local mtime before its rename).
 *
 * Why stamp mtimes instead of keeping a manifest file on the cluster: the remote files then carry
 * the truth themselves — a copy changed on the cluster is visible as such (and not overwritten),
 * a manifest cannot go stale or be lost, two submits at once cannot race on it, and tools that
 * look at mtimes (make, snakemake) see the same times as locally.
 *
 * Nothing is ever deleted on the cluster: files that exist only there (job outputs, data) are the
 * user's, and a sync has no business removing them.
 * VS Code-free.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { posix } from 'node:path';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import type { Transport } from '../transport/types';
import { absoluteRemoteRoot } from './remoteSubmit';
import {
  excludeMatcher, parseRemoteListing, planSync, remoteJobDir, remoteListingArgv, remoteWorkspaceDir,
  type ExcludeMatcher, type LocalEntry, type RemoteFile, type SyncPlan, type SyncSettings,
} from './syncPlan';

export interface SyncTarget {
  /** Absolute local folder that is mirrored. */
  localDir: string;
  /** Absolute remote folder it maps to (`<remoteRoot>/workspaces/<name>-<hash>`). */
  remoteDir: string;
  /** Where the job runs: the script's folder inside `remoteDir`. */
  jobDir: string;
}

export interface PlannedSync extends SyncTarget {
  plan: SyncPlan;
}

export interface SyncOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The folder to mirror for a script under this setting; `workspaceFolder` falls back to the script's folder outside any workspace. */
export function syncTarget(settings: SyncSettings, scriptPath: string, workspaceFolder: string | undefined, absoluteRemoteRoot: string): SyncTarget | undefined {
  if (settings.syncFolder === 'off') return undefined;
  const scriptDir = path.dirname(path.resolve(scriptPath));
  const inside = workspaceFolder !== undefined && !path.relative(workspaceFolder, scriptDir).startsWith('..') && !path.isAbsolute(path.relative(workspaceFolder, scriptDir));
  const localDir = settings.syncFolder === 'workspaceFolder' && inside ? path.resolve(workspaceFolder) : scriptDir;
  const remoteDir = remoteWorkspaceDir(absoluteRemoteRoot, localDir);
  const rel = path.relative(localDir, scriptDir).split(path.sep).join('/');
  return { localDir, remoteDir, jobDir: remoteJobDir(remoteDir, rel) };
}

/**
 * Every entry under `root` as "/"-separated relative paths. Excluded folders are not entered
 * (node_modules can hold 100,000 files); symlinks are reported, never followed.
 */
export async function scanLocalFolder(root: string, exclude: ExcludeMatcher, signal?: AbortSignal): Promise<LocalEntry[]> {
  const out: LocalEntry[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    if (signal?.aborted) throw new CancelledError('Folder sync');
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const d of entries) {
      const relPath = rel ? `${rel}/${d.name}` : d.name;
      const full = path.join(dir, d.name);
      if (d.isDirectory()) {
        if (exclude(relPath)) out.push({ kind: 'other', path: relPath }); // counted as excluded by the planner
        else await walk(full, relPath);
      } else if (d.isSymbolicLink()) out.push({ kind: 'symlink', path: relPath });
      else if (d.isFile()) {
        // bigint: whole milliseconds without float rounding (uploads are stamped to the whole second; the planner compares accordingly).
        const st = await fs.lstat(full, { bigint: true });
        out.push({ kind: 'file', path: relPath, size: Number(st.size), mtimeMs: Number(st.mtimeNs / 1_000_000n) });
      } else out.push({ kind: 'other', path: relPath });
    }
  };
  await walk(root, '');
  return out;
}

export async function listRemoteWorkspace(transport: Transport, remoteDir: string, options: SyncOptions): Promise<Map<string, RemoteFile>> {
  const r = await transport.exec(remoteListingArgv(remoteDir), { timeoutMs: options.timeoutMs, signal: options.signal, label: 'list remote workspace', idempotent: true });
  if (r.code !== 0) {
    throw new UserFacingError(`Could not list ${remoteDir} on ${transport.label}: ${r.stderr.trim() || `exit code ${r.code}`}`, 'Check that the remote root of the profile is readable, or turn slurm.submit.syncFolder off.');
  }
  return parseRemoteListing(r.stdout);
}

/** What a sync would do right now (also for Preview and Check: reads only, changes nothing). */
export async function planFolderSync(transport: Transport, target: SyncTarget, settings: SyncSettings, options: SyncOptions): Promise<PlannedSync> {
  const exclude = excludeMatcher(settings.syncExclude);
  let local: LocalEntry[];
  try {
    local = await scanLocalFolder(target.localDir, exclude, options.signal);
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    throw new UserFacingError(`Could not read the folder ${target.localDir}: ${errorMessage(err)}`, 'Check its permissions, or turn slurm.submit.syncFolder off.', { cause: err });
  }
  const remote = await listRemoteWorkspace(transport, target.remoteDir, options);
  const plan = planSync(local, remote, { exclude, maxFileBytes: settings.syncMaxFileMb * 1024 * 1024 });
  return { ...target, plan };
}

/** The plan for a script under the settings, or undefined when the setting is off. Resolves `~/` in the remote root. */
export async function planSyncForScript(
  transport: Transport,
  settings: SyncSettings,
  where: { scriptPath: string; workspaceFolder?: string; remoteRoot: string },
  options: SyncOptions,
): Promise<PlannedSync | undefined> {
  if (settings.syncFolder === 'off') return undefined;
  const root = await absoluteRemoteRoot(transport, where.remoteRoot, options);
  const target = syncTarget(settings, where.scriptPath, where.workspaceFolder, root);
  return target ? planFolderSync(transport, target, settings, options) : undefined;
}

export interface SyncProgress {
  /** Called after each uploaded file. */
  (done: { files: number; bytes: number; path: string }): void;
}

const CONCURRENT_UPLOADS = 4;

/**
 * Uploads the planned files (a few at a time over the one SFTP session). Each upload is atomic and
 * arrives stamped with the local mtime (set on the temp file before the rename), so the next
 * listing compares equal, and an upload cut short by a failure, a timeout or a cancellation never
 * leaves a fresh copy that would look "changed on the cluster". The error names the file. Nothing
 * else on the cluster changes.
 */
export async function applyFolderSync(transport: Transport, planned: PlannedSync, options: SyncOptions & { onProgress?: SyncProgress }): Promise<{ uploaded: number; bytes: number }> {
  const queue = [...planned.plan.uploads];
  let uploaded = 0;
  let bytes = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next && failure === undefined; next = queue.shift()) {
      const file = next;
      try {
        if (options.signal?.aborted) throw new CancelledError('Folder sync');
        const data = await fs.readFile(path.join(planned.localDir, ...file.path.split('/')));
        // Big files get more time than the per-command budget: ~5 s per MB on top.
        const timeoutMs = options.timeoutMs + Math.ceil(data.length / (1024 * 1024)) * 5_000;
        // No signal here: cancellation takes effect between files (each bounded by syncMaxFileMb
        // and its timeout), so a file is either not started or completely sent.
        await transport.writeFile(posix.join(planned.remoteDir, file.path), data, { timeoutMs, mtimeMs: file.mtimeMs });
        uploaded += 1;
        bytes += data.length;
        options.onProgress?.({ files: uploaded, bytes, path: file.path });
      } catch (err) {
        if (failure !== undefined) return;
        failure = err instanceof CancelledError ? err : new UserFacingError(`Folder sync failed at ${file.path}: ${errorMessage(err)}`, 'Nothing was submitted. Fix the cause (permissions, disk quota, connection) and submit again; files already uploaded are kept and not sent twice.', { cause: err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_UPLOADS, queue.length) }, worker));
  if (failure !== undefined) throw failure;
  return { uploaded, bytes };
}
