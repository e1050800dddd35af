// Parses every output recorded from the bundled Slurm 22.05 cluster (test/fixtures/record.ts) and
// checks concrete values. Ids and the work dir come from the recording's manifest (they change on
// every re-recording); everything else is asserted literally.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  FIELD_SEP,
  parseResult,
  parseSacct,
  parseScontrolShowJob,
  parseSinfo,
  parseSlurmVersion,
  parseSqueue,
  resolveLogPaths,
  scontrolActionCall,
  scancelCall,
  SlurmCommandError,
} from '../../src/slurm';
import type { Job } from '../../src/slurm';

const dir = join(__dirname, '..', 'fixtures', 'slurm-22.05');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

interface Manifest {
  context: { utcOffsetMinutes: number; user: string };
  workDir: string;
  jobs: { label: string; jobId: number; options: { jobName: string } }[];
  calls: { file: string; argv: string[]; code: number; stderr: string }[];
}
const manifest = JSON.parse(read('manifest.json')) as Manifest;
const W = manifest.workDir;
const idOf = (label: string): number => {
  const j = manifest.jobs.find((x) => x.label === label);
  assert.ok(j, `manifest has ${label}`);
  return j.jobId;
};
const nameOf = (label: string) => manifest.jobs.find((x) => x.label === label)?.options.jobName;
const utc = manifest.context.utcOffsetMinutes;

describe('fixtures 22.05: version', () => {
  it('reads "slurm-wlm 22.05.8"', () => {
    assert.deepEqual(parseSlurmVersion(read('version.txt')), { major: 22, minor: 5, patch: 8, text: '22.05.8' });
  });
});

