/**
 * The sbatch options (Slurm 22.05 man page), with one line of documentation each: the directive
 * parser needs to know which options take a value (as getopt does), completion and hover show the
 * docs, diagnostics check values by `kind`. VS Code-free.
 */

/** What a value looks like, for completion and diagnostics. */
export type SbatchValueKind =
  | 'text'
  | 'count'
  | 'nodes'
  | 'time'
  | 'memory'
  | 'partition'
  | 'qos'
  | 'gres'
  | 'gpus'
  | 'path'
  | 'mailType';

export interface SbatchOption {
  /** Long name without dashes, e.g. "job-name". */
  long: string;
  /** Short letter without the dash, e.g. "J". */
  short?: string;
  /** 'required': `--opt=v` or `--opt v`; 'optional': only `--opt=v`; 'none': a flag. */
  arg: 'required' | 'optional' | 'none';
  kind?: SbatchValueKind;
  /** Placeholder shown in docs, e.g. "<name>". */
  value?: string;
  doc: string;
  /** Provided by a SPANK plugin (e.g. Pyxis), not by sbatch itself: unknown to clusters without it. */
  plugin?: string;
}

const o = (long: string, short: string | undefined, arg: SbatchOption['arg'], doc: string, extra: Partial<SbatchOption> = {}): SbatchOption => ({
  long,
  ...(short ? { short } : {}),
  arg,
  doc,
  ...extra,
});

