/**
 * Upload and submit: the job's files go into a fresh folder under the profile's remote root
 * (atomic writes through Transport.writeFile), then `sbatch --parsable --chdir=<folder> <script>`
 * runs there. If the upload fails or sbatch refuses (exits non-zero), the folder is removed again,
 * so nothing is left behind. If sbatch's answer is lost (timeout, dropped connection, cancel while it
 * ran) the job may be queued: the folder is kept and the job is looked up by its marker
 * (sbatchOutcome.ts) — found, the submit goes on as usual; not found, the user is told so and
 * where the folder is. A `--test-only` check uploads, asks, and always removes. VS Code-free.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { runCall } from '../slurm/call';
import { SlurmCommandError } from '../slurm/errors';
import { sbatchArgv, sbatchCall, type SubmitResult } from '../slurm/sbatch';
import type { SlurmCall } from '../slurm/call';
import type { Transport } from '../transport/types';
import type { UploadFile } from './compose';
import { explainSbatchError, type RequestContext, type SbatchErrorExplanation } from './sbatchErrors';
import { SubmitOutcomeUnknownError, findJobByMarker, foundNotice, newSubmitMarker, sbatchOutcomeUnknown, userSetsComment, type SubmitIdentity } from './sbatchOutcome';

export interface SubmitRequest {
  /** Profile's remote root, e.g. "~/.slurm-workbench" or an absolute path. */
  remoteRoot: string;
  files: readonly UploadFile[];
  /** Which file is the batch script. */
  scriptName: string;
  /** Extra sbatch arguments, e.g. overrides of the file's directives, `--dependency=afterok:1`. */
  sbatchArgs?: readonly string[];
  /** Used to name the job folder (sanitised). */
  label?: string;
  /** For explaining refusals. */
  context?: RequestContext;
  /**
   * Where the job runs (`--chdir`), when not in its own job folder: the script's folder inside a
   * synced remote workspace (folderSync.ts). The script still goes into the job folder.
   */
  chdir?: string;
}

export interface RemoteOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface SubmittedJob extends SubmitResult {
  remoteDir: string;
  scriptPath: string;
  /** The job's working directory (`--chdir`): `chdir` when given, else `remoteDir`. */
  workDir: string;
  /** `swb:<token>`, the job's --comment, unless the script or arguments set their own. */
  marker?: string;
  /** Set when sbatch's answer was lost and the job was found by its marker: what happened, for the user. */
  recovered?: string;
}

/** sbatch refused the job: its message verbatim plus the recognised cause. */
export class SbatchRefusedError extends UserFacingError {
  constructor(
    readonly sbatchMessage: string,
    readonly explanation: SbatchErrorExplanation | undefined,
    cause?: unknown,
  ) {
    // One line: notifications do not show line breaks. sbatch's own lines are kept verbatim.
    super(
      `${explanation ? `${explanation.summary} ` : ''}sbatch said: ${sbatchMessage.split('\n').map((l) => l.trim()).filter(Boolean).join(' ')}`,
      explanation?.hint ?? 'Fix the script or your answers and submit again.',
      { cause },
    );
    this.name = 'SbatchRefusedError';
  }
}

/** `jobs/20250120-153012-ab12cd-my_job`: sortable, unique, readable. */
export function jobFolderName(label: string | undefined, now = new Date(), random = randomBytes(3).toString('hex')): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = (label ?? '').normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[_.]+|_+$/g, '').slice(0, 40);
  return `${stamp}-${random}${safe ? `-${safe}` : ''}`;
}

/** The login directory, to turn `~/x` into the absolute path sbatch needs for --chdir. */
export async function remoteHome(transport: Transport, options: RemoteOptions): Promise<string> {
  const r = await transport.exec(['printenv', 'HOME'], { timeoutMs: options.timeoutMs, signal: options.signal, label: 'printenv HOME', idempotent: true });
  const home = r.stdout.trim();
  if (r.code !== 0 || !home.startsWith('/')) throw new UserFacingError(`Could not find the home directory on ${transport.label}.`, 'Set an absolute remoteRoot in the cluster profile.');
  return home;
}

export async function absoluteRemoteRoot(transport: Transport, root: string, options: RemoteOptions): Promise<string> {
  if (root.startsWith('/')) return root.replace(/\/+$/, '') || '/';
  const home = await remoteHome(transport, options);
  const rest = root === '~' ? '' : root.startsWith('~/') ? root.slice(2) : root;
  return posix.join(home, rest);
}

