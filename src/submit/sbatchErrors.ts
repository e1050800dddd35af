/**
 * sbatch's refusals, shown verbatim, with the likely cause named and a fix suggested. The causes
 * are recognised from sbatch's own messages (22.05) plus what we know of the request and the
 * cluster (sinfo), e.g. "Requested node configuration is not available" + 3 GPUs asked on a
 * partition whose nodes have 2 = too many GPUs. VS Code-free.
 */
import type { PartitionInfo, NodeInfo } from '../slurm/sinfo';
import { gpusOf } from './answers';

export type SbatchErrorCause =
  | 'badPartition'
  | 'tooManyGpus'
  | 'nodeConfiguration'
  | 'timeLimit'
  | 'badTime'
  | 'badMemory'
  | 'memory'
  | 'unknownOption'
  | 'account'
  | 'qos'
  | 'policy'
  | 'dosLineBreaks'
  | 'noShebang'
  | 'busy';

export interface SbatchErrorExplanation {
  cause: SbatchErrorCause;
  /** One line: what is wrong. */
  summary: string;
  /** How to fix it. */
  hint: string;
  /** The option at fault, when known (to highlight it in the script). */
  option?: string;
}

export interface RequestContext {
  /** Effective options of the job (file directives, header, overrides). */
  options?: ReadonlyMap<string, string | undefined>;
  partitions?: readonly PartitionInfo[];
  nodes?: readonly NodeInfo[];
}

/** Most GPUs on any one node of the partition. */
export function maxGpusPerNode(partition: string, nodes: readonly NodeInfo[]): number {
  return nodes.filter((n) => n.partitions.includes(partition)).reduce((m, n) => Math.max(m, n.gpus.total), 0);
}

export function explainSbatchError(stderr: string, ctx: RequestContext = {}): SbatchErrorExplanation | undefined {
  const text = stderr;
  const options = ctx.options ?? new Map<string, string | undefined>();
  const partitionNames = ctx.partitions?.map((p) => p.name) ?? [];
  const defaultPartition = ctx.partitions?.find((p) => p.isDefault)?.name;
  const partition = options.get('partition') ?? defaultPartition;

  let m = /invalid partition specified:\s*(\S+)/i.exec(text);
  if (m || /Invalid partition name specified/i.test(text)) {
    return {
      cause: 'badPartition',
      option: 'partition',
      summary: `Partition "${m?.[1] ?? options.get('partition') ?? '?'}" does not exist on this cluster.`,
      hint: partitionNames.length ? `Use one of: ${partitionNames.join(', ')}.` : 'Check the partition name with `sinfo`.',
    };
  }
  if (/Requested node configuration is not available/i.test(text) || /Memory specification can not be satisfied/i.test(text)) {
    const gpus = gpusOf(options);
    if (gpus !== undefined && partition !== undefined && ctx.nodes) {
      const max = maxGpusPerNode(partition, ctx.nodes);
      if (gpus > max) {
        return {
          cause: 'tooManyGpus',
          option: options.has('gres') ? 'gres' : 'gpus',
          summary: `Too many GPUs: ${gpus} requested per node, but the nodes of partition "${partition}" have at most ${max}.`,
          hint: max > 0 ? `Ask for at most ${max} GPU(s) per node, or spread the job over several nodes.` : `Partition "${partition}" has no GPUs: pick a GPU partition.`,
        };
      }
    }
    if (/Memory specification/i.test(text)) {
      return { cause: 'memory', option: 'mem', summary: 'No node of the partition has that much memory.', hint: 'Ask for less memory (--mem), or pick a partition with bigger nodes.' };
    }
    return { cause: 'nodeConfiguration', summary: 'No node of the partition can satisfy the request (CPUs, memory, GPUs or features).', hint: 'Ask for fewer resources per node, or pick another partition (`sinfo` shows what nodes have).' };
  }
  if (/Requested time limit is invalid|time limit exceeds/i.test(text)) {
    const max = ctx.partitions?.find((p) => p.name === partition)?.timeLimit;
    return { cause: 'timeLimit', option: 'time', summary: 'The time limit is above what the partition allows.', hint: max ? `Ask for at most the partition's limit.` : 'Lower --time.' };
  }
  if (/Invalid --time specification/i.test(text)) {
    return { cause: 'badTime', option: 'time', summary: 'The time limit is malformed.', hint: 'Write minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS.' };
  }
  if (/Invalid --mem/i.test(text)) {
    return { cause: 'badMemory', option: 'mem', summary: 'The memory size is malformed.', hint: 'Write a whole number with an optional unit K, M, G or T, e.g. 4G.' };
  }
  m = /unrecognized option '([^']+)'|invalid option -- '?(\w)'?/i.exec(text);
  if (m) return { cause: 'unknownOption', summary: `sbatch does not know the option ${m[1] ?? `-${m[2]}`}.`, hint: 'Fix or remove it (a plugin option needs that plugin on the cluster).' };
  if (/Invalid account or account\/partition combination/i.test(text)) {
    return { cause: 'account', option: 'account', summary: 'The account does not exist or may not use this partition.', hint: 'Check your accounts with `sacctmgr show assoc user=$USER`.' };
  }
  if (/Invalid qos specification/i.test(text)) return { cause: 'qos', option: 'qos', summary: 'The QOS does not exist or is not allowed for you.', hint: 'Check `sacctmgr show qos` and your associations.' };
  if (/violates accounting\/QOS policy/i.test(text)) return { cause: 'policy', summary: 'The job exceeds a limit of your account or QOS.', hint: 'Ask for fewer resources or less time, or use another account/QOS.' };
  if (/DOS line breaks/i.test(text)) return { cause: 'dosLineBreaks', summary: 'The script has Windows line breaks.', hint: 'Switch the file to LF line endings.' };
  if (/does not look like a batch script/i.test(text)) return { cause: 'noShebang', summary: 'The script does not start with #!.', hint: 'Add a first line such as #!/bin/bash.' };
  if (/temporarily unable to accept job|Resource temporarily unavailable/i.test(text)) return { cause: 'busy', summary: 'The Slurm controller is busy.', hint: 'Try again in a moment.' };
  return undefined;
}
