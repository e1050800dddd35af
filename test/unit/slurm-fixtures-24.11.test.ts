// Parses every output recorded from the Slurm 24.11 test bed (`node --import tsx test/fixtures/record.ts
// --bed 24.11`) and checks concrete values, the same zoo as the 22.05 set (slurm-fixtures.test.ts).
// Ids and the work dir come from the manifest (they change on every re-recording); the rest is
// literal. Where 24.11 prints something else than 22.05 the test says so in its title.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Job } from '../../src/slurm';
import {
  featuresOf,
  FIELD_SEP,
  parseResult,
  parseSacct,
  parseScontrolShowJob,
  parseSinfo,
  parseSlurmVersion,
  parseSqueue,
  resolveLogPaths,
  scancelCall,
  scontrolActionCall,
  SlurmCommandError,
  untestedVersionWarning,
} from '../../src/slurm';

const dir = join(__dirname, '..', 'fixtures', 'slurm-24.11');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');

interface Manifest {
  bed: { clusterName: string; slurmVersion: string };
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

describe('fixtures 24.11: version', () => {
  it('reads "slurm-wlm 24.11.5": a tested release (no warning), --me and --only-job-state available', () => {
    const v = parseSlurmVersion(read('version.txt'));
    assert.deepEqual(v, { major: 24, minor: 11, patch: 5, text: '24.11.5' });
    assert.equal(manifest.bed.clusterName, 'bundled2411');
    assert.deepEqual(featuresOf(v), { squeueMe: true, squeueOnlyJobState: true, tested: true });
    assert.equal(untestedVersionWarning(v), undefined);
  });
});

describe('fixtures 24.11: squeue --states=all', () => {
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

  it('basic / dependency ok: COMPLETED with exit 0:0 on node1 (24.11 prints "0:0", not a wait status)', () => {
    assert.ok(read('squeue-all.txt').includes(`${FIELD_SEP}0:0${FIELD_SEP}`));
    for (const label of ['basic', 'depOk']) {
      const j = byRaw(label);
      assert.equal(j.state.name, 'COMPLETED');
      assert.deepEqual(j.exitCode, { code: 0, signal: 0 });
      assert.equal(j.nodeList, 'node1');
      assert.equal(j.reason, undefined);
    }
  });

  it('fail3: FAILED, NonZeroExitCode, exit 3 (printed "3:0")', () => {
    const j = byRaw('fail3');
    assert.equal(j.state.name, 'FAILED');
    assert.equal(j.reason, 'NonZeroExitCode');
    assert.deepEqual(j.exitCode, { code: 3, signal: 0 });
  });

  it('depNever: PENDING DependencyNeverSatisfied with the failed dependency, batch host "n/a"', () => {
    const j = byRaw('depNever');
    assert.equal(j.state.name, 'PENDING');
    assert.equal(j.reason, 'DependencyNeverSatisfied');
    assert.equal(j.dependency, `afterok:${idOf('fail3')}(failed)`);
    assert.equal(j.exitCode, undefined);
    assert.equal(j.batchHost, undefined);
  });

  it('array 1-7:2%2: tasks 1 and 3 running, remainder 5,7 throttled', () => {
    const a = idOf('array');
    const tasks = jobs.filter((j) => j.arrayJobId === a);
    assert.deepEqual(tasks.map((j) => j.id.text).sort(), [`${a}_1`, `${a}_3`, `${a}_[5,7%2]`]);
    const rest = tasks.find((j) => j.id.kind === 'arrayTasks');
    assert.ok(rest && rest.id.kind === 'arrayTasks');
    assert.equal(rest.id.throttle, 2);
    assert.equal(rest.reason, 'JobArrayTaskLimit');
    const t1 = tasks.find((j) => j.arrayTaskId === 1);
    assert.ok(t1);
    assert.equal(t1.state.name, 'RUNNING');
    assert.equal(t1.stdout, `${W}/zoo-%x-%A_%4a.out`);
  });

  it('24.11: STDOUT is the raw default pattern and STDERR "(null)" (22.05: expanded, stderr repeated)', () => {
    const j = byRaw('basic');
    assert.equal(j.stdout, `${W}/slurm-%j.out`);
    assert.equal(j.stderr, undefined);
    assert.equal(resolveLogPaths(j).stdout, `${W}/slurm-${idOf('basic')}.out`);
    assert.equal(resolveLogPaths(j).stderr, `${W}/slurm-${idOf('basic')}.out`);
    // An array without -o: the right default at last (22.05 printed the non-array one).
    assert.equal(byRaw('arrayDefault').stdout, `${W}/slurm-%A_%a.out`);
  });

  it('cancelled pending and running: CANCELLED; the running one ended by SIGTERM (0:15)', () => {
    assert.equal(byRaw('cancelPending').state.name, 'CANCELLED');
    assert.equal(byRaw('cancelPending').reason, 'JobHeldUser');
    assert.equal(byRaw('cancelRunning').state.name, 'CANCELLED');
    assert.deepEqual(byRaw('cancelRunning').exitCode, { code: 0, signal: 15 });
  });

  it('holds and begin time', () => {
    assert.equal(byRaw('userHold').reason, 'JobHeldUser');
    assert.equal(byRaw('adminHold').reason, 'JobHeldAdmin');
    const b = byRaw('begin');
    assert.equal(b.reason, 'BeginTime');
    assert.ok(b.submitTime && b.startTime);
    assert.equal(b.startTime.getTime() - b.submitTime.getTime(), 3600_000);
  });

  it('gpu: 1 GPU from gres/gpu:1 (22.05: gres:gpu:1) on node3', () => {
    const j = byRaw('gpu');
    assert.equal(j.partition, 'gpu');
    assert.equal(j.tresPerNode, 'gres/gpu:1');
    assert.equal(j.tres, 'cpu=1,mem=250M,node=1,billing=1,gres/gpu=1');
    assert.equal(j.gpus, 1);
    assert.equal(j.nodeList, 'node3');
  });

  it('multi-node, timeout, het, weird names', () => {
    const m = byRaw('multiNode');
    assert.deepEqual([m.nodes, m.cpus, m.nodeList, m.batchHost, m.gpus], [2, 2, 'node[1-2]', 'node1', 0]);
    const t = byRaw('timeout');
    assert.equal(t.state.name, 'TIMEOUT');
    assert.equal(t.reason, 'TimeLimit');
    assert.deepEqual(t.timeLimit, { kind: 'seconds', seconds: 60 });
    assert.deepEqual(t.exitCode, { code: 0, signal: 15 });
    const h = idOf('het');
    assert.deepEqual(jobs.filter((j) => j.id.kind === 'hetComponent').map((j) => j.id.text).sort(), [`${h}+0`, `${h}+1`]);
    assert.equal(byRaw('weirdName').name, `sp ace | pipe "dq" 'sq' ünïcødé ✓ $(id) \`bt\` ;*?`);
    assert.equal(byRaw('weirdName').name, nameOf('weirdName'));
    assert.equal(byRaw('keyLikeName').name, 'x Reason=foo JobState=RUNNING');
  });

  it('log paths resolve to the files that really appeared in the work dir', () => {
    const files = new Set(read('ls-workdir.txt').split('\n').filter(Boolean).map((f) => `${W}/${f}`));
    for (const label of ['basic', 'fail3', 'depOk', 'cancelRunning', 'gpu', 'multiNode', 'timeout']) {
      const p = resolveLogPaths(byRaw(label));
      assert.ok(files.has(p.stdout), `${label}: ${p.stdout} exists`);
    }
    const a = idOf('array');
    for (const t of [1, 3]) {
      const j = jobs.find((x) => x.arrayJobId === a && x.arrayTaskId === t);
      assert.ok(j);
      assert.equal(resolveLogPaths(j).stdout, `${W}/zoo-zoo array-${a}_000${t}.out`);
      assert.ok(files.has(resolveLogPaths(j).stdout));
    }
  });
});

describe('fixtures 24.11: squeue (active only) and squeue --array', () => {
  it('active listing has no finished jobs', () => {
    const jobs = parseSqueue(read('squeue.txt'), utc);
    assert.equal(jobs.length, 14);
    assert.ok(jobs.every((j) => j.state.phase !== 'finished'));
  });

  it('--array: one row per task; the array default pattern resolves per task', () => {
    const jobs = parseSqueue(read('squeue-array.txt'), utc);
    const a = idOf('array');
    const d = idOf('arrayDefault');
    assert.deepEqual(jobs.map((j) => j.id.text).sort(), [`${a}_1`, `${a}_3`, `${a}_5`, `${a}_7`, `${d}_0`, `${d}_1`, `${d}_2`].sort());
    const d1 = jobs.find((j) => j.id.text === `${d}_1`);
    assert.ok(d1);
    assert.equal(resolveLogPaths(d1).stdout, `${W}/slurm-${d}_1.out`);
  });
});

describe('fixtures 24.11: sacct', () => {
  const rows = parseSacct(read('sacct.txt'), utc);
  const byRaw = (label: string) => {
    const r = rows.find((x) => x.rawJobId === idOf(label));
    assert.ok(r, `sacct has ${label}`);
    return r;
  };

  it('one row per allocation; a pending het job is ONE row "<id>" (22.05: <id>+0 and <id>+1)', () => {
    assert.equal(rows.length, 19);
    const h = idOf('het');
    assert.deepEqual(rows.filter((r) => r.rawJobId === h || r.rawJobId === h + 1).map((r) => r.id.text), [String(h)]);
  });

  it('exit codes, states and "CANCELLED by <uid>"', () => {
    assert.deepEqual(byRaw('fail3').exitCode, { code: 3, signal: 0 });
    assert.deepEqual(byRaw('basic').exitCode, { code: 0, signal: 0 });
    assert.equal(byRaw('cancelRunning').state.raw, 'CANCELLED by 2000');
    assert.equal(byRaw('timeout').state.name, 'TIMEOUT');
    assert.equal(byRaw('userHold').exitCode, undefined);
  });

  it('24.11: Reason "None" for held and dependent jobs (22.05: the real reason); the array throttle still shows', () => {
    for (const label of ['userHold', 'adminHold', 'depNever', 'begin', 'weirdName']) assert.equal(byRaw(label).reason, undefined, label);
    const a = idOf('array');
    assert.equal(rows.find((r) => r.id.text === `${a}_[5,7%2]`)?.reason, 'JobArrayTaskLimit');
  });

  it('24.11: NCPUS 0 for a job that never started is read as the requested CPUs from ReqTRES', () => {
    assert.match(read('sacct.txt'), new RegExp(`^${idOf('userHold')}\\x1f.*\\x1fNone assigned\\x1f1\\x1f0\\x1f`, 'm'));
    assert.equal(byRaw('userHold').cpus, 1);
    assert.equal(byRaw('multiNode').cpus, 2);
  });

  it('GPUs, node lists, weird names with " stored as `', () => {
    assert.equal(byRaw('gpu').gpus, 1);
    assert.equal(byRaw('multiNode').nodeList, 'node[1-2]');
    assert.equal(byRaw('userHold').nodeList, undefined);
    assert.equal(byRaw('basic').workDir, W);
    assert.equal(byRaw('weirdName').name, nameOf('weirdName')?.replaceAll('"', '`'));
  });
});

describe('fixtures 24.11: scontrol show job -o', () => {
  it('24.11: ReqTRES/AllocTRES instead of TRES; GPUs from AllocTRES when running, ReqTRES when pending', () => {
    const [g] = parseScontrolShowJob(read('scontrol-gpu.txt'), utc);
    assert.equal(g.fields.has('TRES'), false);
    assert.equal(g.fields.get('AllocTRES'), 'cpu=1,mem=250M,node=1,billing=1,gres/gpu=1');
    assert.equal(g.tres, 'cpu=1,mem=250M,node=1,billing=1,gres/gpu=1');
    assert.equal(g.gpus, 1);
    assert.equal(g.fields.get('TresPerNode'), 'gres/gpu:1');
    const [h] = parseScontrolShowJob(read('scontrol-userHold.txt'), utc);
    assert.equal(h.fields.get('AllocTRES'), '(null)');
    assert.equal(h.tres, 'cpu=1,mem=250M,node=1,billing=1');
  });

  it('24.11: NumNodes "1-1" of a pending job reads as 1', () => {
    const [h] = parseScontrolShowJob(read('scontrol-userHold.txt'), utc);
    assert.equal(h.fields.get('NumNodes'), '1-1');
    assert.equal(h.numNodes, 1);
    const [m] = parseScontrolShowJob(read('scontrol-multiNode.txt'), utc);
    assert.equal(m.numNodes, 2);
  });

  it('24.11: array tasks have expanded paths; the pending remainder\'s NO_VAL path is dropped', () => {
    const a = idOf('array');
    const arr = parseScontrolShowJob(read('scontrol-array.txt'), utc);
    assert.deepEqual(arr.map((x) => x.id.text), [`${a}_[5,7%2]`, `${a}_3`, `${a}_1`]);
    assert.match(read('scontrol-array.txt'), /_4294967294\.out/);
    assert.equal(arr[0].stdout, undefined);
    assert.equal(arr[0].stderr, undefined);
    assert.equal(arr[1].stdout, `${W}/zoo-zoo array-${a}_0003.out`);
    const [d] = parseScontrolShowJob(read('scontrol-arrayDefault.txt'), utc);
    assert.equal(d.id.text, `${idOf('arrayDefault')}_[0-2]`);
    assert.equal(d.stdout, undefined);
  });

  it('names, het components, exit code, timeout, dependency', () => {
    const [w] = parseScontrolShowJob(read('scontrol-weirdName.txt'), utc);
    assert.equal(w.name, nameOf('weirdName'));
    assert.deepEqual([w.user, w.uid, w.reason], ['slurmuser', 2000, 'JobHeldUser']);
    const [k] = parseScontrolShowJob(read('scontrol-keyLikeName.txt'), utc);
    assert.deepEqual([k.name, k.state.name, k.reason], ['x Reason=foo JobState=RUNNING', 'PENDING', 'JobHeldUser']);
    const h = idOf('het');
    assert.deepEqual(parseScontrolShowJob(read('scontrol-het.txt'), utc).map((x) => x.id.text), [`${h}+0`, `${h}+1`]);
    const [f] = parseScontrolShowJob(read('scontrol-fail3.txt'), utc);
    assert.deepEqual(f.exitCode, { code: 3, signal: 0 });
    const [t] = parseScontrolShowJob(read('scontrol-timeout.txt'), utc);
    assert.deepEqual([t.state.name, t.timeLimit], ['TIMEOUT', { kind: 'seconds', seconds: 60 }]);
    assert.equal(t.fields.has('Power'), false, 'Power= is gone in 24.11');
    const [d] = parseScontrolShowJob(read('scontrol-depNever.txt'), utc);
    assert.equal(d.dependency, `afterok:${idOf('fail3')}(failed)`);
  });
});

describe('fixtures 24.11: sinfo', () => {
  const info = parseSinfo(read('sinfo.txt'));
  it('4 nodes, 2 partitions; node3 lists debug before gpu, GresUsed "(null)" without GRES (22.05: gpu:0)', () => {
    assert.deepEqual(info.nodes.map((n) => n.name), ['node1', 'node2', 'node3', 'node4']);
    const node1 = info.nodes.find((n) => n.name === 'node1');
    const node3 = info.nodes.find((n) => n.name === 'node3');
    assert.ok(node1 && node3);
    assert.equal(node1.gresUsed, undefined);
    assert.deepEqual(node1.gpus, { total: 0, used: 0 });
    assert.deepEqual(node3.partitions, ['debug', 'gpu']);
    assert.deepEqual(node3.gpus, { total: 2, used: 1 });
    const debug = info.partitions.find((p) => p.name === 'debug');
    const gpu = info.partitions.find((p) => p.name === 'gpu');
    assert.ok(debug && gpu);
    assert.deepEqual([debug.isDefault, debug.cpus.total, debug.gpus.total], [true, 16, 4]);
    assert.deepEqual(gpu.nodes, ['node3', 'node4']);
    assert.deepEqual(gpu.timeLimit, { kind: 'seconds', seconds: 3600 });
  });
});

describe('fixtures 24.11: failures keep Slurm\'s words', () => {
  it('scontrol hold of an unknown job: SlurmCommandError with stderr verbatim', () => {
    const rec = manifest.calls.find((c) => c.file === 'scontrol-hold-invalid.txt');
    assert.ok(rec);
    const call = scontrolActionCall('hold', ['999999999']);
    assert.deepEqual(call.argv, rec.argv);
    assert.throws(
      () => parseResult(call, { stdout: read(rec.file), stderr: rec.stderr, code: rec.code }),
      (e: unknown) => e instanceof SlurmCommandError && e.stderr === rec.stderr && e.code === 1 && /Invalid job id/.test(e.message),
    );
  });

  it('scancel of an unknown job exits 0 and says nothing, as on 22.05', () => {
    const rec = manifest.calls.find((c) => c.file === 'scancel-invalid.txt');
    assert.ok(rec);
    assert.deepEqual([rec.code, rec.stderr], [0, '']);
    assert.equal(parseResult(scancelCall(['999999999']), { stdout: '', stderr: '', code: 0 }), undefined);
  });
});
