/**
 * "Test Connection": what a user wants to know about a profile at once — Slurm version, remote
 * user, cluster name and round-trip latency — through the same transport the views use.
 */
import { probeCluster, runCall, type SlurmCall } from '../slurm';
import type { Transport } from '../transport/types';

export interface ConnectionReport {
  slurmVersion: string;
  user: string;
  clusterName?: string;
  /** Median of a few `true` round trips over the open connection, in ms. */
  latencyMs: number;
  /** Time to the first answer, connecting included, in ms. */
  firstAnswerMs: number;
}

export function clusterNameCall(): SlurmCall<string | undefined> {
  return {
    name: 'scontrol show config',
    argv: ['scontrol', 'show', 'config'],
    parse: (o) => /^ClusterName\s*=\s*(\S+)/m.exec(o.stdout)?.[1],
  };
}

export async function testConnection(transport: Transport, opts: { timeoutMs: number; signal?: AbortSignal }, now: () => number = () => performance.now()): Promise<ConnectionReport> {
  const t0 = now();
  await transport.exec(['true'], { ...opts, label: 'true' });
  const firstAnswerMs = now() - t0;
  const [ctx, clusterName] = await Promise.all([probeCluster(transport, opts), runCall(transport, clusterNameCall(), opts)]);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = now();
    await transport.exec(['true'], { ...opts, label: 'true' });
    samples.push(now() - t);
  }
  samples.sort((a, b) => a - b);
  return { slurmVersion: ctx.version.text, user: ctx.user, clusterName, latencyMs: samples[2], firstAnswerMs };
}
