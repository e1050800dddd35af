// The Resources model against the real bundled cluster, over the real sshd and ssh2 transport:
// it matches `scontrol show node` for idle and allocated nodes (our jobs hold CPUs and GPUs), for a
// node drained as root (always resumed, quickly: others use the cluster), GPU free counts change
// while a GPU job runs, and "wait for 2 GPUs" fires when a job holding them ends — and not before.
// Other helpers submit jobs at the same time: we only look at our own jobs' nodes, compare against
// scontrol only when two model readings around it agree, and clean up our own job ids.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Emitter } from '../../src/core/disposable';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { loadClusterResources } from '../../src/resources/loader';
import type { ClusterResources, NodeResources } from '../../src/resources/model';
import { ResourcesMonitor } from '../../src/resources/monitor';
import { WatchRegistry, type WatchFired } from '../../src/resources/watchRegistry';
import { parseKeyValueLine } from '../../src/slurm/scontrol';
import type { Transport } from '../../src/transport/types';
import { readBed, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { nativeClusterOnly } from './devcontainerSkip';


let bed: Bed;
const skipHere = nativeClusterOnly('compares with scontrol run as root on this machine (the native cluster) and drains nodes with it');
let transport: Transport;
const submitted: string[] = [];
let drainedByUs: string | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs scontrol as root on this machine: draining a node needs the Slurm admin. */
function asRoot(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile('scontrol', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, code: error ? (typeof error.code === 'number' ? error.code : 1) : 0 });
    });
  });
}

async function resume(node: string): Promise<void> {
  const r = await asRoot(['update', `nodename=${node}`, 'state=resume']);
  // "Invalid node state specified" = it was not drained any more: fine.
  if (r.code !== 0 && !/Invalid node state/i.test(r.stderr)) throw new Error(`could not resume ${node}: ${r.stderr}`);
}

before(() => {
  bed = readBed();
  transport = bedTransport(bed, 'bundled');
});

after(async () => {
  if (drainedByUs) await resume(drainedByUs);
  if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  transport.dispose();
});

const load = () => loadClusterResources('bundled', transport, { timeoutMs: 30_000 });

async function submit(args: string): Promise<string> {
  const r = await sshRun(`sbatch --parsable ${args}`, { bed });
  assert.equal(r.code, 0, r.stderr);
  const id = r.stdout.trim().split(';')[0];
  submitted.push(id);
  return id;
}

/** Waits until our job runs; returns its node. */
async function runningOn(id: string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await sshRun(`squeue -h -j ${id} -o '%T %N'`, { bed });
    const [state, node] = r.stdout.trim().split(' ');
    if (state === 'RUNNING' && node) return node;
    if (Date.now() > deadline) throw new Error(`job ${id} did not start within ${timeoutMs} ms (state ${state || 'gone'})`);
    await sleep(500);
  }
}

async function scancelAndWaitGone(id: string): Promise<void> {
  await sshRun(`scancel ${id}`, { bed });
  for (let i = 0; i < 120; i++) {
    const r = await sshRun(`squeue -h -j ${id} -o %T`, { bed });
    if (r.stdout.trim() === '') return;
    await sleep(500);
  }
}

interface ScontrolNode {
  state: string;
  reason?: string;
  cpuAlloc: number;
  cpuTotal: number;
  realMemory: number;
  allocMem: number;
  gpuTotal: number;
  gpuUsed: number;
}

/** `scontrol show node -o` read independently (OpenSSH, not our transport), for comparison. */
async function scontrolNodes(): Promise<Map<string, ScontrolNode>> {
  const r = await sshRun('scontrol show node -o', { bed });
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, ScontrolNode>();
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('NodeName='))) {
    // Reason is free text up to the end of the line ("Reason=... [root@2026-...]").
    const reason = /\bReason=(.*?) \[[^\]]*\]\s*$/.exec(line)?.[1];
    const kv = parseKeyValueLine(line.replace(/\s+Reason=.*$/, ''));
    const gres = kv.get('Gres') ?? '(null)';
    const gpuTotal = /gpu(?::[^:(,]+)?:(\d+)/.exec(gres)?.[1];
    const gpuUsed = /gres\/gpu=(\d+)/.exec(kv.get('AllocTRES') ?? '')?.[1];
    const node: ScontrolNode = {
      state: kv.get('State') ?? '',
      cpuAlloc: Number(kv.get('CPUAlloc')),
      cpuTotal: Number(kv.get('CPUTot')),
      realMemory: Number(kv.get('RealMemory')),
      allocMem: Number(kv.get('AllocMem')),
      gpuTotal: gpuTotal ? Number(gpuTotal) : 0,
      gpuUsed: gpuUsed ? Number(gpuUsed) : 0,
    };
    if (reason !== undefined) node.reason = reason;
    out.set(kv.get('NodeName') ?? '', node);
  }
  return out;
}

