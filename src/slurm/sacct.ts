/**
 * sacct: accounting for a list of jobs in ONE call, allocations only (-X), for jobs that have
 * left the queue (final state, exit code, elapsed time).
 *
 *   sacct -X --noheader --parsable2 --delimiter=<US> --jobs=1,2,3 --format=JobID,...
 *
 * --parsable2 with the 0x1F delimiter (records.ts) so names with '|' survive; no width applies to
 * parsable output, so nothing is cut. sacct ignores SLURM_TIME_FORMAT (seen on 22.05): its times
 * carry no zone and are read in the cluster's UTC offset. A field with a newline (a job name can
 * have one) splits a record over lines: splitDelimitedLines joins them back.
 *
 * Seen on 22.05: right after a job ends sacct may show a partial record (JobName "allocation",
 * empty Timelimit/WorkDir) for a second or two; slurmdbd stores '"' in job names as '`'.
 */
import type { SlurmCall } from './call';
import type { ClusterContext } from './context';
import type { Duration } from './duration';
import { memoDurationParser } from './duration';
import type { ExitCode } from './exitCode';
import { parseExitCode } from './exitCode';
import { SlurmArgumentError } from './errors';
import type { JobId } from './jobId';
import { assertJobIdArg, parseJobId } from './jobId';
import type { JobState } from './jobState';
import { parseJobState } from './jobState';
import { fieldTable } from './fieldTable';
import { ColumnCollector, FIELD_SEP, convertRecords, optionalText, splitDelimitedLines } from './records';
import { memoTimeParser } from './time';
import { gpusInTres } from './tres';

/** sacct's fields, in output order: model key, --format name, check (fieldTable.ts). */
export const SACCT_FIELDS = fieldTable([
  { key: 'jobId', field: 'JobID' },
  { key: 'rawJobId', field: 'JobIDRaw', check: 'int' },
  { key: 'name', field: 'JobName' },
  { key: 'user', field: 'User' },
  { key: 'state', field: 'State' },
  { key: 'exitCode', field: 'ExitCode' },
  { key: 'derivedExitCode', field: 'DerivedExitCode' },
  { key: 'reason', field: 'Reason' },
  { key: 'partition', field: 'Partition' },
  { key: 'qos', field: 'QOS' },
  { key: 'account', field: 'Account' },
  { key: 'nodeList', field: 'NodeList' },
  { key: 'nodes', field: 'NNodes', check: 'int' },
  { key: 'cpus', field: 'NCPUS', check: 'int' },
  { key: 'reqMem', field: 'ReqMem' },
  { key: 'allocTres', field: 'AllocTRES' },
  { key: 'reqTres', field: 'ReqTRES' },
  { key: 'elapsed', field: 'Elapsed' },
  { key: 'timeLimit', field: 'Timelimit' },
  { key: 'submitTime', field: 'Submit' },
  { key: 'startTime', field: 'Start' },
  { key: 'endTime', field: 'End' },
  { key: 'workDir', field: 'WorkDir' },
]);
const F = SACCT_FIELDS.at;

export interface AccountingJob {
  /** As sacct prints it: 123, 123_4, 123_[5,7%2], 123+0. */
  id: JobId;
  rawJobId: number;
  name: string;
  user?: string;
  state: JobState;
  exitCode?: ExitCode;
  derivedExitCode?: ExitCode;
  /**
   * The last scheduling reason on 22.05; "None" (undefined) for most jobs on 24.11, pending ones
   * too. Take the reason of a queued job from squeue (VERSION_DIFFERENCES).
   */
  reason?: string;
  partition?: string;
  qos?: string;
  account?: string;
  /** undefined for "None assigned". */
  nodeList?: string;
  nodes: number;
  cpus: number;
  reqMem?: string;
  allocTres?: string;
  reqTres?: string;
  gpus: number;
  elapsed: Duration;
  timeLimit: Duration;
  submitTime?: Date;
  startTime?: Date;
  endTime?: Date;
  workDir?: string;
}

/**
 * Ids per call. Over ssh the whole command line is ONE argument of the remote shell, and Linux caps
 * a single argument at 128 KiB (MAX_ARG_STRLEN): 10,000 ids of up to 10 digits stay below that.
 * Callers with more ids split the list.
 */
export const SACCT_MAX_IDS = 10_000;

