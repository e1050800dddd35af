/**
 * Where a batch job's stdout/stderr really are, computed the way slurmstepd names them
 * (src/slurmd/common/fname.c, batch step), because squeue/scontrol do not tell the truth:
 *   - squeue -O STDOUT shows the raw pattern ("/w/%x-%j.out"), and for an ARRAY job submitted
 *     without -o it shows "/w/slurm-<id>.out" although the files are "slurm-<id>_<task>.out";
 *   - scontrol expands some patterns (%A %j %x %u) but leaves "%4a", and prints task 4294967294
 *     for a pending array.
 * Verified on 22.05 (see test/unit/slurm-logPath.test.ts): %J -> "24" (a batch step adds no
 * ".step"), %s -> "batch", %n/%t -> "0", %a of a non-array job -> "4294967294", %N -> the batch
 * host's hostname (we only know its node name), unknown "%z" stays, "%5z" -> "5z", and any
 * backslash turns expansion off (backslashes removed).
 */
import { posix } from 'node:path';

const NO_VAL = 4294967294;
const MAX_WIDTH = 10;

export interface LogPathJob {
  /** Slurm's own id of this job/task (%j). */
  rawJobId: number;
  /** Set for array tasks (and pending array records). */
  arrayJobId?: number;
  arrayTaskId?: number;
  name: string;
  user: string;
  workDir: string;
  batchHost?: string;
  /** Patterns as squeue reports them; undefined = Slurm's default. */
  stdout?: string;
  stderr?: string;
}

export interface LogPaths {
  stdout: string;
  /** Same as stdout when the job did not ask for a separate error file. */
  stderr: string;
  /** True when the pattern still depends on a task id we do not know (pending array record). */
  unresolvedTask: boolean;
}

export function defaultLogPattern(isArray: boolean): string {
  return isArray ? 'slurm-%A_%a.out' : 'slurm-%j.out';
}

export function resolveLogPaths(job: LogPathJob): LogPaths {
  const isArray = job.arrayJobId !== undefined;
  const stdoutPattern = normalizePattern(job.stdout, job, isArray);
  const stderrPattern = job.stderr === undefined || job.stderr === job.stdout ? stdoutPattern : normalizePattern(job.stderr, job, isArray);
  const unresolvedTask = isArray && job.arrayTaskId === undefined && /%\d*a/.test(stdoutPattern + stderrPattern);
  return {
    stdout: expandLogPattern(stdoutPattern, job),
    stderr: expandLogPattern(stderrPattern, job),
    unresolvedTask,
  };
}

/** Undefined -> default; squeue's wrong expansion of an array job's default -> the real default. */
function normalizePattern(p: string | undefined, job: LogPathJob, isArray: boolean): string {
  if (p === undefined || p === '') return defaultLogPattern(isArray);
  if (isArray && job.arrayJobId !== undefined) {
    const wrongDefault = `slurm-${job.arrayJobId}.out`;
    if (p === wrongDefault || p === posix.join(job.workDir, wrongDefault)) return defaultLogPattern(true);
  }
  return p;
}

/** Expands one filename pattern for the batch step, relative to the work dir. */
export function expandLogPattern(pattern: string, job: LogPathJob): string {
  const prefix = pattern.startsWith('/') ? '' : job.workDir.endsWith('/') ? job.workDir : `${job.workDir}/`;
  if (pattern.includes('\\')) return prefix + removeBackslashes(pattern);
  const isArray = job.arrayJobId !== undefined;
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    if (pattern[i] !== '%') {
      // Copy the literal run in one slice: appending char by char builds a rope of one node per
      // character, which costs dearly when 10,000 resolved paths are kept (see the poll bench).
      const next = pattern.indexOf('%', i);
      const end = next === -1 ? pattern.length : next;
      out += pattern.slice(i, end);
      i = end;
      continue;
    }
    if (pattern[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    let j = i + 1;
    let width = 0;
    let widthText = '';
    while (j < pattern.length && pattern[j] >= '0' && pattern[j] <= '9') {
      widthText += pattern[j];
      j++;
    }
    if (widthText !== '') {
      width = Math.min(Number(widthText), MAX_WIDTH);
      if (j >= pattern.length) {
        // "%12" at the end: Slurm keeps only the last digit.
        out += widthText.slice(-1);
        break;
      }
    }
    const letter = pattern[j];
    if (letter === undefined) {
      out += '%';
      break;
    }
    switch (letter) {
      case 'a':
        out += padNumber(isArray && job.arrayTaskId !== undefined ? job.arrayTaskId : NO_VAL, width);
        break;
      case 'A':
        out += padNumber(isArray && job.arrayJobId !== undefined ? job.arrayJobId : job.rawJobId, width);
        break;
      case 'j':
      case 'J':
        out += padNumber(job.rawJobId, width);
        break;
      case 'n':
      case 't':
        out += padNumber(0, width);
        break;
      case 's':
        out += 'batch';
        break;
      case 'N':
        out += job.batchHost ?? '%N';
        break;
      case 'u':
        out += job.user;
        break;
      case 'x':
        out += job.name;
        break;
      default:
        // Unknown letter: Slurm keeps it, but a width swallows "%" and all but the last digit.
        out += widthText === '' ? `%${letter}` : `${widthText.slice(-1)}${letter}`;
        break;
    }
    i = j + 1;
  }
  return prefix + out;
}

function padNumber(n: number, width: number): string {
  return width === 0 ? String(n) : String(n).padStart(width, '0');
}

function removeBackslashes(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      if (p[i + 1] === '\\') {
        out += '\\';
        i++;
      }
      continue;
    }
    out += p[i];
  }
  return out;
}
