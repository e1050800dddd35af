/**
 * scontrol: `show job -o <id>` (every detail of one job; an array prints one line per task
 * record) and the job actions hold / release / requeue / update.
 *
 * `-o` prints `Key=Value Key=Value ...` on one line, but values may contain spaces (JobName,
 * WorkDir, Command, StdOut...), and even " Key=" (a job named "a Reason=b"). We split at every
 * " Word=" and then re-join: a free-text key's value runs to the next key that Slurm prints after
 * it (JobName is always followed by UserId), or else to the next KNOWN key. Keys we do not know
 * (newer Slurm) are kept as they are.
 */
import type { SlurmCall } from './call';
import type { ClusterContext } from './context';
import type { Duration } from './duration';
import { parseDuration } from './duration';
import { SlurmArgumentError, SlurmParseError } from './errors';
import type { ExitCode } from './exitCode';
import { parseExitCode } from './exitCode';
import { FieldFormatError } from './fieldError';
import type { JobId } from './jobId';
import { assertJobIdArg, parseTaskExpression } from './jobId';
import type { JobState } from './jobState';
import { parseJobState } from './jobState';
import { optionalText } from './records';
import { parseSlurmTime } from './time';
import { LISTING_ENV } from './squeue';
import { gpusInTres } from './tres';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

/** Keys of `scontrol show job` in 22.05 and 24.11 (plus a few from releases in between). */
const KNOWN_KEYS = new Set(
  (
    'JobId ArrayJobId ArrayTaskId ArrayTaskThrottle HetJobId HetJobOffset HetJobIdSet JobName UserId GroupId MCS_label ' +
    'Priority Nice Account QOS JobState Reason Dependency Requeue Restarts BatchFlag Reboot ExitCode DerivedExitCode ' +
    'RunTime TimeLimit TimeMin SubmitTime EligibleTime AccrueTime StartTime EndTime Deadline PreemptEligibleTime ' +
    'PreemptTime SuspendTime SecsPreSuspend LastSchedEval Scheduler Partition AllocNode:Sid ReqNodeList ExcNodeList ' +
    'NodeList BatchHost NumNodes NumCPUs NumTasks CPUs/Task ReqB:S:C:T TRES ReqTRES AllocTRES Socks/Node NtasksPerN:B:S:C CoreSpec ' +
    'MinCPUsNode MinMemoryCPU MinMemoryNode MinTmpDiskNode Features DelayBoot OverSubscribe Contiguous Licenses Network ' +
    'Command WorkDir AdminComment Comment SystemComment StdErr StdIn StdOut Power TresPerNode TresPerJob TresPerTask ' +
    'CpusPerTres MemPerTres TresBind TresFreq MailUser MailType NtasksPerTRES Prefer Reservation Container ContainerID ' +
    'LicensesAlloc CPU_IDs Mem GRES Nodes ResizeTime CronJob CrontabSpec Partitions Cluster ClusterFeatures ' +
    'BurstBuffer BurstBufferState SelinuxContext Wckey Segment SubmitLine'
  ).split(' '),
);

/** Free-text keys and the key(s) Slurm prints right after them. */
const FREE_TEXT_FOLLOWERS: Record<string, readonly string[]> = {
  JobName: ['UserId', 'HetJobIdSet'],
  Comment: [],
  AdminComment: [],
  SystemComment: [],
  Command: [],
  WorkDir: [],
  StdErr: [],
  StdIn: [],
  StdOut: [],
  Reason: ['Dependency'],
  SubmitLine: [],
};

const BOUNDARY_RE = / ([A-Za-z][A-Za-z0-9_:/]*)=/g;

/** One `-o` line -> ordered key/value pairs (duplicate keys keep the first). */
export function parseKeyValueLine(line: string): Map<string, string> {
  const first = /^([A-Za-z][A-Za-z0-9_:/]*)=/.exec(line);
  if (!first) throw new FieldFormatError('record', line, 'Key=Value pairs');
  const bounds: { key: string; keyStart: number; valueStart: number }[] = [{ key: first[1], keyStart: 0, valueStart: first[0].length }];
  for (const m of line.matchAll(BOUNDARY_RE)) {
    bounds.push({ key: m[1], keyStart: m.index, valueStart: m.index + m[0].length });
  }
  const out = new Map<string, string>();
  let i = 0;
  while (i < bounds.length) {
    const cur = bounds[i];
    let next = i + 1;
    const followers = FREE_TEXT_FOLLOWERS[cur.key];
    if (followers !== undefined) {
      const byFollower = followers.length > 0 ? bounds.findIndex((b, k) => k > i && followers.includes(b.key)) : -1;
      if (byFollower > 0) next = byFollower;
      else while (next < bounds.length && !KNOWN_KEYS.has(bounds[next].key)) next++;
    }
    const end = next < bounds.length ? bounds[next].keyStart : line.length;
    if (!out.has(cur.key)) out.set(cur.key, line.slice(cur.valueStart, end));
    i = next;
  }
  return out;
}

