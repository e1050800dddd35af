/**
 * When sbatch's answer is lost — a timeout, a dropped connection, a cancel while it ran, output we
 * cannot read — the job may or may not have been queued. Every submit therefore carries a unique
 * marker (`--comment=swb:<token>`; the script path in its unique job folder when the user's own
 * --comment must win), and a lost answer is settled before anything is said or removed: first any
 * sbatch still carrying the marker on the login node is stopped (a timed-out sbatch the transport
 * could not kill may otherwise queue the job later), then one squeue query, and one sacct query
 * when squeue has nothing (a job that already left the queue).
 * VS Code-free; the calls are plain data like the rest of src/slurm.
 */
import { randomBytes } from 'node:crypto';
import { UserFacingError, errorMessage } from '../core/errors';
import { runCall, type SlurmCall } from '../slurm/call';
import { SlurmCommandError } from '../slurm/errors';
import { FIELD_SEP, RECORD_END } from '../slurm/records';
import type { Transport } from '../transport/types';
import type { UploadFile } from './compose';
import { parseScript } from './directives';

export const MARKER_PREFIX = 'swb:';

/** The lookup runs even after the user cancelled the submit: its own budget, no signal. */
export const MARKER_LOOKUP_TIMEOUT_MS = 30_000;

export function newSubmitMarker(random = randomBytes(6).toString('hex')): string {
  return `${MARKER_PREFIX}${random}`;
}

/** How a submit is recognised later: the comment marker (unless the user sets --comment) and the script path. */
export interface SubmitIdentity {
  /** `swb:<token>`, or undefined when the user's own --comment is kept. */
  marker?: string;
  /** Absolute remote path of the script; unique because its job folder is. */
  scriptPath: string;
}

/** The user's own --comment (an argument or an #SBATCH line of the script) wins over our marker. */
export function userSetsComment(files: readonly UploadFile[], scriptName: string, sbatchArgs: readonly string[]): boolean {
  if (sbatchArgs.some((a) => a === '--comment' || a.startsWith('--comment='))) return true;
  const script = files.find((f) => f.name === scriptName);
  return script !== undefined && parseScript(script.content).directives.some((d) => d.option === 'comment');
}

/**
 * Only an sbatch that ran to its end and exited non-zero said no. Everything else (a timeout, a
 * lost connection, a cancel, death by a signal, output without a job id) leaves the outcome open.
 */
export function sbatchOutcomeUnknown(err: unknown): boolean {
  return !(err instanceof SlurmCommandError && err.code !== null);
}

/** `123`, `123_4`, `123_[1-3]`, `123+0` → 123: the id sbatch prints for a plain, array or het job. */
function submittedId(field: string): number | undefined {
  const m = /^(\d+)/.exec(field.trim());
  const id = m ? Number(m[1]) : 0;
  return id > 0 ? id : undefined;
}

function matchesCommand(identity: SubmitIdentity, command: string): boolean {
  return command.trim() === identity.scriptPath;
}

/** One squeue query for the user's jobs in every state (finished jobs stay listed for MinJobAge). */
export function markerSqueueCall(identity: SubmitIdentity): SlurmCall<number[]> {
  return {
    name: 'squeue (job marker)',
    // JobID is an array task's own id; sbatch printed the array's (ArrayJobID) or het leader's (HetJobID).
    // --all: the job may have gone to a Hidden partition, which squeue otherwise leaves out.
    argv: ['squeue', '--me', '--all', '--noheader', '--states=all', '-O', `JobID:${FIELD_SEP},ArrayJobID:${FIELD_SEP},HetJobID:${FIELD_SEP},Command:${FIELD_SEP},Comment:${RECORD_END}`],
    parse: ({ stdout }) => parseMarkerSqueue(stdout, identity),
  };
}

export function parseMarkerSqueue(stdout: string, identity: SubmitIdentity): number[] {
  const ids = new Set<number>();
  for (const record of stdout.split(RECORD_END)) {
    const [jobId = '', arrayJobId = '', hetJobId = '', command = '', ...rest] = record.split(FIELD_SEP);
    const comment = rest.join(FIELD_SEP).trim();
    const id = submittedId(hetJobId) ?? submittedId(arrayJobId) ?? submittedId(jobId);
    if (id === undefined) continue;
    if ((identity.marker !== undefined && comment === identity.marker) || matchesCommand(identity, command)) ids.add(id);
  }
  return [...ids];
}

/**
 * One sacct query over the last two days. The comment itself is stored only with
 * AccountingStoreFlags=job_comment, but the submit line (with the marker and the script path) always is.
 */
export function markerSacctCall(identity: SubmitIdentity): SlurmCall<number[]> {
  return {
    name: 'sacct (job marker)',
    argv: ['sacct', '--allocations', '--noheader', '--parsable2', `--delimiter=${FIELD_SEP}`, '--starttime=now-2days', '--format=JobID,SubmitLine'],
    parse: ({ stdout }) => parseMarkerSacct(stdout, identity),
  };
}

export function parseMarkerSacct(stdout: string, identity: SubmitIdentity): number[] {
  const ids = new Set<number>();
  for (const line of stdout.split('\n')) {
    const sep = line.indexOf(FIELD_SEP);
    if (sep < 0) continue;
    const id = submittedId(line.slice(0, sep));
    const submitLine = line.slice(sep + 1);
    if (id === undefined) continue;
    const words = submitLine.split(/\s+/);
    const byMarker = identity.marker !== undefined && words.some((w) => w === `--comment=${identity.marker}` || w === identity.marker);
    if (byMarker || words.includes(identity.scriptPath)) ids.add(id);
  }
  return [...ids];
}

