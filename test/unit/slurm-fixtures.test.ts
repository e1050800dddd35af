// Parses every output recorded from the bundled Slurm clusters (test/fixtures/record.ts; 24.11 with
// `--bed 24.11`) and checks concrete values: the same zoo of jobs, once per release recorded under
// test/fixtures/slurm-<release>/ (found on disk, so a release recorded later runs here without code).
// Ids and the work dir come from each recording's manifest (they change on every re-recording);
// everything else is asserted literally. Where releases print something else, the value sits in
// the table RELEASES below and the test title names the difference.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Job, SlurmFeatures, SlurmVersion } from '../../src/slurm';
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
import { compareReleases, recordedReleases, releaseDir } from '../fixtures/versions';

/** What one release prints differently from another, for the same zoo job. */
interface ReleaseDifferences {
  version: Omit<SlurmVersion, 'text'> & { text: string };
  features: SlurmFeatures;
  /** manifest.bed.clusterName: the 22.05 set was recorded before beds had names. */
  clusterName: string | undefined;
  /** squeue's %exit_code of fail3: 22.05 the raw wait status (3 << 8), 24.11 "code:signal". */
  squeueFail3Exit: string;
  /** squeue's STDOUT of a job without -o: 22.05 expands it, 24.11 prints the pattern. */
  squeueDefaultStdout: (workDir: string, jobId: number) => string;
  /** squeue's STDOUT of an array without -o: 22.05 the non-array default (wrong), 24.11 the array one. */
  squeueArrayDefaultStdout: (workDir: string, arrayJobId: number) => string;
  /** %tres-per-node of the GPU job (squeue TRES_PER_NODE, scontrol TresPerNode). */
  tresPerNode: string;
  /** 22.05 lists a pending het job's two components, 24.11 the job once. */
  sacctRows: number;
  sacctHetIds: (hetJobId: number) => string[];
  /** sacct Reason of pending jobs: 22.05 the real reason, 24.11 "None" (read as undefined). */
  sacctPendingReasons: Record<'userHold' | 'adminHold' | 'depNever' | 'begin' | 'weirdName', string | undefined>;
  /** sacct NCPUS of a job that never started: 24.11 prints 0 (the parser reads ReqTRES instead). */
  sacctPendingNcpus: number;
  /** scontrol: 22.05 prints TRES=, 24.11 ReqTRES= and AllocTRES=. */
  scontrolTresKey: 'TRES' | 'AllocTRES';
  /** scontrol NumNodes of a pending job: 24.11 prints a range "1-1". */
  scontrolPendingNumNodes: string;
  /** scontrol StdOut of the array records [pending remainder, task 3, task 1]. */
  scontrolArrayStdout: (workDir: string, arrayJobId: number) => (string | undefined)[];
  /** 24.11 prints the pending remainder's task id as NO_VAL (4294967294) in its paths. */
  scontrolArrayNoValPath: boolean;
  scontrolHasPower: boolean;
  /** sinfo %P order of node3's partitions. */
  node3Partitions: string[];
  /** sinfo GresUsed of a node without GRES: 22.05 "gpu:0", 24.11 "(null)" (read as undefined). */
  node1GresUsed: string | undefined;
}

