// The utilisation picture's bars, from recorded 22.05 sinfo output (busy and drained cluster).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSinfo } from '../../src/slurm/sinfo';
import { buildClusterResources } from '../../src/resources/model';
import { parseReservations } from '../../src/slurm/reservations';
import { utilisationCluster } from '../../src/resources/utilisation';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05', 'resources');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

describe('utilisation picture data', () => {
  it('drained cluster: CPU bar splits in use / on drained nodes / free; nodes bar counts; reasons listed', () => {
    const r = buildClusterResources('bundled', parseSinfo(read('sinfo-drained.txt')), parseReservations(read('scontrol-res-two.txt'), 0), Date.parse('2026-12-01T00:00:00Z'));
    const u = utilisationCluster({ cluster: 'bundled', resources: r, loading: false, stale: false }, () => '00:00');
    assert.equal(u.readAt, '00:00');
    const debug = u.partitions.find((p) => p.name === 'debug')!;
    assert.equal(debug.status, 'up · limit 1:00:00 · 4 nodes');
    const [cpu, gpu, nodes, mem] = debug.bars;
    assert.deepEqual([cpu.label, cpu.summary, cpu.segments.map((s) => [s.kind, s.value])], ['CPU', '5/16 free', [['used', 3], ['down', 8], ['free', 5]]]);
    assert.deepEqual([gpu.label, gpu.summary, gpu.segments.map((s) => [s.kind, s.value])], ['GPU', '1/4 free', [['used', 3], ['free', 1]]]);
    assert.deepEqual([nodes.summary, nodes.segments.map((s) => [s.kind, s.value])], ['0 idle · 2 mixed · 2 down/drained', [['partial', 2], ['down', 2]]]);
    assert.equal(mem.summary, '7.1 GiB of 15.6 GiB free');
    assert.deepEqual(debug.downNodes, ['node1 draining — h8 fixture: draining', 'node2 drained — h8 fixture: disk check']);
    assert.deepEqual(u.reservations.map((x) => x.maintenance), [true, false]);
    // Segments always add up to the bar's total.
    for (const p of u.partitions) for (const b of p.bars) assert.equal(Math.round(b.segments.reduce((s, x) => s + x.value, 0)), Math.round(b.total), `${p.name} ${b.label}`);
  });

  it('a cluster still loading or failing has no partitions but says so', () => {
    assert.deepEqual(utilisationCluster({ cluster: 'x', loading: true, stale: false }), { cluster: 'x', loading: true, stale: false, partitions: [], reservations: [] });
    assert.equal(utilisationCluster({ cluster: 'x', loading: false, stale: false, error: 'ssh: refused' }).error, 'ssh: refused');
  });
});