describe('fixtures 22.05: squeue --states=all', () => {
  const jobs = parseSqueue(read('squeue-all.txt'), utc);
  const byRaw = (label: string): Job => {
    const j = jobs.find((x) => x.rawJobId === idOf(label));
    assert.ok(j, `squeue lists ${label}`);
    return j;
  };

  it('lists every zoo job, the array as 2 running tasks + 1 pending remainder, het as 2 components', () => {
    assert.equal(jobs.length, 20);
    assert.ok(jobs.every((j) => j.user === 'slurmuser' && j.account === 'workbench' && j.qos === 'normal'));
  });

  it('basic / dependency ok: COMPLETED with exit 0:0 on node1', () => {
    for (const label of ['basic', 'depOk']) {
      const j = byRaw(label);
      assert.equal(j.state.name, 'COMPLETED');
      assert.equal(j.state.phase, 'finished');
      assert.deepEqual(j.exitCode, { code: 0, signal: 0 });
      assert.equal(j.nodeList, 'node1');
      assert.equal(j.reason, undefined);
      assert.equal(j.dependency, undefined);
    }
  });

  it('fail3: FAILED, NonZeroExitCode, exit 3 (squeue prints the raw wait status 768)', () => {
    const j = byRaw('fail3');
    assert.equal(j.state.name, 'FAILED');
    assert.equal(j.reason, 'NonZeroExitCode');
    assert.deepEqual(j.exitCode, { code: 3, signal: 0 });
  });

  it('depNever: PENDING DependencyNeverSatisfied with the failed dependency', () => {
    const j = byRaw('depNever');
    assert.equal(j.state.name, 'PENDING');
    assert.equal(j.reason, 'DependencyNeverSatisfied');
    assert.equal(j.dependency, `afterok:${idOf('fail3')}(failed)`);
    assert.equal(j.exitCode, undefined);
    assert.equal(j.startTime, undefined);
    assert.equal(j.nodeList, undefined);
    assert.equal(j.batchHost, undefined, 'squeue prints "n/a" for a pending batch host');
  });

  it('array 1-7:2%2: tasks 1 and 3 running, remainder 5,7 throttled', () => {
    const a = idOf('array');
    const tasks = jobs.filter((j) => j.arrayJobId === a);
    assert.deepEqual(tasks.map((j) => j.id.text).sort(), [`${a}_1`, `${a}_3`, `${a}_[5,7%2]`]);
    const rest = tasks.find((j) => j.id.kind === 'arrayTasks');
    assert.ok(rest && rest.id.kind === 'arrayTasks');
    assert.equal(rest.rawJobId, a);
    assert.equal(rest.id.throttle, 2);
    assert.deepEqual(rest.id.ranges, [
      { from: 5, to: 5, step: 1 },
      { from: 7, to: 7, step: 1 },
    ]);
    assert.equal(rest.reason, 'JobArrayTaskLimit');
    const t1 = tasks.find((j) => j.arrayTaskId === 1);
    assert.ok(t1);
    assert.equal(t1.state.name, 'RUNNING');
    assert.ok(t1.rawJobId > a, 'a started task gets its own job id');
    assert.equal(t1.stdout, `${W}/zoo-%x-%A_%4a.out`);
    assert.equal(t1.timeLimit.kind === 'seconds' && t1.timeLimit.seconds, 600);
  });

  it('cancelled pending and running: CANCELLED; the running one ended by SIGTERM (0:15)', () => {
    const p = byRaw('cancelPending');
    assert.equal(p.state.name, 'CANCELLED');
    assert.equal(p.reason, 'JobHeldUser');
    const r = byRaw('cancelRunning');
    assert.equal(r.state.name, 'CANCELLED');
    assert.deepEqual(r.exitCode, { code: 0, signal: 15 });
  });

  it('holds and begin time', () => {
    assert.equal(byRaw('userHold').reason, 'JobHeldUser');
    assert.equal(byRaw('adminHold').reason, 'JobHeldAdmin');
    const b = byRaw('begin');
    assert.equal(b.reason, 'BeginTime');
    assert.ok(b.submitTime && b.startTime);
    assert.equal(b.startTime.getTime() - b.submitTime.getTime(), 3600_000, 'expected start = submit + 1 hour');
  });

  it('gpu: 1 GPU from gres:gpu:1 / gres/gpu=1 on node3 in partition gpu', () => {
    const j = byRaw('gpu');
    assert.equal(j.partition, 'gpu');
    assert.equal(j.gpus, 1);
    assert.equal(j.tresPerNode, 'gres:gpu:1');
    assert.equal(j.tres, 'cpu=1,mem=250M,node=1,billing=1,gres/gpu=1');
    assert.equal(j.nodeList, 'node3');
  });

  it('multi-node: 2 nodes, 2 CPUs, node[1-2]', () => {
    const j = byRaw('multiNode');
    assert.equal(j.nodes, 2);
    assert.equal(j.cpus, 2);
    assert.equal(j.nodeList, 'node[1-2]');
    assert.equal(j.batchHost, 'node1');
    assert.equal(j.gpus, 0);
  });

  it('timeout: TIMEOUT, TimeLimit, used more than its 1:00 limit', () => {
    const j = byRaw('timeout');
    assert.equal(j.state.name, 'TIMEOUT');
    assert.equal(j.reason, 'TimeLimit');
    assert.deepEqual(j.timeLimit, { kind: 'seconds', seconds: 60 });
    assert.ok(j.timeUsed.kind === 'seconds' && j.timeUsed.seconds >= 60);
  });

  it('het: components id+0 and id+1', () => {
    const h = idOf('het');
    const comps = jobs.filter((j) => j.id.kind === 'hetComponent' && j.id.hetJobId === h);
    assert.deepEqual(comps.map((j) => j.id.text).sort(), [`${h}+0`, `${h}+1`]);
    assert.deepEqual(comps.map((j) => j.rawJobId).sort(), [h, h + 1]);
  });

  it('weird names survive byte for byte', () => {
    assert.equal(byRaw('weirdName').name, nameOf('weirdName'));
    assert.equal(byRaw('weirdName').name, `sp ace | pipe "dq" 'sq' ünïcødé ✓ $(id) \`bt\` ;*?`);
    assert.equal(byRaw('keyLikeName').name, 'x Reason=foo JobState=RUNNING');
  });

  it('timestamps carry the zone and become exact instants', () => {
    const j = byRaw('basic');
    assert.ok(j.submitTime && j.startTime && j.endTime);
    assert.ok(j.submitTime.getTime() <= j.startTime.getTime() && j.startTime.getTime() <= j.endTime.getTime());
    assert.match(read('squeue-all.txt'), new RegExp(`T\\d\\d:\\d\\d:\\d\\d[+-]\\d{4}${FIELD_SEP}`));
  });

  it('log paths resolve to the files that really appeared in the work dir', () => {
    const files = new Set(read('ls-workdir.txt').split('\n').filter(Boolean).map((f) => `${W}/${f}`));
    for (const label of ['basic', 'fail3', 'depOk', 'cancelRunning', 'gpu', 'multiNode', 'timeout']) {
      const p = resolveLogPaths(byRaw(label));
      assert.ok(files.has(p.stdout), `${label}: ${p.stdout} exists`);
      assert.equal(p.stderr, p.stdout);
    }
    const a = idOf('array');
    for (const t of [1, 3]) {
      const j = jobs.find((x) => x.arrayJobId === a && x.arrayTaskId === t);
      assert.ok(j);
      const p = resolveLogPaths(j);
      assert.equal(p.stdout, `${W}/zoo-zoo array-${a}_000${t}.out`);
      assert.ok(files.has(p.stdout));
    }
    const rest = jobs.find((x) => x.arrayJobId === a && x.id.kind === 'arrayTasks');
    assert.ok(rest);
    assert.equal(resolveLogPaths(rest).unresolvedTask, true);
  });
});

