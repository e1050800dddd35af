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
export const TESTED_RELEASES = ['22.05', '24.11'] as const;

export interface SlurmFeatures {
  /** `squeue --me` (20.02+). Older: `squeue -u <user>`. */
  squeueMe: boolean;
  /**
   * `squeue --only-job-state` (23.11+): a much cheaper state-only poll, but seen on 24.11 it ignores
   * user filters (`--me`/`-u` list NOTHING) and prints names as "(null)": it can only answer "which
   * of these ids are still queued". Not used by squeueCall (we need every field).
   */
  squeueOnlyJobState: boolean;
  /** Whether we have fixtures for this release; if not, show `untestedVersionWarning`. */
  tested: boolean;
}

/**
 * One difference between Slurm releases in what our calls print, and how the code deals with it.
 * `since` is the first release we SAW the new form in: we have fixtures for 22.05 and 24.11 only,
 * so "24.11" means "somewhere after 22.05, at the latest 24.11". Every parser accepts BOTH forms
 * whatever the version says (a site may run patched builds), so the version is never needed to
 * read a field right; it is recorded here so the difference is documented exactly once.
 */
export interface VersionDifference {
  output: string;
  /** What 22.05 (the older tested release) prints. */
  before: string;
  /** What `since` and later print. */
  after: string;
  since: string;
  /** Where and how it is handled. */
  handling: string;
}

export const VERSION_DIFFERENCES: readonly VersionDifference[] = [
  {
    output: 'squeue -O STDOUT, job without --output',
    before: 'expanded default path "<dir>/slurm-123.out" (and, wrongly, "<dir>/slurm-123.out" for an ARRAY job)',
    after: 'the raw pattern "<dir>/slurm-%j.out" ("slurm-%A_%a.out" for arrays)',
    since: '24.11',
    handling: 'logPath.ts resolveLogPaths expands both forms to the same file; the wrong 22.05 array default is replaced by slurm-%A_%a.out',
  },
  {
    output: 'squeue -O STDERR, job without --error',
    before: 'repeats the stdout path',
    after: '"(null)"',
    since: '24.11',
    handling: 'squeue.ts: both read as "no separate stderr" (Job.stderr undefined); resolveLogPaths then uses the stdout file',
  },
  {
    output: 'squeue -O exit_code',
    before: 'raw wait(2) status: "0", "768" (exit 3), "15" (SIGTERM)',
    after: '"N:S" like sacct: "0:0", "3:0", "0:15"',
    since: '24.11',
    handling: 'exitCode.ts parseExitCodeOrWaitStatus reads a bare number as a wait status and "N:S" as itself',
  },
  {
    output: 'squeue -O tres-per-node, scontrol TresPerNode',
    before: '"gres:gpu:1"',
    after: '"gres/gpu:1"',
    since: '24.11',
    handling: 'tres.ts gpusInGres accepts "gpu:1", "gres:gpu:1" and "gres/gpu:1"; the text is kept as printed',
  },
  {
    output: 'scontrol show job: TRES',
    before: 'one "TRES=" (allocated when running, requested while pending)',
    after: '"ReqTRES=" plus "AllocTRES=" ("(null)" while pending)',
    since: '24.11',
    handling: 'scontrol.ts: tres = AllocTRES, else ReqTRES, else TRES (same meaning as before); GPUs from it',
  },
  {
    output: 'scontrol show job: NumNodes of a pending job',
    before: '"1"',
    after: '"1-1" (min-max)',
    since: '24.11',
    handling: 'scontrol.ts: numNodes is the minimum (leading number)',
  },
  {
    output: 'scontrol show job: StdOut/StdErr of array tasks',
    before: '%A %x %j expanded, "%4a" left as is',
    after: 'fully expanded per task ("_0003.out"); the pending remainder record expanded with task 4294967294',
    since: '24.11',
    handling: 'scontrol.ts drops a pending remainder\'s path that names task 4294967294 (no such file); resolveLogPaths leaves expanded paths alone',
  },
  {
    output: 'scontrol show job: Power=, Priority, AllocNode:Sid',
    before: '"Power=" present, Priority 4294901614, "localhost:N"',
    after: 'no "Power=", Priority 1, "0.0.0.0:N"',
    since: '24.11',
    handling: 'not modelled; unknown keys are kept in ScontrolJob.fields',
  },
  {
    output: 'sacct Reason',
    before: 'the last scheduling reason (JobHeldUser, JobHeldAdmin, BeginTime...; "Dependency" even once completed)',
    after: '"None" for most jobs (pending held/dependent ones too); JobArrayTaskLimit still shown',
    since: '24.11',
    handling: 'sacct.ts reads "None" as no reason; the Jobs view takes reasons of queued jobs from squeue, never from sacct',
  },
  {
    output: 'sacct NCPUS of a pending job',
    before: 'the requested CPUs ("1")',
    after: '"0"',
    since: '24.11',
    handling: 'sacct.ts: a job that never started with NCPUS 0 reports the cpu= of its ReqTRES',
  },
  {
    output: 'sacct -X of a pending heterogeneous job',
    before: 'one row per component: "123+0", "123+1"',
    after: 'one row "123" for the leader only',
    since: '24.11',
    handling: 'parsed as printed (a plain id); the queue (squeue) shows the components while pending',
  },
  {
    output: 'sinfo -O GresUsed of a node without GRES',
    before: '"gpu:0"',
    after: '"(null)"',
    since: '24.11',
    handling: 'sinfo.ts: both are 0 GPUs in use',
  },
  {
    output: 'sinfo --Node: order of a node\'s partitions',
    before: 'last-defined partition first (node3: gpu, debug)',
    after: 'slurm.conf order (node3: debug, gpu)',
    since: '24.11',
    handling: 'kept as printed (NodeInfo.partitions); nothing depends on the order',
  },
  {
    output: 'squeue --only-job-state',
    before: 'unrecognized option (exit 1)',
    after: 'state-only listing; ignores --me/-u (lists nothing), names "(null)"',
    since: '23.11',
    handling: 'not used (featuresOf().squeueOnlyJobState documents it)',
  },
  {
    output: '--json of squeue/sacct/sinfo/scontrol',
    before: 'plain numbers, job_state a string, sinfo list under "nodes"',
    after: 'numbers as {set, infinite, number}, job_state an array, exit_code an object, sinfo list under "sinfo"',
    since: '24.11',
    handling: 'not used: every call reads the text forms above, which changed far less',
  },
];

