/**
 * One partition's limits and state, for the Partition* pending reasons:
 *
 *   scontrol -a show partition <name>
 *
 * `-a` because a job may wait in a Hidden partition (sinfo and a plain `scontrol show partition`
 * leave those out for ordinary users; seen on 22.05 and 24.11: "Partition zoo-one not found",
 * exit 1). Output: a `PartitionName=…` line, then indented `Key=Value` lines (MaxNodes=1
 * MaxTime=00:10:00 … State=UP TotalCPUs=8 TotalNodes=2). An unknown partition is a failed call.
 */
import type { SlurmCall } from './call';
import { SlurmParseError } from './errors';

export interface PartitionLimits {
  name: string;
  /** UP, DOWN, DRAIN, INACTIVE. */
  state: string;
  /** "UNLIMITED" or a count. */
  maxNodes: string;
  minNodes: string;
  /** "UNLIMITED" or Slurm's [D-]HH:MM:SS. */
  maxTime: string;
  totalNodes?: number;
}

export function partitionShowArgv(name: string): string[] {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`Invalid partition name: ${JSON.stringify(name)}`);
  return ['scontrol', '-a', 'show', 'partition', name];
}

export function partitionShowCall(name: string): SlurmCall<PartitionLimits | undefined> {
  return {
    name: 'scontrol show partition',
    argv: partitionShowArgv(name),
    parse: (o) => parsePartitionShow(o.stdout),
    // `-a` hides "show" from isReadOnlyArgv's look at argv[1]: it is a query all the same.
    idempotent: true,
  };
}

export function parsePartitionShow(stdout: string): PartitionLimits | undefined {
  const fields = new Map<string, string>();
  for (const token of stdout.split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0 && !fields.has(token.slice(0, eq))) fields.set(token.slice(0, eq), token.slice(eq + 1));
  }
  const name = fields.get('PartitionName');
  if (!name) {
    if (/Partition \S+ not found/i.test(stdout) || stdout.trim() === '') return undefined;
    throw new SlurmParseError('scontrol show partition', 'no PartitionName=', stdout.split('\n')[0] ?? '', 1);
  }
  const total = Number(fields.get('TotalNodes'));
  return {
    name,
    state: fields.get('State') ?? 'UNKNOWN',
    maxNodes: fields.get('MaxNodes') ?? 'UNLIMITED',
    minNodes: fields.get('MinNodes') ?? '0',
    maxTime: fields.get('MaxTime') ?? 'UNLIMITED',
    totalNodes: Number.isInteger(total) ? total : undefined,
  };
}