/** Uploads the files into a new job folder; returns the folder. Removes it again if the upload fails. */
async function upload(transport: Transport, req: SubmitRequest, options: RemoteOptions): Promise<{ remoteDir: string; scriptPath: string }> {
  if (!req.files.some((f) => f.name === req.scriptName)) throw new Error(`upload: the script ${req.scriptName} is not among the files`);
  const root = await absoluteRemoteRoot(transport, req.remoteRoot, options);
  const remoteDir = posix.join(root, 'jobs', jobFolderName(req.label));
  try {
    await transport.mkdirp(remoteDir, options);
    for (const f of req.files) await transport.writeFile(posix.join(remoteDir, f.name), f.content, options);
  } catch (err) {
    await removeQuietly(transport, remoteDir);
    throw err;
  }
  return { remoteDir, scriptPath: posix.join(remoteDir, req.scriptName) };
}

/** Cleanup must run even when the user cancelled: its own budget, no signal. */
async function removeQuietly(transport: Transport, dir: string): Promise<void> {
  try {
    await transport.remove(dir, { timeoutMs: 30_000 });
  } catch (err) {
    logger.warn(`Could not remove ${dir} on ${transport.label} after a failed submit: ${errorMessage(err)}`);
  }
}

function refusal(err: unknown, req: SubmitRequest): unknown {
  if (err instanceof SlurmCommandError) {
    const stderr = err.stderr.trim() || err.stdout.trim() || err.message;
    return new SbatchRefusedError(stderr, explainSbatchError(stderr, req.context), err);
  }
  return err;
}

export async function submitRemote(transport: Transport, req: SubmitRequest, options: RemoteOptions): Promise<SubmittedJob> {
  const { remoteDir, scriptPath } = await upload(transport, req, options);
  if (options.signal?.aborted) {
    await removeQuietly(transport, remoteDir);
    throw new CancelledError('Submit');
  }
  const args = req.sbatchArgs ?? [];
  const identity: SubmitIdentity = { scriptPath, ...(userSetsComment(req.files, req.scriptName, args) ? {} : { marker: newSubmitMarker() }) };
  const extra = identity.marker ? [...args, `--comment=${identity.marker}`] : args;
  const workDir = req.chdir ?? remoteDir;
  const marker = identity.marker ? { marker: identity.marker } : {};
  try {
    const result = await runCall(transport, sbatchCall({ script: scriptPath, chdir: workDir, extra }), options);
    return { ...result, remoteDir, scriptPath, workDir, ...marker };
  } catch (err) {
    if (!sbatchOutcomeUnknown(err)) {
      await removeQuietly(transport, remoteDir);
      throw refusal(err, req);
    }
    // sbatch may have queued the job: keep its folder and ask the cluster before saying anything.
    logger.warn(`[${transport.label}] sbatch's answer was lost (${errorMessage(err)}); looking for ${identity.marker ?? scriptPath}`);
    const lookup = await findJobByMarker(transport, identity);
    if (lookup.found === undefined) throw new SubmitOutcomeUnknownError(remoteDir, identity, lookup, err);
    const recovered = foundNotice(lookup.found, identity, err, lookup.via);
    logger.info(`[${transport.label}] ${recovered}`);
    return { jobId: lookup.found, warnings: [], remoteDir, scriptPath, workDir, ...marker, recovered };
  }
}

export interface TestOnlyResult {
  /** sbatch's own line, e.g. "sbatch: Job 12 to start at 2025-01-20T15:30:12 using 1 processors on nodes node1 in partition debug". */
  message: string;
  start?: string;
  nodes?: string;
  partition?: string;
}

export function parseTestOnly(stdout: string, stderr: string): TestOnlyResult {
  const text = `${stderr}\n${stdout}`;
  const line = text.split('\n').map((l) => l.trim()).find((l) => /Job \d+ to start at/.test(l)) ?? text.trim();
  const m = /to start at (\S+)(?: using \d+ processors)? on nodes (\S+) in partition (\S+)/.exec(line);
  return m ? { message: line, start: m[1], nodes: m[2], partition: m[3] } : { message: line };
}

export function testOnlyCall(scriptPath: string, chdir: string, extra: readonly string[]): SlurmCall<TestOnlyResult> {
  const argv = sbatchArgv({ script: scriptPath, chdir, extra: [...extra, '--test-only'] });
  return { name: 'sbatch --test-only', argv, parse: (o) => parseTestOnly(o.stdout, o.stderr) };
}

/** "Check": would sbatch take the job, and when would it start? Never leaves files behind. */
export async function checkRemote(transport: Transport, req: SubmitRequest, options: RemoteOptions): Promise<TestOnlyResult> {
  const { remoteDir, scriptPath } = await upload(transport, req, options);
  try {
    return await runCall(transport, testOnlyCall(scriptPath, req.chdir ?? remoteDir, req.sbatchArgs ?? []), options);
  } catch (err) {
    throw refusal(err, req);
  } finally {
    await removeQuietly(transport, remoteDir);
  }
}