export const SBATCH_OPTIONS: readonly SbatchOption[] = [
  o('account', 'A', 'required', 'Charge resources used by this job to the specified account.', { value: '<account>' }),
  o('acctg-freq', undefined, 'required', 'Job accounting and profiling sampling intervals, e.g. `task=30`.', { value: '<datatype>=<interval>' }),
  o('array', 'a', 'required', 'Submit a job array, e.g. `0-15`, `1,3,5`, `0-15:4`, `0-15%4` (at most 4 at once). Each task gets SLURM_ARRAY_TASK_ID.', { value: '<indexes>' }),
  o('batch', undefined, 'required', 'Nodes features required for the batch step only.', { value: '<list>' }),
  o('bb', undefined, 'required', 'Burst buffer specification.', { value: '<spec>' }),
  o('bbf', undefined, 'required', 'Burst buffer specification file.', { value: '<file>', kind: 'path' }),
  o('begin', 'b', 'required', 'Defer the start of the job until the given time, e.g. `16:00`, `now+1hour`, `2025-01-20T12:34:00`.', { value: '<time>' }),
  o('chdir', 'D', 'required', 'Working directory of the batch script before it runs (default: the directory sbatch runs in).', { value: '<directory>', kind: 'path' }),
  o('cluster-constraint', undefined, 'required', 'Federation: clusters must have these features.', { value: '[!]<list>' }),
  o('clusters', 'M', 'required', 'Submit to one of these clusters (multi-cluster setups).', { value: '<string>' }),
  o('comment', undefined, 'required', 'An arbitrary comment stored with the job.', { value: '<string>' }),
  o('constraint', 'C', 'required', 'Node features the job needs, e.g. `intel&ib`.', { value: '<list>' }),
  o('container', undefined, 'required', 'Absolute path to an OCI container bundle.', { value: '<path>', kind: 'path' }),
  o('contiguous', undefined, 'none', 'The allocated nodes must form a contiguous set.'),
  o('core-spec', 'S', 'required', 'Count of specialized cores per node reserved for system use.', { value: '<num>', kind: 'count' }),
  o('cores-per-socket', undefined, 'required', 'Restrict node selection to nodes with at least this many cores per socket.', { value: '<cores>', kind: 'count' }),
  o('cpu-freq', undefined, 'required', 'CPU frequency (governor) for job steps started with srun.', { value: '<p1>[-p2[:p3]]' }),
  o('cpus-per-gpu', undefined, 'required', 'CPUs per allocated GPU.', { value: '<ncpus>', kind: 'count' }),
  o('cpus-per-task', 'c', 'required', 'CPUs per task (threads of a multithreaded program). Default 1.', { value: '<ncpus>', kind: 'count' }),
  o('deadline', undefined, 'required', 'Remove the job if it cannot end before this time.', { value: '<time>' }),
  o('delay-boot', undefined, 'required', 'Do not reboot nodes for features unless the job waited this many minutes.', { value: '<minutes>' }),
  o('dependency', 'd', 'required', 'Start only after other jobs, e.g. `afterok:123`, `afterany:123:124`, `singleton`.', { value: '<dependency_list>' }),
  o('distribution', 'm', 'required', 'Distribution of tasks over nodes and sockets, e.g. `block`, `cyclic`.', { value: '<spec>' }),
  o('error', 'e', 'required', 'File for the job\'s stderr (default: with stdout). Patterns: %j job id, %x job name, %A array id, %a task id, %u user, %N node.', { value: '<filename pattern>', kind: 'path' }),
  o('exclude', 'x', 'required', 'Nodes not to use, e.g. `node[1-2]`.', { value: '<node list>' }),
  o('exclusive', undefined, 'optional', 'Do not share the allocated nodes with other jobs (`=user`, `=mcs` to share only with own jobs).', { value: '[=user|mcs]' }),
  o('export', undefined, 'required', 'Environment variables to propagate: `ALL` (default), `NONE`, or a list such as `ALL,FOO=bar`.', { value: '<[ALL,]variables|ALL|NONE>' }),
  o('export-file', undefined, 'required', 'Read environment variables from this file (NUL- or newline-separated).', { value: '<filename | fd>', kind: 'path' }),
  o('extra-node-info', 'B', 'required', 'Select nodes with at least these sockets:cores:threads.', { value: '<sockets[:cores[:threads]]>' }),
  o('get-user-env', undefined, 'optional', 'Load the user\'s login environment on the node (root only).', { value: '[=timeout][mode]' }),
  o('gid', undefined, 'required', 'Submit as this group (root only).', { value: '<group>' }),
  o('gpu-bind', undefined, 'required', 'Bind tasks to specific GPUs, e.g. `closest`, `single:1`.', { value: '[verbose,]<type>' }),
  o('gpu-freq', undefined, 'required', 'GPU frequency and voltage, e.g. `high`, `medium,memory=low`.', { value: '[<type]=value>[,<type=value>]' }),
  o('gpus', 'G', 'required', 'Total GPUs for the job, optionally with a type: `2`, `a100:2`.', { value: '[type:]<number>', kind: 'gpus' }),
  o('gpus-per-node', undefined, 'required', 'GPUs per allocated node, optionally with a type.', { value: '[type:]<number>', kind: 'gpus' }),
  o('gpus-per-socket', undefined, 'required', 'GPUs per allocated socket.', { value: '[type:]<number>', kind: 'gpus' }),
  o('gpus-per-task', undefined, 'required', 'GPUs per task.', { value: '[type:]<number>', kind: 'gpus' }),
  o('gres', undefined, 'required', 'Generic resources per node, e.g. `gpu:2`, `gpu:a100:1`. A count above what any node of the partition has is refused.', { value: '<list>', kind: 'gres' }),
  o('gres-flags', undefined, 'required', 'GRES binding: `enforce-binding` or `disable-binding`.', { value: '<type>' }),
  o('help', 'h', 'none', 'Print sbatch\'s help and exit.'),
  o('hint', undefined, 'required', 'Task binding hints: `compute_bound`, `memory_bound`, `multithread`, `nomultithread`.', { value: '<type>' }),
  o('hold', 'H', 'none', 'Submit held (priority 0); release with `scontrol release`.'),
  o('ignore-pbs', undefined, 'none', 'Ignore `#PBS` and `#BSUB` directives in the script.'),
  o('input', 'i', 'required', 'File connected to the script\'s stdin (default /dev/null).', { value: '<filename pattern>', kind: 'path' }),
  o('job-name', 'J', 'required', 'Name of the job, shown by squeue (default: the script\'s file name). Pattern %x in file names.', { value: '<jobname>' }),
  o('kill-on-invalid-dep', undefined, 'required', 'Cancel the job if a dependency can never be satisfied (`yes`/`no`).', { value: '<yes|no>' }),
  o('licenses', 'L', 'required', 'Licenses the job needs, e.g. `matlab:1`.', { value: '<license>[@db][:count][,...]' }),
  o('mail-type', undefined, 'required', 'When to send mail: `NONE`, `BEGIN`, `END`, `FAIL`, `REQUEUE`, `ALL`, `TIME_LIMIT_80`, `ARRAY_TASKS`...', { value: '<type>', kind: 'mailType' }),
  o('mail-user', undefined, 'required', 'Who receives the mail (default: the submitting user).', { value: '<user>' }),
  o('mcs-label', undefined, 'required', 'MCS label for the job.', { value: '<mcs>' }),
  o('mem', undefined, 'required', 'Memory per node; units K, M (default), G, T, e.g. `4G`. `0` requests all memory of each node.', { value: '<size>[units]', kind: 'memory' }),
  o('mem-bind', undefined, 'required', 'Bind tasks to memory (NUMA), e.g. `local`.', { value: '[{quiet|verbose},]<type>' }),
  o('mem-per-cpu', undefined, 'required', 'Memory per allocated CPU; units K, M (default), G, T.', { value: '<size>[units]', kind: 'memory' }),
  o('mem-per-gpu', undefined, 'required', 'Memory per allocated GPU; units K, M (default), G, T.', { value: '<size>[units]', kind: 'memory' }),
  o('mincpus', undefined, 'required', 'Minimum number of logical CPUs per node.', { value: '<n>', kind: 'count' }),
  o('network', undefined, 'required', 'Network (switch) specification.', { value: '<type>' }),
  o('nice', undefined, 'optional', 'Run with an adjusted scheduling priority (positive lowers it).', { value: '[=adjustment]' }),
  o('no-kill', 'k', 'optional', 'Do not cancel the job if one of its nodes fails.', { value: '[=off]' }),
  o('no-requeue', undefined, 'none', 'Never requeue the job.'),
  o('nodefile', 'F', 'required', 'File with the list of nodes to use.', { value: '<node_file>', kind: 'path' }),
  o('nodelist', 'w', 'required', 'Nodes to use, e.g. `node[1-3]`.', { value: '<node_list>' }),
  o('nodes', 'N', 'required', 'Number of nodes, or a range `min-max`.', { value: '<minnodes>[-maxnodes]', kind: 'nodes' }),
  o('ntasks', 'n', 'required', 'Number of tasks (MPI ranks) the job will launch with srun. Default 1 per node.', { value: '<number>', kind: 'count' }),
  o('ntasks-per-core', undefined, 'required', 'Maximum tasks per core.', { value: '<ntasks>', kind: 'count' }),
  o('ntasks-per-gpu', undefined, 'required', 'Tasks per allocated GPU.', { value: '<ntasks>', kind: 'count' }),
  o('ntasks-per-node', undefined, 'required', 'Tasks per node.', { value: '<ntasks>', kind: 'count' }),
  o('ntasks-per-socket', undefined, 'required', 'Maximum tasks per socket.', { value: '<ntasks>', kind: 'count' }),
  o('open-mode', undefined, 'required', 'Open output files with `append` or `truncate` (default).', { value: '{append|truncate}' }),
  o('output', 'o', 'required', 'File for the job\'s stdout (default `slurm-%j.out`, `slurm-%A_%a.out` for arrays), relative to the working directory. Patterns: %j, %x, %A, %a, %u, %N.', { value: '<filename pattern>', kind: 'path' }),
  o('overcommit', 'O', 'none', 'Allow more tasks than CPUs.'),
  o('oversubscribe', 's', 'none', 'Allow sharing nodes with other running jobs.'),
  o('parsable', undefined, 'none', 'Print only the job id (and cluster name).'),
  o('partition', 'p', 'required', 'Partition (queue) to run in; several separated by commas, the earliest start wins.', { value: '<partition_names>', kind: 'partition' }),
  o('power', undefined, 'required', 'Power management flags.', { value: '<flags>' }),
  o('prefer', undefined, 'required', 'Preferred (not required) node features.', { value: '<list>' }),
  o('priority', undefined, 'required', 'Requested priority (operators only), or `TOP`.', { value: '<value>' }),
  o('profile', undefined, 'required', 'Detailed profiling: `All`, `None`, `Energy`, `Task`, `Lustre`, `Network`.', { value: '{all|none|<type>[,...]}' }),
  o('propagate', undefined, 'optional', 'Resource limits (ulimits) to propagate to the job, e.g. `STACK`.', { value: '[=rlimit[,...]]' }),
  o('qos', 'q', 'required', 'Quality of service for the job.', { value: '<qos>', kind: 'qos' }),
  o('quiet', 'Q', 'none', 'Suppress informational messages.'),
  o('reboot', undefined, 'none', 'Reboot the nodes before starting the job.'),
  o('requeue', undefined, 'none', 'The job may be requeued (e.g. after a node failure).'),
  o('reservation', undefined, 'required', 'Run in this advance reservation.', { value: '<reservation_names>' }),
  o('signal', undefined, 'required', 'Send a signal this many seconds before the time limit, e.g. `B:USR1@60`.', { value: '[{R|B}:]<sig_num>[@sig_time]' }),
  o('sockets-per-node', undefined, 'required', 'Restrict node selection to nodes with at least this many sockets.', { value: '<sockets>', kind: 'count' }),
  o('spread-job', undefined, 'none', 'Spread the job over as many nodes as possible.'),
  o('switches', undefined, 'required', 'Maximum count of leaf switches, optionally with a wait time.', { value: '<count>[@max-time]' }),
  o('test-only', undefined, 'none', 'Validate the script and estimate when the job would start, without submitting it.'),
  o('thread-spec', undefined, 'required', 'Count of specialized threads per node reserved for system use.', { value: '<num>', kind: 'count' }),
  o('threads-per-core', undefined, 'required', 'Restrict node selection to nodes with at least this many threads per core.', { value: '<threads>', kind: 'count' }),
  o('time', 't', 'required', 'Time limit: `minutes`, `minutes:seconds`, `hours:minutes:seconds`, `days-hours`, `days-hours:minutes`, `days-hours:minutes:seconds`, or `UNLIMITED`. Above the partition\'s limit the job stays pending (PartitionTimeLimit).', { value: '<time>', kind: 'time' }),
  o('time-min', undefined, 'required', 'Minimum time limit: the scheduler may shorten the limit down to this to start the job earlier.', { value: '<time>', kind: 'time' }),
  o('tmp', undefined, 'required', 'Minimum temporary disk space per node; units K, M (default), G, T.', { value: '<size>[units]', kind: 'memory' }),
  o('uid', undefined, 'required', 'Submit as this user (root only).', { value: '<user>' }),
  o('usage', undefined, 'none', 'Print a brief usage message and exit.'),
  o('use-min-nodes', undefined, 'none', 'With a node range, prefer the smaller count.'),
  o('verbose', 'v', 'none', 'More informational messages (repeatable).'),
  o('version', 'V', 'none', 'Print the version and exit.'),
  o('wait', 'W', 'none', 'Do not exit until the job ends; exit with its exit code.'),
  o('wait-all-nodes', undefined, 'required', 'Start the script only when all nodes are ready (`1`) or at once (`0`).', { value: '<value>' }),
  o('wckey', undefined, 'required', 'Workload characterization key.', { value: '<wckey>' }),
  o('wrap', undefined, 'required', 'Wrap the given command in a `sh` script (command line only).', { value: '<command string>' }),
  // Pyxis (NVIDIA's container plugin): only on clusters that load it.
  o('container-image', undefined, 'required', 'Pyxis: run the job in this container image, e.g. `nvcr.io#nvidia/pytorch:24.01-py3` or a squashfs file.', { value: '<image>', plugin: 'pyxis' }),
  o('container-mounts', undefined, 'required', 'Pyxis: bind mounts `SRC:DST[:FLAGS]`, comma-separated.', { value: '<mounts>', plugin: 'pyxis' }),
  o('container-workdir', undefined, 'required', 'Pyxis: working directory inside the container.', { value: '<dir>', plugin: 'pyxis' }),
  o('container-name', undefined, 'required', 'Pyxis: name the container to reuse it across steps.', { value: '<name>', plugin: 'pyxis' }),
  o('container-mount-home', undefined, 'none', 'Pyxis: mount the user\'s home directory.', { plugin: 'pyxis' }),
  o('container-writable', undefined, 'none', 'Pyxis: make the container filesystem writable.', { plugin: 'pyxis' }),
];

const byLong = new Map(SBATCH_OPTIONS.map((x) => [x.long, x]));
const byShort = new Map(SBATCH_OPTIONS.filter((x) => x.short).map((x) => [x.short as string, x]));

export function optionByShort(letter: string): SbatchOption | undefined {
  return byShort.get(letter);
}

/**
 * The option a long name means, as getopt_long resolves it: an exact name, or an unambiguous
 * prefix (`--part` is `--partition`). Ambiguous prefixes are reported by the caller.
 */
export function optionByLong(name: string): { option?: SbatchOption; ambiguous?: SbatchOption[] } {
  const exact = byLong.get(name);
  if (exact) return { option: exact };
  if (name === '') return {};
  const matches = SBATCH_OPTIONS.filter((x) => x.long.startsWith(name));
  if (matches.length === 1) return { option: matches[0] };
  if (matches.length > 1) return { ambiguous: matches };
  return {};
}

/** "--job-name, -J <jobname>" for docs. */
export function optionSignature(option: SbatchOption): string {
  const value = option.value ? (option.arg === 'optional' ? `[=${option.value.replace(/^\[=?|\]$/g, '')}]` : `=${option.value}`) : '';
  return `--${option.long}${value}${option.short ? `, -${option.short}` : ''}`;
}