const RELEASES: Record<string, ReleaseDifferences> = {
  '22.05': {
    version: { major: 22, minor: 5, patch: 8, text: '22.05.8' },
    features: { squeueMe: true, squeueOnlyJobState: false, tested: true },
    clusterName: undefined,
    squeueFail3Exit: '768',
    squeueDefaultStdout: (w, id) => `${w}/slurm-${id}.out`,
    squeueArrayDefaultStdout: (w, a) => `${w}/slurm-${a}.out`,
    tresPerNode: 'gres:gpu:1',
    sacctRows: 20,
    sacctHetIds: (h) => [`${h}+0`, `${h}+1`],
    sacctPendingReasons: { userHold: 'JobHeldUser', adminHold: 'JobHeldAdmin', depNever: undefined, begin: 'BeginTime', weirdName: 'JobHeldUser' },
    sacctPendingNcpus: 1,
    scontrolTresKey: 'TRES',
    scontrolPendingNumNodes: '1',
    // scontrol expands %x and %A but not %4a on 22.05.
    scontrolArrayStdout: (w, a) => [1, 2, 3].map(() => `${w}/zoo-zoo array-${a}_%4a.out`),
    scontrolArrayNoValPath: false,
    scontrolHasPower: true,
    node3Partitions: ['gpu', 'debug'],
    node1GresUsed: 'gpu:0',
  },
  '24.11': {
    version: { major: 24, minor: 11, patch: 5, text: '24.11.5' },
    features: { squeueMe: true, squeueOnlyJobState: true, tested: true },
    clusterName: 'bundled2411',
    squeueFail3Exit: '3:0',
    squeueDefaultStdout: (w) => `${w}/slurm-%j.out`,
    squeueArrayDefaultStdout: (w) => `${w}/slurm-%A_%a.out`,
    tresPerNode: 'gres/gpu:1',
    sacctRows: 19,
    sacctHetIds: (h) => [String(h)],
    sacctPendingReasons: { userHold: undefined, adminHold: undefined, depNever: undefined, begin: undefined, weirdName: undefined },
    sacctPendingNcpus: 0,
    scontrolTresKey: 'AllocTRES',
    scontrolPendingNumNodes: '1-1',
    // Tasks have expanded paths; the pending remainder's NO_VAL path is dropped.
    scontrolArrayStdout: (w, a) => [undefined, `${w}/zoo-zoo array-${a}_0003.out`, `${w}/zoo-zoo array-${a}_0001.out`],
    scontrolArrayNoValPath: true,
    scontrolHasPower: false,
    node3Partitions: ['debug', 'gpu'],
    node1GresUsed: undefined,
  },
};

/**
 * A release without a row is expected to print what the newest release before it prints, until
 * someone adds its row (its version comes from its manifest; it is not among the tested releases).
 */
function differencesOf(release: string, manifestVersion: SlurmVersion): { diff: ReleaseDifferences; from: string } {
  if (RELEASES[release]) return { diff: RELEASES[release], from: release };
  const known = Object.keys(RELEASES).sort(compareReleases);
  const from = known.filter((k) => compareReleases(k, release) < 0).pop() ?? known[0];
  const features = { ...RELEASES[from].features, tested: false };
  return { diff: { ...RELEASES[from], version: manifestVersion, features, clusterName: undefined }, from };
}

interface Manifest {
  bed?: { clusterName: string; slurmVersion: string };
  context: { version: SlurmVersion; utcOffsetMinutes: number; user: string };
  workDir: string;
  jobs: { label: string; jobId: number; options: { jobName: string } }[];
  calls: { file: string; argv: string[]; code: number; stderr: string }[];
}