function nodeFigures(n: NodeResources) {
  return { alloc: n.cpus.allocated, total: n.cpus.total, mem: n.memoryMb.total, allocMem: n.memoryMb.allocated, gpus: n.gpus.total, gpusFree: n.gpus.free, category: n.category, reason: n.reason };
}

/**
 * A model reading and a scontrol reading of the same moment: both models around the scontrol call
 * must agree on `nodes` (others' jobs may start or end meanwhile; then we read again).
 */
async function consistentReading(nodes: string[]): Promise<{ model: ClusterResources; scontrol: Map<string, ScontrolNode> }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = await load();
    const scontrol = await scontrolNodes();
    const b = await load();
    const same = nodes.every((name) => {
      const x = a.nodes.find((n) => n.name === name);
      const y = b.nodes.find((n) => n.name === name);
      return x && y && JSON.stringify(nodeFigures(x)) === JSON.stringify(nodeFigures(y));
    });
    if (same) return { model: b, scontrol };
    await sleep(300);
  }
  throw new Error('the cluster never held still long enough to compare');
}

function expectedCategory(state: string): string {
  const s = state.toUpperCase();
  if (/DRAIN|DOWN|FAIL|NOT_RESPONDING/.test(s)) return 'unavailable';
  if (s.startsWith('IDLE')) return s === 'IDLE' ? 'idle' : 'other';
  if (s.startsWith('MIXED')) return 'mixed';
  if (s.startsWith('ALLOCATED') || s.startsWith('COMPLETING')) return 'allocated';
  return 'other';
}

function assertMatches(model: ClusterResources, scontrol: Map<string, ScontrolNode>, name: string): NodeResources {
  const n = model.nodes.find((x) => x.name === name);
  const s = scontrol.get(name);
  assert.ok(n, `${name} in the model`);
  assert.ok(s, `${name} in scontrol`);
  assert.equal(n.cpus.total, s.cpuTotal, `${name} CPUs`);
  assert.equal(n.cpus.allocated, s.cpuAlloc, `${name} allocated CPUs`);
  assert.equal(n.memoryMb.total, s.realMemory, `${name} memory`);
  assert.equal(n.memoryMb.allocated, s.allocMem, `${name} allocated memory`);
  assert.equal(n.gpus.total, s.gpuTotal, `${name} GPUs`);
  assert.equal(n.category, expectedCategory(s.state), `${name} category for scontrol state ${s.state}`);
  if (n.category === 'unavailable') {
    assert.equal(n.cpus.free, 0);
    assert.equal(n.gpus.free, 0);
  } else {
    assert.equal(n.cpus.free, s.cpuTotal - s.cpuAlloc, `${name} free CPUs`);
    assert.equal(n.gpus.free, s.gpuTotal - s.gpuUsed, `${name} free GPUs`);
  }
  return n;
}

test('the model lists both partitions with their nodes, and every node matches scontrol', { skip: skipHere }, async () => {
  const { model, scontrol } = await consistentReading(bed.nodes);
  assert.deepEqual(model.partitions.map((p) => p.name).sort(), [...bed.partitions].sort());
  const debug = model.partitions.find((p) => p.name === 'debug');
  const gpu = model.partitions.find((p) => p.name === 'gpu');
  assert.ok(debug && gpu);
  assert.equal(debug.isDefault, true);
  assert.deepEqual(debug.nodeNames, ['node1', 'node2', 'node3', 'node4']);
  assert.deepEqual(gpu.nodeNames, ['node3', 'node4']);
  assert.equal(debug.cpus.total, 16);
  assert.equal(gpu.gpus.total, 4);
  // node1/node2 have no GRES ("(null)") and still count for CPUs.
  assert.equal(debug.gpus.total, 4);
  for (const name of bed.nodes) assertMatches(model, scontrol, name);
});