/** The one sacct listing shape (fields, delimiter, allocations only); `selection` says which jobs. */
export function sacctListingArgv(selection: readonly string[]): string[] {
  return ['sacct', '--allocations', '--noheader', '--parsable2', `--delimiter=${FIELD_SEP}`, ...selection, `--format=${SACCT_FIELDS.fields.join(',')}`];
}

export function sacctArgv(jobIds: readonly string[]): string[] {
  if (jobIds.length === 0) throw new SlurmArgumentError('sacct needs at least one job id.');
  if (jobIds.length > SACCT_MAX_IDS) throw new SlurmArgumentError(`sacct takes at most ${SACCT_MAX_IDS} job ids per call; split the list.`);
  return sacctListingArgv([`--jobs=${jobIds.map(assertJobIdArg).join(',')}`]);
}

export function sacctCall(ctx: Pick<ClusterContext, 'utcOffsetMinutes'>, jobIds: readonly string[]): SlurmCall<AccountingJob[]> {
  return { name: 'sacct', argv: sacctArgv(jobIds), parse: (o) => parseSacct(o.stdout, ctx.utcOffsetMinutes) };
}


/** "billing=1,cpu=2,mem=250M" -> 2. */
function requestedCpus(reqTres: string): number | undefined {
  const m = /(?:^|,)cpu=(\d+)(?:,|$)/.exec(reqTres);
  return m ? Number(m[1]) : undefined;
}

export function parseSacct(stdout: string, utcOffsetMinutes: number): AccountingJob[] {
  const records = splitDelimitedLines('sacct', stdout, FIELD_SEP, SACCT_FIELDS.count);
  // One memo per column: each also remembers its previous row, which big listings mostly repeat.
  const [submit, start, end] = [memoTimeParser(utcOffsetMinutes), memoTimeParser(utcOffsetMinutes), memoTimeParser(utcOffsetMinutes)];
  const [elapsed, limit] = [memoDurationParser(), memoDurationParser()];
  const numbers = new ColumnCollector(SACCT_FIELDS.numeric);
  const rows = convertRecords('sacct', records, (f): AccountingJob => {
    numbers.add(f);
    const allocTres = optionalText(f[F.allocTres]);
    const reqTres = optionalText(f[F.reqTres]);
    const state = parseJobState(f[F.state]);
    // sacct prints "0:0" for jobs that have not ended: not an exit code yet.
    const ended = state.phase === 'finished';
    const exitCode = parseExitCode(f[F.exitCode], 'ExitCode');
    const derivedExitCode = parseExitCode(f[F.derivedExitCode], 'DerivedExitCode');
    const startTime = start(f[F.startTime], 'Start');
    // 24.11 prints NCPUS 0 for a job that never started (22.05: the requested count); the
    // requested count is in ReqTRES either way (VERSION_DIFFERENCES).
    const ncpus = Number(f[F.cpus]);
    const cpus = ncpus === 0 && startTime === undefined && reqTres !== undefined ? (requestedCpus(reqTres) ?? 0) : ncpus;
    return {
      id: parseJobId(f[F.jobId]),
      rawJobId: Number(f[F.rawJobId]),
      name: f[F.name],
      user: optionalText(f[F.user]),
      state,
      exitCode: ended ? exitCode : undefined,
      derivedExitCode: ended ? derivedExitCode : undefined,
      reason: optionalText(f[F.reason]),
      partition: optionalText(f[F.partition]),
      qos: optionalText(f[F.qos]),
      account: optionalText(f[F.account]),
      nodeList: f[F.nodeList] === 'None assigned' ? undefined : optionalText(f[F.nodeList]),
      nodes: Number(f[F.nodes]),
      cpus,
      reqMem: optionalText(f[F.reqMem]),
      allocTres,
      reqTres,
      gpus: gpusInTres(allocTres ?? reqTres ?? '') ?? 0,
      elapsed: elapsed(f[F.elapsed], 'Elapsed'),
      timeLimit: limit(f[F.timeLimit], 'Timelimit'),
      submitTime: submit(f[F.submitTime], 'Submit'),
      startTime,
      endTime: end(f[F.endTime], 'End'),
      workDir: optionalText(f[F.workDir]),
    };
  });
  numbers.check('sacct', (i) => (records[i] ?? []).join(FIELD_SEP));
  return rows;
}
