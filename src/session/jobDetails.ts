/**
 * The text of a job's details document: `scontrol show job <id>` as Slurm prints it (what users
 * know from the terminal), or — once slurmctld has forgotten the job — its accounting record.
 */
import type { SlurmCall } from '../slurm';
import { assertJobIdArg } from '../slurm/jobId';
import type { JobRow } from './jobRow';

export function scontrolShowJobTextCall(jobId: string): SlurmCall<string> {
  return { name: 'scontrol show job', argv: ['scontrol', 'show', 'job', assertJobIdArg(jobId)], parse: (o) => o.stdout };
}

/** True when scontrol's error means "this job left slurmctld's memory" rather than a real failure. */
export function isUnknownJobError(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}

export function accountingDetails(row: JobRow): string {
  const time = (ms?: number): string => (ms ? new Date(ms).toISOString() : 'Unknown');
  const pairs: [string, string | undefined][] = [
    ['JobId', row.id],
    ['JobName', row.name],
    ['JobState', row.state],
    ['Reason', row.reason],
    ['ExitCode', row.exitCode],
    ['Partition', row.partition],
    ['NodeList', row.nodes],
    ['Elapsed', row.elapsed],
    ['TimeLimit', row.timeLimit],
    ['SubmitTime', time(row.submitTime)],
    ['StartTime', time(row.startTime)],
    ['EndTime', time(row.endTime)],
    ['WorkDir', row.workDir],
    ['StdOut', row.stdoutPath],
    ['StdErr', row.stderrPath],
  ];
  return [
    '# slurmctld no longer knows this job (it forgets finished jobs after MinJobAge);',
    '# these are the facts Slurm Workbench recorded and accounting (sacct) reported.',
    ...pairs.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `   ${k}=${v}`),
    '',
  ].join('\n');
}
