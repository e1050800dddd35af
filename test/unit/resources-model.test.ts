// The Resources model built from sinfo/scontrol output recorded on the bundled Slurm 22.05 cluster
// (test/fixtures/slurm-22.05/resources/README.md says how each was made), with concrete values.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseSinfo } from '../../src/slurm/sinfo';
import { gpusByType, gpuTypeCounts } from '../../src/resources/gres';
import { expandHostlist } from '../../src/slurm/hostlist';
import { buildClusterResources, nodeCategory, type ClusterResources } from '../../src/resources/model';
import { nodeCountsText, nodeDescription, partitionDescription, textBar } from '../../src/resources/format';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05', 'resources');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');
const model = (f: string): ClusterResources => buildClusterResources('bundled', parseSinfo(read(f)), [], 1000);
const part = (r: ClusterResources, name: string) => {
  const p = r.partitions.find((x) => x.name === name);
  assert.ok(p, `partition ${name}`);
  return p;
};
const node = (r: ClusterResources, name: string) => {
  const n = r.nodes.find((x) => x.name === name);
  assert.ok(n, `node ${name}`);
  return n;
};

describe('resources model on recorded sinfo', () => {
  it('idle cluster: every CPU and GPU free; nodes without GRES still count for CPUs', () => {
    const r = model('sinfo-idle.txt');
    assert.deepEqual(r.partitions.map((p) => p.name), ['debug', 'gpu']);
    const debug = part(r, 'debug');
    assert.equal(debug.isDefault, true);
    assert.equal(debug.acceptsJobs, true);
    assert.deepEqual(debug.timeLimit, { kind: 'seconds', seconds: 3600 });
    assert.deepEqual(debug.nodeNames, ['node1', 'node2', 'node3', 'node4']);
    assert.deepEqual(debug.cpus, { free: 16, total: 16 });
    assert.deepEqual({ free: debug.gpus.free, total: debug.gpus.total }, { free: 4, total: 4 });
    assert.deepEqual(debug.gpus.byType, [{ type: '', free: 4, total: 4 }]);
    assert.deepEqual(debug.memoryMb, { free: 16000, total: 16000 });
    assert.deepEqual(debug.nodeCounts, { idle: 4, mixed: 0, allocated: 0, unavailable: 0, other: 0, total: 4 });
    assert.equal(partitionDescription(debug), '16/16 CPU free · 4/4 GPU free');
    const gpu = part(r, 'gpu');
    assert.equal(gpu.isDefault, false);
    assert.deepEqual(gpu.nodeNames, ['node3', 'node4']);
    assert.equal(partitionDescription(gpu), '8/8 CPU free · 4/4 GPU free');
    assert.deepEqual(gpu.largestFreeNode, { cpus: 4, gpus: 2, memoryMb: 4000 });
    const n1 = node(r, 'node1');
    assert.equal(n1.gres, undefined);
    assert.deepEqual(n1.gpus, { free: 0, total: 0, byType: [] });
    assert.deepEqual(n1.cpus, { free: 4, total: 4, allocated: 0 });
    assert.deepEqual(node(r, 'node3').partitions, ['debug', 'gpu']);
    assert.equal(nodeDescription(n1), 'idle · 4/4 CPU free');
    assert.equal(nodeDescription(node(r, 'node3')), 'idle · 4/4 CPU · 2/2 GPU free');
  });

  it('busy cluster: allocated CPUs, memory and GPUs are not free', () => {
    const r = model('sinfo-busy.txt');
    assert.equal(node(r, 'node1').category, 'allocated');
    assert.deepEqual(node(r, 'node1').cpus, { free: 0, total: 4, allocated: 4 });
    assert.deepEqual(node(r, 'node1').memoryMb, { free: 3000, total: 4000, allocated: 1000 });
    assert.equal(node(r, 'node3').category, 'mixed');
    assert.deepEqual({ free: node(r, 'node3').gpus.free, total: node(r, 'node3').gpus.total }, { free: 1, total: 2 });
    assert.equal(node(r, 'node4').gpus.free, 0);
    const debug = part(r, 'debug');
    assert.deepEqual(debug.cpus, { free: 9, total: 16 });
    assert.deepEqual(debug.nodeCounts, { idle: 1, mixed: 2, allocated: 1, unavailable: 0, other: 0, total: 4 });
    assert.equal(nodeCountsText(debug), '1 idle · 2 mixed · 1 allocated');
    const gpu = part(r, 'gpu');
    assert.equal(partitionDescription(gpu), '5/8 CPU free · 1/4 GPU free');
    assert.deepEqual(gpu.largestFreeNode, { cpus: 3, gpus: 1, memoryMb: 3750 });
  });

  it('drained and draining nodes: counted as down/drained with their reasons, nothing free on them', () => {
    const r = model('sinfo-drained.txt');
    const n2 = node(r, 'node2');
    assert.equal(n2.state, 'drained');
    assert.equal(n2.category, 'unavailable');
    assert.equal(n2.reason, 'h8 fixture: disk check');
    assert.deepEqual(n2.cpus, { free: 0, total: 4, allocated: 0 });
    assert.equal(nodeDescription(n2), 'drained · h8 fixture: disk check');
    const n1 = node(r, 'node1');
    assert.equal(n1.state, 'draining');
    assert.equal(n1.category, 'unavailable');
    assert.equal(n1.reason, 'h8 fixture: draining');
    const debug = part(r, 'debug');
    assert.deepEqual(debug.nodeCounts, { idle: 0, mixed: 2, allocated: 0, unavailable: 2, other: 0, total: 4 });
    assert.deepEqual(debug.cpus, { free: 5, total: 16 });
    assert.equal(nodeCountsText(debug), '2 mixed · 2 down/drained');
    // The gpu partition's nodes are unaffected.
    assert.equal(partitionDescription(part(r, 'gpu')), '5/8 CPU free · 1/4 GPU free');
  });

  it('node states map to categories, flags included', () => {
    const c = (baseState: string, stateFlags = '') => nodeCategory({ baseState, stateFlags });
    assert.equal(c('idle'), 'idle');
    assert.equal(c('idle', '*'), 'unavailable');
    assert.equal(c('mixed'), 'mixed');
    assert.equal(c('completing'), 'allocated');
    assert.equal(c('down'), 'unavailable');
    assert.equal(c('drained'), 'unavailable');
    assert.equal(c('mixed+drain'), 'unavailable');
    assert.equal(c('reserved'), 'other');
    assert.equal(c('planned'), 'other');
    assert.equal(c('idle+planned'), 'other');
  });
});

