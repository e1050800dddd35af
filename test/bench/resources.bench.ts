/**
 * The Resources view's cost, each against a baseline measured in the same run:
 *  1. One resources poll over the real ssh2 transport (sinfo + scontrol show reservation side by
 *     side on the one connection, parsed into the model) vs. a bare `sinfo` through the same
 *     transport — what the second call and the model add to a poll.
 *  2. Building the model for a ~6,700-node cluster (10,000 synthetic sinfo rows made of the recorded
 *     22.05 rows, node names renumbered) vs. parseSinfo alone on that output.
 * Medians of several runs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadClusterResources } from '../../src/resources/loader';
import { buildClusterResources } from '../../src/resources/model';
import { runCall } from '../../src/slurm/call';
import { parseSinfo, sinfoCall } from '../../src/slurm/sinfo';
import { readBed } from '../integration/bed';
import { bedTransport } from '../integration/bedTransport';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function time(fn: () => unknown, runs: number): Promise<number> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return median(out);
}

export default async function bench(): Promise<void> {
  const bed = readBed();
  const transport = bedTransport(bed, 'bundled');
  try {
    const sinfoOnly = await time(() => runCall(transport, sinfoCall()), 15);
    const poll = await time(() => loadClusterResources('bundled', transport), 15);
    console.log(`resources poll over ssh2: ${poll.toFixed(1)} ms; bare sinfo: ${sinfoOnly.toFixed(1)} ms; ratio ${(poll / sinfoOnly).toFixed(2)}x`);
  } finally {
    transport.dispose();
  }

  const rows = readFileSync(join(__dirname, '..', 'fixtures', 'slurm-22.05', 'resources', 'sinfo-busy.txt'), 'utf8').trimEnd().split('\n');
  const big: string[] = [];
  for (let i = 0; big.length < 10_000; i++) {
    for (const row of rows) big.push(row.replace(/^node(\d)/, (_, n: string) => `n${i}-${n}`));
  }
  const text = `${big.join('\n')}\n`;
  const info = parseSinfo(text);
  const parseOnly = await time(() => parseSinfo(text), 9);
  const parseAndModel = await time(() => buildClusterResources('big', parseSinfo(text), [], 0), 9);
  console.log(`${info.nodes.length} nodes / ${big.length} sinfo rows: parse ${parseOnly.toFixed(1)} ms; parse + model ${parseAndModel.toFixed(1)} ms; ratio ${(parseAndModel / parseOnly).toFixed(2)}x`);
}