describe('fixtures 22.05: squeue (active only) and squeue --array', () => {
  it('active listing has no finished jobs', () => {
    const jobs = parseSqueue(read('squeue.txt'), utc);
    assert.equal(jobs.length, 14);
    assert.ok(jobs.every((j) => j.state.phase !== 'finished'));
  });

  it('--array splits pending remainders into one row per task; squeue\'s wrong default path is corrected', () => {
    const jobs = parseSqueue(read('squeue-array.txt'), utc);
    const a = idOf('array');
    const d = idOf('arrayDefault');
    assert.deepEqual(
      jobs.map((j) => j.id.text).sort(),
      [`${a}_1`, `${a}_3`, `${a}_5`, `${a}_7`, `${d}_0`, `${d}_1`, `${d}_2`].sort(),
    );
    const d1 = jobs.find((j) => j.id.text === `${d}_1`);
    assert.ok(d1);
    assert.equal(d1.stdout, `${W}/slurm-${d}.out`, 'squeue shows the non-array default for an array job');
    assert.equal(resolveLogPaths(d1).stdout, `${W}/slurm-${d}_1.out`);
  });
});

describe('fixtures 22.05: sacct', () => {
  const rows = parseSacct(read('sacct.txt'), utc);
  const byRaw = (label: string) => {
    const r = rows.find((x) => x.rawJobId === idOf(label));
    assert.ok(r, `sacct has ${label}`);
    return r;
  };

  it('one row per allocation (array tasks and het components apart)', () => {
    assert.equal(rows.length, 20);
    assert.ok(!read('sacct.txt').includes('|'.repeat(2)), 'parsable2 with 0x1F, not "|"');
    assert.ok(read('sacct.txt').includes(FIELD_SEP));
  });

  it('exit codes, states and "CANCELLED by <uid>"', () => {
    assert.deepEqual(byRaw('fail3').exitCode, { code: 3, signal: 0 });
    assert.equal(byRaw('fail3').state.name, 'FAILED');
    assert.deepEqual(byRaw('basic').exitCode, { code: 0, signal: 0 });
    const c = byRaw('cancelRunning');
    assert.equal(c.state.name, 'CANCELLED');
    assert.equal(c.state.byUid, 2000);
    assert.equal(c.state.raw, 'CANCELLED by 2000');
    assert.equal(byRaw('timeout').state.name, 'TIMEOUT');
    assert.deepEqual(byRaw('timeout').timeLimit, { kind: 'seconds', seconds: 60 });
    assert.equal(byRaw('userHold').exitCode, undefined, 'pending: no exit code yet');
  });

  it('array ids as sacct prints them, incl. the pending remainder', () => {
    const a = idOf('array');
    assert.deepEqual(
      rows.filter((r) => r.id.kind !== 'job' && 'arrayJobId' in r.id && r.id.arrayJobId === a).map((r) => r.id.text),
      [`${a}_1`, `${a}_3`, `${a}_[5,7%2]`],
    );
    const h = idOf('het');
    assert.deepEqual(rows.filter((r) => r.id.kind === 'hetComponent').map((r) => r.id.text), [`${h}+0`, `${h}+1`]);
  });

  it('GPUs, node lists ("None assigned" -> undefined), times without zone read in the cluster offset', () => {
    assert.equal(byRaw('gpu').gpus, 1);
    assert.equal(byRaw('multiNode').nodeList, 'node[1-2]');
    assert.equal(byRaw('userHold').nodeList, undefined);
    assert.equal(byRaw('userHold').startTime, undefined);
    assert.ok(byRaw('basic').submitTime instanceof Date);
    assert.equal(byRaw('basic').workDir, W);
  });

  it('slurmdbd stores a double quote in a job name as a backtick', () => {
    assert.equal(byRaw('weirdName').name, nameOf('weirdName')?.replaceAll('"', '`'));
    assert.equal(byRaw('keyLikeName').name, 'x Reason=foo JobState=RUNNING');
  });
});