/**
 * An extended regex for `s` that does not match its own text: the first character goes in brackets,
 * so the shell running pkill (whose command line holds the pattern) is never among the matches.
 */
export function selfExcludingPattern(s: string): string {
  const escaped = s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  return /^[A-Za-z0-9/]/.test(escaped) ? `[${escaped[0]}]${escaped.slice(1)}` : escaped;
}

/**
 * Stops (TERM, then KILL after 5 s) every process of this user whose command line holds the
 * marker: only the sbatch of this submit carries it. Prints "stopped" when there was one.
 */
export function stopMarkedSbatchCall(identity: SubmitIdentity): SlurmCall<boolean> {
  const script = [
    'p=$1',
    'u=$(id -u)',
    'pkill -TERM -u "$u" -f -- "$p" || exit 0',
    'i=0',
    'while pgrep -u "$u" -f -- "$p" >/dev/null; do',
    '  i=$((i+1)); if [ "$i" -ge 20 ]; then pkill -KILL -u "$u" -f -- "$p"; break; fi; sleep 0.25',
    'done',
    'echo stopped',
  ].join('\n');
  return {
    name: 'stop sbatch (job marker)',
    argv: ['sh', '-c', script, 'sh', selfExcludingPattern(identity.marker ?? identity.scriptPath)],
    idempotent: true,
    parse: ({ stdout }) => stdout.includes('stopped'),
  };
}

export type MarkerLookup = (
  | { found: number; via: 'squeue' | 'sacct' }
  /** Looked and found nothing; `accounting` says whether sacct could be asked too. */
  | { found: undefined; accounting: boolean }
  /** The lookup itself failed: nothing is known. */
  | { found: undefined; failed: string }
) & {
  /** An sbatch with the marker was still running on the login node and was stopped first. */
  stoppedSbatch?: boolean;
};

/** Stop a lingering sbatch, then squeue; sacct only when squeue has nothing (a job that ran and left the queue). */
export async function findJobByMarker(transport: Transport, identity: SubmitIdentity, timeoutMs = MARKER_LOOKUP_TIMEOUT_MS): Promise<MarkerLookup> {
  let stopped: boolean | undefined;
  try {
    stopped = await runCall(transport, stopMarkedSbatchCall(identity), { timeoutMs });
  } catch {
    // No pkill there, or it failed: the queries below still say what is queued now.
  }
  const lookup = await lookUp(transport, identity, timeoutMs);
  return stopped ? { ...lookup, stoppedSbatch: true } : lookup;
}

async function lookUp(transport: Transport, identity: SubmitIdentity, timeoutMs: number): Promise<MarkerLookup> {
  let queued: number[];
  try {
    queued = await runCall(transport, markerSqueueCall(identity), { timeoutMs });
  } catch (err) {
    return { found: undefined, failed: errorMessage(err) };
  }
  if (queued.length > 0) return { found: Math.min(...queued), via: 'squeue' };
  try {
    const accounted = await runCall(transport, markerSacctCall(identity), { timeoutMs });
    if (accounted.length > 0) return { found: Math.min(...accounted), via: 'sacct' };
    return { found: undefined, accounting: true };
  } catch (err) {
    // No accounting on this cluster (or sacct refused): squeue's answer stands, and we say so.
    if (err instanceof SlurmCommandError && err.code !== null) return { found: undefined, accounting: false };
    return { found: undefined, failed: errorMessage(err) };
  }
}

/** What the user is told when the job was found after all (shown with the normal "Submitted" note). */
export function foundNotice(jobId: number, identity: SubmitIdentity, cause: unknown, via: 'squeue' | 'sacct'): string {
  const by = identity.marker ? `its marker ${identity.marker}` : `its script ${identity.scriptPath}`;
  return `sbatch's answer was lost (${errorMessage(cause)}), but ${via} shows the job was accepted as ${jobId} (found by ${by}).`;
}

/**
 * sbatch's answer was lost and no job was found (or the lookup failed). The job folder is KEPT
 * either way: if the connection dropped, the kill may not have reached sbatch, and a submission
 * that lands late must still find its --chdir folder; the user is told where it is.
 */
export class SubmitOutcomeUnknownError extends UserFacingError {
  constructor(
    readonly remoteDir: string,
    readonly identity: SubmitIdentity,
    readonly lookup: Exclude<MarkerLookup, { found: number }>,
    cause: unknown,
  ) {
    const lost = `sbatch's answer was lost (${errorMessage(cause)})`;
    const by = identity.marker ? `the marker ${identity.marker}` : `the script ${identity.scriptPath}`;
    const message =
      'failed' in lookup
        ? `${lost} and looking for the job by ${by} failed too (${lookup.failed}): the job may or may not be queued. The job folder ${remoteDir} is kept.`
        : `${lost}. ${lookup.stoppedSbatch ? 'The sbatch still waiting on the cluster was stopped. ' : ''}No job with ${by} is in squeue${lookup.accounting ? ' or sacct' : ' (no accounting to ask about finished jobs)'}, so nothing was queued and nothing runs. The job folder ${remoteDir} is kept for you.`;
    const hint =
      'failed' in lookup
        ? `Before submitting again, look for it: squeue --me -O JobID,Comment,Command | grep ${identity.marker ?? identity.scriptPath}`
        : `Submit again when the cluster answers; remove ${remoteDir} when you no longer need it.`;
    super(message, hint, { cause });
    this.name = 'SubmitOutcomeUnknownError';
  }
}