for (const release of recordedReleases()) {
  const dir = releaseDir(release);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const manifest = JSON.parse(read('manifest.json')) as Manifest;
  const recorded = (f: string) => manifest.calls.some((c) => c.file === f);
  const W = manifest.workDir;
  const idOf = (label: string): number => {
    const j = manifest.jobs.find((x) => x.label === label);
    assert.ok(j, `manifest has ${label}`);
    return j.jobId;
  };
  const nameOf = (label: string) => manifest.jobs.find((x) => x.label === label)?.options.jobName;
  const utc = manifest.context.utcOffsetMinutes;
  const { diff: d, from } = differencesOf(release, manifest.context.version);
  const S = from === release ? release : `${release} (read as ${from})`;

  describe(`fixtures ${S}: recording and version`, () => {
    it(`reads "slurm-wlm ${d.version.text}": --me ${d.features.squeueMe}, --only-job-state ${d.features.squeueOnlyJobState}, tested ${d.features.tested}`, () => {
      const v = parseSlurmVersion(read('version.txt'));
      assert.deepEqual(v, d.version);
      assert.deepEqual(v, manifest.context.version);
      assert.ok(v.text.startsWith(`${release}.`), `the folder slurm-${release} holds ${v.text}`);
      assert.equal(manifest.bed?.clusterName, d.clusterName);
      assert.deepEqual(featuresOf(v), d.features);
      if (d.features.tested) assert.equal(untestedVersionWarning(v), undefined);
      else assert.ok(untestedVersionWarning(v)?.includes(`Slurm ${v.text};`));
    });

    it('every call the manifest lists was recorded to its file', () => {
      assert.ok(manifest.calls.length >= 18);
      for (const c of manifest.calls) assert.ok(existsSync(join(dir, c.file)), `${c.file} exists`);
    });
  });

  describe(`fixtures ${S}: squeue --states=all`, () => {
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

    it(`fail3: FAILED, NonZeroExitCode, exit 3 (squeue prints "${d.squeueFail3Exit}")`, () => {
      assert.ok(read('squeue-all.txt').includes(`${FIELD_SEP}${d.squeueFail3Exit}${FIELD_SEP}`));
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

    it(`STDOUT without -o is "${d.squeueDefaultStdout('W', 1)}", STDERR without -e none; the array default "${d.squeueArrayDefaultStdout('W', 1)}"`, () => {
      const j = byRaw('basic');
      assert.equal(j.stdout, d.squeueDefaultStdout(W, idOf('basic')));
      assert.equal(j.stderr, undefined);
      assert.equal(resolveLogPaths(j).stdout, `${W}/slurm-${idOf('basic')}.out`);
      assert.equal(resolveLogPaths(j).stderr, `${W}/slurm-${idOf('basic')}.out`);
      assert.equal(byRaw('arrayDefault').stdout, d.squeueArrayDefaultStdout(W, idOf('arrayDefault')));
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

    it(`gpu: 1 GPU from ${d.tresPerNode} / gres/gpu=1 on node3 in partition gpu`, () => {
      const j = byRaw('gpu');
      assert.equal(j.partition, 'gpu');
      assert.equal(j.gpus, 1);
      assert.equal(j.tresPerNode, d.tresPerNode);
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

    it('timeout: TIMEOUT, TimeLimit, used more than its 1:00 limit, ended by SIGTERM', () => {
      const j = byRaw('timeout');
      assert.equal(j.state.name, 'TIMEOUT');
      assert.equal(j.reason, 'TimeLimit');
      assert.deepEqual(j.timeLimit, { kind: 'seconds', seconds: 60 });
      assert.ok(j.timeUsed.kind === 'seconds' && j.timeUsed.seconds >= 60);
      assert.deepEqual(j.exitCode, { code: 0, signal: 15 });
    });

    it('het: components id+0 and id+1', () => {
      const h = idOf('het');
      const comps = jobs.filter((j) => j.id.kind === 'hetComponent' && j.id.hetJobId === h);
      assert.deepEqual(comps.map((j) => j.id.text).sort(), [`${h}+0`, `${h}+1`]);
      assert.deepEqual(comps.map((j) => j.rawJobId).sort(), [h, h + 1]);
      assert.deepEqual(jobs.filter((j) => j.id.kind === 'hetComponent').map((j) => j.id.text).sort(), [`${h}+0`, `${h}+1`]);
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

  describe(`fixtures ${S}: squeue (active only) and squeue --array`, () => {
    it('active listing has no finished jobs', () => {
      const jobs = parseSqueue(read('squeue.txt'), utc);
      assert.equal(jobs.length, 14);
      assert.ok(jobs.every((j) => j.state.phase !== 'finished'));
    });

    it('--array splits pending remainders into one row per task; the array default pattern resolves per task', () => {
      const jobs = parseSqueue(read('squeue-array.txt'), utc);
      const a = idOf('array');
      const ad = idOf('arrayDefault');
      assert.deepEqual(
        jobs.map((j) => j.id.text).sort(),
        [`${a}_1`, `${a}_3`, `${a}_5`, `${a}_7`, `${ad}_0`, `${ad}_1`, `${ad}_2`].sort(),
      );
      const d1 = jobs.find((j) => j.id.text === `${ad}_1`);
      assert.ok(d1);
      assert.equal(d1.stdout, d.squeueArrayDefaultStdout(W, ad));
      assert.equal(resolveLogPaths(d1).stdout, `${W}/slurm-${ad}_1.out`);
    });
  });

  describe(`fixtures ${S}: sacct`, () => {
    const rows = parseSacct(read('sacct.txt'), utc);
    const byRaw = (label: string) => {
      const r = rows.find((x) => x.rawJobId === idOf(label));
      assert.ok(r, `sacct has ${label}`);
      return r;
    };

    it(`one row per allocation (array tasks apart), a pending het job as ${d.sacctHetIds(0).length} row(s)`, () => {
      assert.equal(rows.length, d.sacctRows);
      assert.ok(!read('sacct.txt').includes('|'.repeat(2)), 'parsable2 with 0x1F, not "|"');
      assert.ok(read('sacct.txt').includes(FIELD_SEP));
      const h = idOf('het');
      assert.deepEqual(rows.filter((r) => r.rawJobId === h || r.rawJobId === h + 1).map((r) => r.id.text), d.sacctHetIds(h));
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
      assert.deepEqual(
        rows.filter((r) => r.id.kind === 'hetComponent').map((r) => r.id.text),
        d.sacctHetIds(h).filter((id) => id.includes('+')),
      );
    });

    it(`Reason of pending jobs (${d.sacctPendingReasons.userHold === undefined ? '"None"' : 'the real reason'}); the array throttle shows`, () => {
      for (const [label, reason] of Object.entries(d.sacctPendingReasons)) assert.equal(byRaw(label).reason, reason, label);
      const a = idOf('array');
      assert.equal(rows.find((r) => r.id.text === `${a}_[5,7%2]`)?.reason, 'JobArrayTaskLimit');
    });

    it(`NCPUS ${d.sacctPendingNcpus} for a job that never started reads as the requested CPUs`, () => {
      assert.match(read('sacct.txt'), new RegExp(`^${idOf('userHold')}\\x1f.*\\x1fNone assigned\\x1f1\\x1f${d.sacctPendingNcpus}\\x1f`, 'm'));
      assert.equal(byRaw('userHold').cpus, 1);
      assert.equal(byRaw('multiNode').cpus, 2);
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

  describe(`fixtures ${S}: scontrol show job -o`, () => {
    it(`GPU job: TRES under ${d.scontrolTresKey}=, TresPerNode ${d.tresPerNode}`, () => {
      const [g] = parseScontrolShowJob(read('scontrol-gpu.txt'), utc);
      assert.equal(g.fields.has('TRES'), d.scontrolTresKey === 'TRES');
      assert.equal(g.fields.get(d.scontrolTresKey), 'cpu=1,mem=250M,node=1,billing=1,gres/gpu=1');
      assert.equal(g.tres, 'cpu=1,mem=250M,node=1,billing=1,gres/gpu=1');
      assert.equal(g.gpus, 1);
      assert.equal(g.batchHost, 'node3');
      assert.equal(g.fields.get('TresPerNode'), d.tresPerNode);
    });

    if (recorded('scontrol-userHold.txt')) {
      it('a pending job: AllocTRES "(null)", TRES and GPUs from ReqTRES, NumNodes read as 1', () => {
        const [h] = parseScontrolShowJob(read('scontrol-userHold.txt'), utc);
        assert.equal(h.fields.get('AllocTRES'), '(null)');
        assert.equal(h.tres, 'cpu=1,mem=250M,node=1,billing=1');
        assert.equal(h.fields.get('NumNodes'), d.scontrolPendingNumNodes);
        assert.equal(h.numNodes, 1);
      });
    }

    it(`weird and key-like names; NumNodes of a pending job "${d.scontrolPendingNumNodes}" reads as 1`, () => {
      const [w] = parseScontrolShowJob(read('scontrol-weirdName.txt'), utc);
      assert.equal(w.name, nameOf('weirdName'));
      assert.equal(w.state.name, 'PENDING');
      assert.equal(w.reason, 'JobHeldUser');
      assert.equal(w.user, 'slurmuser');
      assert.equal(w.uid, 2000);
      assert.equal(w.fields.get('NumNodes'), d.scontrolPendingNumNodes);
      assert.equal(w.numNodes, 1);
      const [k] = parseScontrolShowJob(read('scontrol-keyLikeName.txt'), utc);
      assert.equal(k.name, 'x Reason=foo JobState=RUNNING');
      assert.equal(k.state.name, 'PENDING');
      assert.equal(k.reason, 'JobHeldUser');
    });

    it(`het components and array records; task paths ${d.scontrolArrayNoValPath ? 'expanded, the remainder\'s NO_VAL path dropped' : 'with %4a unexpanded'}`, () => {
      const het = parseScontrolShowJob(read('scontrol-het.txt'), utc);
      assert.deepEqual(het.map((h) => h.id.text), [`${idOf('het')}+0`, `${idOf('het')}+1`]);
      const a = idOf('array');
      const arr = parseScontrolShowJob(read('scontrol-array.txt'), utc);
      assert.deepEqual(arr.map((x) => x.id.text), [`${a}_[5,7%2]`, `${a}_3`, `${a}_1`]);
      assert.equal(/_4294967294\.out/.test(read('scontrol-array.txt')), d.scontrolArrayNoValPath);
      assert.deepEqual(arr.map((x) => x.stdout), d.scontrolArrayStdout(W, a));
      if (d.scontrolArrayNoValPath) assert.equal(arr[0].stderr, undefined);
    });

    if (recorded('scontrol-arrayDefault.txt')) {
      it('an array without -o, all pending: its NO_VAL default path is dropped', () => {
        const [ad] = parseScontrolShowJob(read('scontrol-arrayDefault.txt'), utc);
        assert.equal(ad.id.text, `${idOf('arrayDefault')}_[0-2]`);
        assert.equal(ad.stdout, undefined);
      });
    }

    it(`exit code, multi-node, timeout (Power= ${d.scontrolHasPower ? 'printed' : 'gone'}), dependency`, () => {
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
      assert.equal(t.fields.has('Power'), d.scontrolHasPower);
      const [dn] = parseScontrolShowJob(read('scontrol-depNever.txt'), utc);
      assert.equal(dn.dependency, `afterok:${idOf('fail3')}(failed)`);
    });
  });

  describe(`fixtures ${S}: sinfo`, () => {
    const info = parseSinfo(read('sinfo.txt'));
    it(`4 nodes, 2 partitions with totals and use; node3 in ${d.node3Partitions.join(', ')}; GresUsed without GRES ${d.node1GresUsed ?? '"(null)"'}`, () => {
      assert.deepEqual(info.nodes.map((n) => n.name), ['node1', 'node2', 'node3', 'node4']);
      const node1 = info.nodes.find((n) => n.name === 'node1');
      const node3 = info.nodes.find((n) => n.name === 'node3');
      assert.ok(node1 && node3);
      assert.equal(node1.gresUsed, d.node1GresUsed);
      assert.deepEqual(node1.gpus, { total: 0, used: 0 });
      assert.deepEqual(node3.partitions, d.node3Partitions);
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

  describe(`fixtures ${S}: failures keep Slurm's words`, () => {
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

    it('scancel of an unknown job exits 0 and says nothing', () => {
      const rec = manifest.calls.find((c) => c.file === 'scancel-invalid.txt');
      assert.ok(rec);
      assert.equal(rec.code, 0);
      assert.equal(rec.stderr, '');
      assert.equal(parseResult(scancelCall(['999999999']), { stdout: '', stderr: '', code: 0 }), undefined);
    });
  });
}