export interface ScontrolJob {
  id: JobId;
  rawJobId: number;
  name: string;
  /** "slurmuser" from "UserId=slurmuser(2000)". */
  user?: string;
  uid?: number;
  state: JobState;
  reason?: string;
  dependency?: string;
  partition?: string;
  account?: string;
  qos?: string;
  nodeList?: string;
  batchHost?: string;
  numNodes?: number;
  numCpus?: number;
  /**
   * Allocated TRES when running, requested TRES while pending: 22.05's `TRES=`, or 24.11's
   * `AllocTRES=` (`(null)` while pending) falling back to `ReqTRES=` (see VERSION_DIFFERENCES).
   */
  tres?: string;
  gpus: number;
  exitCode?: ExitCode;
  runTime: Duration;
  timeLimit: Duration;
  submitTime?: Date;
  startTime?: Date;
  endTime?: Date;
  workDir?: string;
  /**
   * Partly expanded by Slurm (%A %x %j %u; not %4a on 22.05; everything on 24.11): see
   * resolveLogPaths(). Undefined for a pending array remainder whose path Slurm expanded with the
   * placeholder task 4294967294 (24.11): no such file will ever exist.
   */
  stdout?: string;
  stderr?: string;
  stdin?: string;
  command?: string;
  /** Every key as printed, including ones this version does not model. */
  fields: ReadonlyMap<string, string>;
}

export function scontrolShowJobArgv(jobId: string): string[] {
  // scontrol takes one id per `show job` ("too many arguments for keyword:show" otherwise).
  return ['env', ...LISTING_ENV, 'scontrol', 'show', 'job', '-o', assertJobIdArg(jobId)];
}

export function scontrolShowJobCall(ctx: Pick<ClusterContext, 'utcOffsetMinutes'>, jobId: string): SlurmCall<ScontrolJob[]> {
  return { name: 'scontrol show job', argv: scontrolShowJobArgv(jobId), parse: (o) => parseScontrolShowJob(o.stdout, ctx.utcOffsetMinutes) };
}

const ShowJobSchema = lazySchema(() => z.object({
  JobId: z.string().regex(/^\d+$/),
  JobName: z.string(),
  JobState: z.string().min(1),
}));

/** Slurm's NO_VAL: what 24.11 puts for %a in the paths of a pending array remainder. */
const NO_TASK = '4294967294';

export function parseScontrolShowJob(stdout: string, utcOffsetMinutes: number): ScontrolJob[] {
  const out: ScontrolJob[] = [];
  const lines = stdout.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trimEnd();
    if (line === '') continue;
    try {
      out.push(toScontrolJob(parseKeyValueLine(line), utcOffsetMinutes));
    } catch (e) {
      const reason = e instanceof FieldFormatError ? e.message : e instanceof SlurmParseError ? e.reason : `unexpected value (${String(e)})`;
      throw new SlurmParseError('scontrol show job', reason, line, n + 1);
    }
  }
  return out;
}

