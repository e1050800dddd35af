/**
 * sbatch --parsable: prints "<id>" or "<id>;<cluster>" (federation / multi-cluster), and on a
 * held or deferred submit may add warnings on stderr ("sbatch: error: ..." lines exit non-zero).
 */
import type { SlurmCall } from './call';
import { SlurmArgumentError, SlurmParseError } from './errors';

export interface SubmitResult {
  jobId: number;
  cluster?: string;
  /** Lines sbatch printed on stderr while still succeeding (e.g. warnings). */
  warnings: string[];
}

export interface SbatchOptions {
  /** Remote path of the batch script; mutually exclusive with `wrap`. */
  script?: string;
  /** Arguments passed to the script. */
  scriptArgs?: readonly string[];
  /** `--wrap=<command>`: a one-line job without a script file. */
  wrap?: string;
  jobName?: string;
  partition?: string;
  account?: string;
  qos?: string;
  /** "MM", "HH:MM:SS", "D-HH:MM:SS" as Slurm accepts. */
  time?: string;
  nodes?: number | string;
  ntasks?: number;
  cpusPerTask?: number;
  mem?: string;
  gres?: string;
  /** "1-7:2%2" etc. */
  array?: string;
  dependency?: string;
  begin?: string;
  hold?: boolean;
  output?: string;
  error?: string;
  chdir?: string;
  /** Any further options, each one argv element (e.g. "--exclusive", "--mail-type=END"). */
  extra?: readonly string[];
  /**
   * Further components of a heterogeneous job: each list is that component's options, written
   * after a ":" (`sbatch -n1 : -n2 job.sh`); the job's ids are then <id>+0, <id>+1, ...
   */
  hetComponents?: readonly (readonly string[])[];
}

export function sbatchArgv(o: SbatchOptions): string[] {
  if ((o.script === undefined) === (o.wrap === undefined)) {
    throw new SlurmArgumentError('sbatch needs exactly one of a script path or a --wrap command.');
  }
  const argv = ['sbatch', '--parsable'];
  const opt = (name: string, v: string | number | undefined) => {
    if (v !== undefined) argv.push(`--${name}=${v}`);
  };
  opt('job-name', o.jobName);
  opt('partition', o.partition);
  opt('account', o.account);
  opt('qos', o.qos);
  opt('time', o.time);
  opt('nodes', o.nodes);
  opt('ntasks', o.ntasks);
  opt('cpus-per-task', o.cpusPerTask);
  opt('mem', o.mem);
  opt('gres', o.gres);
  opt('array', o.array);
  opt('dependency', o.dependency);
  opt('begin', o.begin);
  opt('output', o.output);
  opt('error', o.error);
  opt('chdir', o.chdir);
  if (o.hold) argv.push('--hold');
  for (const e of o.extra ?? []) {
    if (!e.startsWith('-')) throw new SlurmArgumentError(`sbatch option ${JSON.stringify(e)} must start with "-".`);
    argv.push(e);
  }
  for (const component of o.hetComponents ?? []) {
    argv.push(':');
    for (const e of component) {
      if (!e.startsWith('-')) throw new SlurmArgumentError(`sbatch option ${JSON.stringify(e)} must start with "-".`);
      argv.push(e);
    }
  }
  if (o.wrap !== undefined) argv.push(`--wrap=${o.wrap}`);
  else argv.push(o.script as string, ...(o.scriptArgs ?? []));
  return argv;
}

export function sbatchCall(o: SbatchOptions): SlurmCall<SubmitResult> {
  // sbatch exports its environment to the job: the job sees the login's environment (locale, the
  // user's SLURM_TIME_FORMAT...) exactly as after `ssh host sbatch`. Its output is only the job id.
  return { name: 'sbatch', argv: sbatchArgv(o), environment: 'login', parse: (out) => parseSbatch(out.stdout, out.stderr) };
}

export function parseSbatch(stdout: string, stderr = ''): SubmitResult {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  // The id is the last line; anything before it would be a message from a submit filter.
  const line = lines[lines.length - 1] ?? '';
  const m = /^(\d+)(?:;(\S+))?$/.exec(line);
  if (!m) throw new SlurmParseError('sbatch', 'expected "<job id>" or "<job id>;<cluster>"', line, lines.length || 1);
  const jobId = Number(m[1]);
  if (!Number.isSafeInteger(jobId)) throw new SlurmParseError('sbatch', 'job id out of range', line, lines.length);
  const warnings = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return m[2] === undefined ? { jobId, warnings } : { jobId, cluster: m[2], warnings };
}