test('jobs holding CPUs and GPUs: the model matches scontrol, and GPU free counts drop while the job runs', { skip: skipHere }, async () => {
  const id = await submit(`-J 'wb resources gpu' -p gpu --gres=gpu:2 -c 2 -t 3 --wrap 'sleep 300'`);
  const node = await runningOn(id);
  const { model, scontrol } = await consistentReading([node]);
  const n = assertMatches(model, scontrol, node);
  assert.equal(n.gpus.free, 0, 'our job holds both GPUs of its node');
  assert.ok(n.cpus.allocated >= 2);
  assert.notEqual(n.category, 'idle');
  const usedWhileRunning = model.partitions.find((p) => p.name === 'gpu')!.gpus;

  await scancelAndWaitGone(id);
  // The node's GPUs come back (unless another helper's GPU job takes them at once: then scontrol says so).
  const after = await consistentReading([node]);
  const back = assertMatches(after.model, after.scontrol, node);
  const heldByOthers = after.scontrol.get(node)!.gpuUsed;
  assert.equal(back.gpus.free, 2 - heldByOthers);
  if (heldByOthers === 0) assert.ok(after.model.partitions.find((p) => p.name === 'gpu')!.gpus.free >= usedWhileRunning.free + 2);
});

test('a drained node: down/drained with its reason, nothing free on it; resumed at once', { skip: skipHere }, async () => {
  const reason = `wb resources test ${Date.now()}`;
  drainedByUs = 'node2';
  try {
    const r = await asRoot(['update', 'nodename=node2', 'state=drain', `reason=${reason}`]);
    assert.equal(r.code, 0, r.stderr);
    const { model, scontrol } = await consistentReading(['node2']);
    const n = assertMatches(model, scontrol, 'node2');
    assert.equal(n.category, 'unavailable');
    assert.match(n.state, /^drain/);
    assert.equal(n.reason, reason);
    assert.equal(scontrol.get('node2')?.reason, reason);
    const debug = model.partitions.find((p) => p.name === 'debug')!;
    assert.ok(debug.nodeCounts.unavailable >= 1);
    assert.ok(debug.cpus.free <= debug.cpus.total - 4);
  } finally {
    await resume('node2');
    drainedByUs = undefined;
  }
  const back = await load();
  assert.notEqual(back.nodes.find((n) => n.name === 'node2')?.reason, reason);
});

test('"wait for 2 GPUs" fires when a job holding them ends, and not before', { skip: skipHere }, async () => {
  // Hold all four GPUs of the gpu partition (2 per node) with two jobs.
  const a = await submit(`-J 'wb resources hold a' -p gpu --gres=gpu:2 -c 1 -t 5 --wrap 'sleep 300'`);
  const b = await submit(`-J 'wb resources hold b' -p gpu --gres=gpu:2 -c 1 -t 5 --wrap 'sleep 300'`);
  await Promise.all([runningOn(a), runningOn(b)]);

  const sessions = new Emitter<unknown>();
  const watches = new WatchRegistry();
  const monitor = new ResourcesMonitor({ all: () => [{ profileName: 'bundled', transport }], onDidChange: sessions.event }, (cluster, t, signal) => loadClusterResources(cluster, t, { signal, timeoutMs: 30_000 }), { ...DEFAULT_TIMING, intervalMs: 1000 }, watches);
  const fired: { at: number; event: WatchFired }[] = [];
  watches.onDidFire((event) => fired.push({ at: Date.now(), event }));
  let readings = 0;
  monitor.onDidChange(() => readings++);
  try {
    const watch = watches.add({ cluster: 'bundled', partition: 'gpu', resource: 'gpu', count: 2, onOneNode: false });
    // While both jobs run, several readings say "0 free" and nothing fires.
    while (readings < 3) await sleep(200);
    assert.equal(fired.length, 0);
    assert.equal(watches.get(watch.id)?.last?.holds, false);
    assert.equal(watches.get(watch.id)?.last?.free, 0);

    const cancelledAt = Date.now();
    await sshRun(`scancel ${a}`, { bed });
    const deadline = Date.now() + 90_000;
    while (fired.length === 0 && Date.now() < deadline) await sleep(200);
    assert.equal(fired.length, 1, 'the watch fired once');
    assert.ok(fired[0].at >= cancelledAt, 'not before the job ended');
    assert.ok(fired[0].event.result.free >= 2);
    assert.equal(fired[0].event.result.detail, `${fired[0].event.result.free} GPUs free in gpu (need 2)`);
    assert.equal(watches.all().length, 0, 'a watch that fired is gone');
  } finally {
    monitor.dispose();
    watches.dispose();
  }
});
