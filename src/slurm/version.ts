/**
 * The Slurm version, and THE place where version-specific choices live. Every builder asks
 * `featuresOf(version)` instead of comparing versions itself, so a difference between Slurm
 * releases is documented exactly once, with the release it started in.
 */
import type { SlurmCall } from './call';
import { SlurmParseError } from './errors';

export interface SlurmVersion {
  major: number;
  minor: number;
  patch: number;
  /** As printed, e.g. "22.05.8". */
  text: string;
}

/** `sinfo --version` prints "slurm 22.05.8" (Debian: "slurm-wlm 22.05.8"; some sites add suffixes). */
export function parseSlurmVersion(stdout: string, call = 'sinfo --version'): SlurmVersion {
  const line = stdout.trim().split('\n')[0] ?? '';
  const m = /^(?:\S+\s+)?(\d+)\.(\d+)(?:\.(\d+))?(\S*)$/.exec(line.trim());
  if (!m) throw new SlurmParseError(call, 'expected "slurm <major>.<minor>.<patch>"', line, 1);
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? 0 : Number(m[3]),
    text: `${m[1]}.${m[2]}${m[3] === undefined ? '' : `.${m[3]}`}${m[4]}`,
  };
}

export function versionCall(): SlurmCall<SlurmVersion> {
  return { name: 'sinfo --version', argv: ['sinfo', '--version'], parse: (o) => parseSlurmVersion(o.stdout) };
}

/** -1, 0, 1 like a comparator; patch counts. */
export function compareVersions(a: Pick<SlurmVersion, 'major' | 'minor' | 'patch'>, b: Pick<SlurmVersion, 'major' | 'minor' | 'patch'>): number {
  return Math.sign(a.major - b.major || a.minor - b.minor || a.patch - b.patch);
}

export function atLeast(v: SlurmVersion, major: number, minor: number): boolean {
  return compareVersions(v, { major, minor, patch: 0 }) >= 0;
}

/** Versions whose output we have recorded fixtures for (test/fixtures/slurm-<version>/). */
export const TESTED_RELEASES = ['22.05'] as const;

export interface SlurmFeatures {
  /** `squeue --me` (20.02+). Older: `squeue -u <user>`. */
  squeueMe: boolean;
  /**
   * `squeue --only-job-state` (23.11+): a much cheaper state-only poll. Not used by squeueCall
   * (we need every field), offered for a future state-only poller.
   */
  squeueOnlyJobState: boolean;
  /**
   * tres-per-node prints "gpu:1" on 22.05 and "gres/gpu:1" from 23.02 on: parseGpuCount accepts
   * both, this flag only documents it.
   */
  tresPerNodeHasGresPrefix: boolean;
  /** `sacct --format SubmitLine` exists (22.05+; seen on the bundled 22.05.8). */
  sacctSubmitLine: boolean;
  /** Whether we have fixtures for this release; if not, show `untestedVersionWarning`. */
  tested: boolean;
}

/*
 * What Slurm prints, per release, and where the parsers deal with it. Seen on 22.05.8 (bundled
 * cluster, fixtures in test/fixtures/slurm-22.05); 24.11 still to be recorded (issue 10).
 *
 * | output                                   | 22.05                                  | handled in        |
 * |------------------------------------------|----------------------------------------|-------------------|
 * | squeue -O exit_code                      | raw wait status (768 = exit 3)         | exitCode.ts       |
 * | squeue -O tres-per-node                  | "gres:gpu:1" (23.02+: "gres/gpu:1")    | tres.ts           |
 * | squeue -O BatchHost, pending job         | "n/a" (lower case)                     | records.ts        |
 * | squeue -O STDOUT, array without -o       | "<dir>/slurm-<id>.out" (wrong)         | logPath.ts        |
 * | scontrol StdOut                          | %A %x %j expanded, %4a not; pending    | logPath.ts        |
 * |                                          | array task shown as 4294967294         |                   |
 * | scontrol show job                        | one id per call; JobName may be        | scontrol.ts       |
 * |                                          | followed by HetJobIdSet, not UserId    |                   |
 * | SLURM_TIME_FORMAT (zone in timestamps)   | honoured by squeue/scontrol, NOT sacct | time.ts, context  |
 * | sacct JobName                            | '"' stored as '`' by slurmdbd          | (shown as stored) |
 * | sacct right after a job ends             | partial record ("allocation")          | callers re-query  |
 * | scancel of an unknown id                 | exit 0, silent                         | scancel.ts        |
 * | squeue --jobs=<ONE unknown id>           | exit 1 "Invalid job id specified"      | squeue.ts recover |
 * | squeue vs sacct exit code, scancel'd job | squeue 0:15, sacct 0:0                 | (shown as is)     |
 */
export function featuresOf(v: SlurmVersion): SlurmFeatures {
  return {
    squeueMe: atLeast(v, 20, 2),
    squeueOnlyJobState: atLeast(v, 23, 11),
    tresPerNodeHasGresPrefix: atLeast(v, 23, 2),
    sacctSubmitLine: atLeast(v, 22, 5),
    tested: (TESTED_RELEASES as readonly string[]).includes(`${v.major}.${String(v.minor).padStart(2, '0')}`),
  };
}

/** One clear sentence for the user when the cluster runs a release we have not recorded. */
export function untestedVersionWarning(v: SlurmVersion): string | undefined {
  if (featuresOf(v).tested) return undefined;
  return `This cluster runs Slurm ${v.text}; Slurm Workbench is tested with ${TESTED_RELEASES.join(', ')}. Jobs are still shown, but some fields may be missing or read differently.`;
}