/*
 * Unchanged between 22.05 and 24.11 (seen side by side), with where each quirk is handled:
 * | output                                   | both releases                          | handled in        |
 * |------------------------------------------|----------------------------------------|-------------------|
 * | squeue -O BatchHost, pending job         | "n/a" (lower case)                     | records.ts        |
 * | scontrol show job                        | one id per call; JobName may be        | scontrol.ts       |
 * |                                          | followed by HetJobIdSet, not UserId    |                   |
 * | SLURM_TIME_FORMAT (zone in timestamps)   | honoured by squeue/scontrol, NOT sacct | time.ts, context  |
 * | sacct JobName                            | '"' stored as '`' by slurmdbd          | (shown as stored) |
 * | sacct right after a job ends             | partial record ("allocation")          | callers re-query  |
 * | scancel of an unknown id                 | exit 0, silent                         | scancel.ts        |
 * | scontrol hold of an unknown id           | exit 1 "Invalid job id specified"      | SlurmCommandError |
 * | squeue --jobs=<ONE unknown id>           | exit 1 "Invalid job id specified"      | squeue.ts recover |
 * | squeue vs sacct exit code, scancel'd job | squeue 0:15, sacct 0:0                 | (shown as is)     |
 * | job names with spaces, "|", unicode      | intact in squeue, sacct and scontrol   | records.ts        |
 * | sinfo --version, sbatch messages/errors  | "slurm-wlm <v>", same words            | version, sbatch   |
 */
export function featuresOf(v: SlurmVersion): SlurmFeatures {
  return {
    squeueMe: atLeast(v, 20, 2),
    squeueOnlyJobState: atLeast(v, 23, 11),
    tested: isTestedRelease(v),
  };
}

function isTestedRelease(v: SlurmVersion): boolean {
  return (TESTED_RELEASES as readonly string[]).includes(`${v.major}.${String(v.minor).padStart(2, '0')}`);
}

/**
 * One clear sentence for the user when the cluster runs a release we have not recorded: the
 * parsers still read it tolerantly (unknown fields ignored, unknown states shown as themselves).
 */
export function untestedVersionWarning(v: SlurmVersion): string | undefined {
  if (isTestedRelease(v)) return undefined;
  return `This cluster runs Slurm ${v.text}; Slurm Workbench is tested with Slurm ${TESTED_RELEASES.join(' and ')}. Jobs are still shown, but some fields may be missing or read differently.`;
}
