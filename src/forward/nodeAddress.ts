/**
 * Where a job node is reached from the login node: its NodeAddr from `scontrol show node -o`
 * (sites where node names do not resolve, or resolve to the wrong network, set it), else its name.
 * A Slurm call as data with a pure, zod-checked parser (slurm/call.ts).
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { SlurmCall } from '../slurm/call';
import { SlurmParseError } from '../slurm/errors';
import { parseKeyValueLine } from '../slurm/scontrol';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const NodeRecord = lazySchema(() => z.object({
  NodeName: z.string().min(1),
  NodeAddr: z.string().optional(),
}));

export function assertNodeName(node: string): string {
  if (!NODE_NAME.test(node)) throw new Error(`"${node}" is not a Slurm node name`);
  return node;
}

export function nodeAddressCall(node: string): SlurmCall<string> {
  return {
    name: 'scontrol show node',
    argv: ['scontrol', 'show', 'node', '-o', assertNodeName(node)],
    parse: (o) => parseNodeAddress(o.stdout, node),
  };
}

export function parseNodeAddress(stdout: string, node: string): string {
  const line = stdout.split('\n').find((l) => l.startsWith('NodeName='));
  if (!line) throw new SlurmParseError('scontrol show node', `no record for node ${node}`, stdout);
  const parsed = NodeRecord.safeParse(Object.fromEntries(parseKeyValueLine(line.trim())));
  if (!parsed.success) throw new SlurmParseError('scontrol show node', parsed.error.issues.map((i) => i.message).join('; '), stdout);
  const addr = parsed.data.NodeAddr?.trim();
  return addr && addr !== '(null)' ? addr : parsed.data.NodeName;
}