describe('GRES per type (synthetic strings: the bundled cluster has only untyped GPUs)', () => {
  it('reads counts and types', () => {
    assert.deepEqual([...gpusByType('gpu:2')], [['', 2]]);
    assert.deepEqual([...gpusByType('(null)')], []);
    assert.deepEqual([...gpusByType(undefined)], []);
    assert.deepEqual([...gpusByType('gpu:a100:2(S:0-1),gpu:v100:1,mps:100')], [['a100', 2], ['v100', 1]]);
    assert.deepEqual([...gpusByType('gpu:a100:1(IDX:0),gpu:v100:0(IDX:N/A)')], [['a100', 1], ['v100', 0]]);
    assert.deepEqual([...gpusByType('gpu:a100')], [['a100', 1]]);
    assert.deepEqual([...gpusByType('gres/gpu:tesla:3')], [['tesla', 3]]);
  });

  it('joins used to configured; untyped use on a one-type node is charged to that type', () => {
    assert.deepEqual(gpuTypeCounts('gpu:a100:4', 'gpu:2'), [{ type: 'a100', total: 4, used: 2 }]);
    assert.deepEqual(gpuTypeCounts('gpu:a100:2,gpu:v100:2', 'gpu:a100:1(IDX:0),gpu:v100:2(IDX:0-1)'), [
      { type: 'a100', total: 2, used: 1 },
      { type: 'v100', total: 2, used: 2 },
    ]);
    assert.deepEqual(gpuTypeCounts(undefined, 'gpu:0'), []);
  });
});

describe('hostlists', () => {
  it('expands ranges, lists, padding and nested brackets', () => {
    assert.deepEqual(expandHostlist('node[3-4]'), ['node3', 'node4']);
    assert.deepEqual(expandHostlist('node4'), ['node4']);
    assert.deepEqual(expandHostlist('a1,b[2-3,7]'), ['a1', 'b2', 'b3', 'b7']);
    assert.deepEqual(expandHostlist('gpu[08-10]-ib'), ['gpu08-ib', 'gpu09-ib', 'gpu10-ib']);
    assert.deepEqual(expandHostlist('r[1-2]n[1-2]'), ['r1n1', 'r1n2', 'r2n1', 'r2n2']);
    assert.deepEqual(expandHostlist('(null)'), []);
    assert.throws(() => expandHostlist('n[1-99999999]'), /more than/);
  });
});

describe('text bars', () => {
  it('fills the used part', () => {
    assert.equal(textBar(0, 4, 4), '░░░░');
    assert.equal(textBar(2, 4, 4), '██░░');
    assert.equal(textBar(4, 4, 4), '████');
    assert.equal(textBar(1, 0, 3), '░░░');
  });
});