describe('fixtures 22.05: scontrol show job -o', () => {
  it('weird and key-like names, het components, array records', () => {
    const [w] = parseScontrolShowJob(read('scontrol-weirdName.txt'), utc);
    assert.equal(w.name, nameOf('weirdName'));
    assert.equal(w.state.name, 'PENDING');
    assert.equal(w.reason, 'JobHeldUser');
    assert.equal(w.user, 'slurmuser');
    assert.equal(w.uid, 2000);
    const [k] = parseScontrolShowJob(read('scontrol-keyLikeName.txt'), utc);
    assert.equal(k.name, 'x Reason=foo JobState=RUNNING');
    assert.equal(k.state.name, 'PENDING');
    assert.equal(k.reason, 'JobHeldUser');
    const het = parseScontrolShowJob(read('scontrol-het.txt'), utc);
    assert.deepEqual(het.map((h) => h.id.text), [`${idOf('het')}+0`, `${idOf('het')}+1`]);
    const arr = parseScontrolShowJob(read('scontrol-array.txt'), utc);
    const a = idOf('array');
    assert.deepEqual(arr.map((x) => x.id.text), [`${a}_[5,7%2]`, `${a}_3`, `${a}_1`]);
    // scontrol expands %x and %A but not %4a on 22.05.
    assert.equal(arr[1].stdout, `${W}/zoo-zoo array-${a}_%4a.out`);
  });

  it('gpu, exit code, multi-node, timeout', () => {
    const [g] = parseScontrolShowJob(read('scontrol-gpu.txt'), utc);
    assert.equal(g.gpus, 1);
    assert.equal(g.batchHost, 'node3');
    const [f] = parseScontrolShowJob(read('scontrol-fail3.txt'), utc);
    assert.deepEqual(f.exitCode, { code: 3, signal: 0 });
    assert.equal(f.state.name, 'FAILED');
    const [m] = parseScontrolShowJob(read('scontrol-multiNode.txt'), utc);
    assert.equal(m.numNodes, 2);
    assert.equal(m.nodeList, 'node[1-2]');
    const [t] = parseScontrolShowJob(read('scontrol-timeout.txt'), utc);
    assert.equal(t.state.name, 'TIMEOUT');
    assert.deepEqual(t.timeLimit, { kind: 'seconds', seconds: 60 });
    assert.equal(t.fields.get('Partition'), 'debug');
    const [d] = parseScontrolShowJob(read('scontrol-depNever.txt'), utc);
    assert.equal(d.dependency, `afterok:${idOf('fail3')}(failed)`);
  });
});

describe('fixtures 22.05: sinfo', () => {
  const info = parseSinfo(read('sinfo.txt'));
  it('4 nodes, 2 partitions with totals and use', () => {
    assert.deepEqual(info.nodes.map((n) => n.name), ['node1', 'node2', 'node3', 'node4']);
    const node3 = info.nodes.find((n) => n.name === 'node3');
    assert.ok(node3);
    assert.deepEqual(node3.partitions, ['gpu', 'debug']);
    assert.deepEqual(node3.gpus, { total: 2, used: 1 });
    assert.equal(node3.memoryMb, 4000);
    assert.equal(node3.state, 'mixed');
    const debug = info.partitions.find((p) => p.name === 'debug');
    const gpu = info.partitions.find((p) => p.name === 'gpu');
    assert.ok(debug && gpu);
    assert.equal(debug.isDefault, true);
    assert.equal(gpu.isDefault, false);
    assert.equal(debug.cpus.total, 16);
    // Use depends on what else ran while recording: the aggregate must equal the nodes' sum.
    const sum = (f: (n: (typeof info.nodes)[number]) => number) => info.nodes.reduce((a, n) => a + f(n), 0);
    assert.equal(debug.cpus.allocated, sum((n) => n.cpus.allocated));
    assert.equal(debug.cpus.allocated + debug.cpus.idle + debug.cpus.other, 16);
    assert.equal(debug.gpus.total, 4);
    assert.ok(debug.gpus.used >= 1, 'the zoo GPU job was running');
    assert.deepEqual(gpu.nodes, ['node3', 'node4']);
    assert.deepEqual(gpu.timeLimit, { kind: 'seconds', seconds: 3600 });
    assert.deepEqual(gpu.defaultTime, { kind: 'seconds', seconds: 600 });
    assert.equal(debug.available, 'up');
  });
});

describe('fixtures 22.05: failures keep Slurm\'s words', () => {
  it('scontrol hold of an unknown job: SlurmCommandError with stderr verbatim', () => {
    const rec = manifest.calls.find((c) => c.file === 'scontrol-hold-invalid.txt');
    assert.ok(rec);
    const call = scontrolActionCall('hold', ['999999999']);
    assert.deepEqual(call.argv, rec.argv);
    assert.throws(
      () => parseResult(call, { stdout: read(rec.file), stderr: rec.stderr, code: rec.code }),
      (e: unknown) => e instanceof SlurmCommandError && e.stderr === rec.stderr && e.code === 1 && /Invalid job id/.test(e.message) && e.hint !== undefined,
    );
  });

  it('scancel of an unknown job exits 0 and says nothing on 22.05', () => {
    const rec = manifest.calls.find((c) => c.file === 'scancel-invalid.txt');
    assert.ok(rec);
    assert.equal(rec.code, 0);
    assert.equal(rec.stderr, '');
    assert.equal(parseResult(scancelCall(['999999999']), { stdout: '', stderr: '', code: 0 }), undefined);
  });
});