function toScontrolJob(kv: Map<string, string>, utcOffsetMinutes: number): ScontrolJob {
  const checked = ShowJobSchema.safeParse(Object.fromEntries(kv));
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new FieldFormatError(String(issue?.path[0] ?? 'record'), String(kv.get(String(issue?.path[0])) ?? '(missing)'), 'present and valid');
  }
  const get = (k: string) => optionalText(kv.get(k) ?? '');
  const rawJobId = Number(checked.data.JobId);
  const arrayJobId = get('ArrayJobId');
  const task = get('ArrayTaskId');
  const het = get('HetJobId');
  const hetOffset = get('HetJobOffset');
  let id: JobId;
  if (arrayJobId !== undefined && task !== undefined) {
    const master = Number(arrayJobId);
    id = /^\d+$/.test(task)
      ? { kind: 'arrayTask', text: `${master}_${task}`, arrayJobId: master, taskId: Number(task) }
      : { kind: 'arrayTasks', text: `${master}_[${task}]`, arrayJobId: master, ...parseTaskExpression(task) };
  } else if (het !== undefined && hetOffset !== undefined) {
    id = { kind: 'hetComponent', text: `${het}+${hetOffset}`, hetJobId: Number(het), offset: Number(hetOffset) };
  } else {
    id = { kind: 'job', text: String(rawJobId), jobId: rawJobId };
  }
  const time = (k: string) => parseSlurmTime(kv.get(k) ?? '', utcOffsetMinutes, k);
  const userM = /^(.*)\((\d+)\)$/.exec(kv.get('UserId') ?? '');
  const tres = get('AllocTRES') ?? get('ReqTRES') ?? get('TRES');
  const job: ScontrolJob = {
    id,
    rawJobId,
    name: checked.data.JobName,
    state: parseJobState(checked.data.JobState),
    gpus: (tres === undefined ? undefined : gpusInTres(tres)) ?? 0,
    runTime: parseDuration(kv.get('RunTime') ?? '', 'RunTime'),
    timeLimit: parseDuration(kv.get('TimeLimit') ?? '', 'TimeLimit'),
    fields: kv,
  };
  const assign = <K extends keyof ScontrolJob>(key: K, v: ScontrolJob[K] | undefined) => {
    if (v !== undefined) job[key] = v;
  };
  assign('user', userM?.[1]);
  assign('uid', userM ? Number(userM[2]) : undefined);
  assign('reason', get('Reason'));
  assign('dependency', get('Dependency'));
  assign('partition', get('Partition'));
  assign('account', get('Account'));
  assign('qos', get('QOS'));
  assign('nodeList', get('NodeList'));
  assign('batchHost', get('BatchHost'));
  // "1-1" (min-max) for a pending job on 24.11, "1" on 22.05: the minimum either way.
  const numNodes = get('NumNodes');
  assign('numNodes', numNodes && /^\d+/.test(numNodes) ? parseInt(numNodes, 10) : undefined);
  const numCpus = get('NumCPUs');
  assign('numCpus', numCpus && /^\d+/.test(numCpus) ? parseInt(numCpus, 10) : undefined);
  assign('tres', tres);
  assign('exitCode', parseExitCode(kv.get('ExitCode') ?? '', 'ExitCode'));
  assign('submitTime', time('SubmitTime'));
  assign('startTime', time('StartTime'));
  assign('endTime', time('EndTime'));
  assign('workDir', get('WorkDir'));
  const logPath = (k: string) => {
    const p = get(k);
    return id.kind === 'arrayTasks' && p?.includes(NO_TASK) ? undefined : p;
  };
  assign('stdout', logPath('StdOut'));
  assign('stderr', logPath('StdErr'));
  assign('stdin', get('StdIn'));
  assign('command', get('Command'));
  return job;
}

// ---- actions -------------------------------------------------------------------------------

export type ScontrolJobAction = 'hold' | 'uhold' | 'release' | 'requeue' | 'requeuehold' | 'suspend' | 'resume';

/** `scontrol hold 1,2,3` etc. Output is empty on success; Slurm's stderr explains failures. */
export function scontrolActionCall(action: ScontrolJobAction, jobIds: readonly string[]): SlurmCall<void> {
  if (jobIds.length === 0) throw new SlurmArgumentError(`scontrol ${action} needs at least one job id.`);
  return {
    name: `scontrol ${action}`,
    argv: ['scontrol', action, jobIds.map(assertJobIdArg).join(',')],
    parse: () => undefined,
  };
}

/**
 * `scontrol update JobId=<id> Key=Value ...`. Each pair is one argv element, so values with
 * spaces (a new JobName) need no quoting of ours beyond the transport's.
 */
export function scontrolUpdateJobCall(jobId: string, changes: Readonly<Record<string, string>>): SlurmCall<void> {
  const keys = Object.keys(changes);
  if (keys.length === 0) throw new SlurmArgumentError('scontrol update needs at least one change.');
  const pairs = keys.map((k) => {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(k) || k.toLowerCase() === 'jobid') {
      throw new SlurmArgumentError(`${JSON.stringify(k)} is not a job field scontrol can update.`);
    }
    const v = changes[k];
    if (v.includes('\n')) throw new SlurmArgumentError(`The new value of ${k} contains a line break.`);
    return `${k}=${v}`;
  });
  return {
    name: 'scontrol update',
    argv: ['scontrol', 'update', `JobId=${assertJobIdArg(jobId)}`, ...pairs],
    parse: () => undefined,
  };
}
