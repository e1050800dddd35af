// The version matrix on recorded fixtures: the same zoo, recorded from Slurm 22.05 and 24.11, parses
// to the same model (state, reason, array ids, exit codes, GPUs, resolved log paths) except where
// the releases truly differ, and those cases are asserted one by one. Plus the version table and
// the warning for releases we have no fixtures for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Job } from '../../src/slurm';
import {
  featuresOf,
  parseExitCodeOrWaitStatus,
  parseSacct,
  parseScontrolShowJob,
  parseSlurmVersion,
  parseSqueue,
  resolveLogPaths,
  squeueArgv,
  TESTED_RELEASES,
  untestedVersionWarning,
  VERSION_DIFFERENCES,
} from '../../src/slurm';

interface Recording {
  version: string;
  workDir: string;
  ids: Map<string, number>;
  read(file: string): string;
}

function recording(version: '22.05' | '24.11'): Recording {
  const dir = join(__dirname, '..', 'fixtures', `slurm-${version}`);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const manifest = JSON.parse(read('manifest.json')) as { workDir: string; jobs: { label: string; jobId: number }[] };
  return { version, workDir: manifest.workDir, ids: new Map(manifest.jobs.map((j) => [j.label, j.jobId])), read };
}

const recordings = [recording('22.05'), recording('24.11')];

/** What the Jobs view shows of a job, with the recording's ids and work dir made symbolic. */
function viewModel(rec: Recording, job: Job) {
  // The zoo job's own id (the array's or het leader's for their members), and this row's raw id.
  const own = job.id.kind === 'hetComponent' ? job.id.hetJobId : (job.arrayJobId ?? job.rawJobId);
  const symbolic = (s: string | undefined) =>
    s?.replaceAll(rec.workDir, '<W>').replace(new RegExp(`(?<=-)(${own}|${job.rawJobId})(?=[._])`, 'g'), (m) => (m === String(own) ? '<ID>' : '<RAW>'));
  const paths = resolveLogPaths(job);
  return {
    id: job.id.text.replace(new RegExp(`^${own}(?![0-9])`), '<ID>'),
    state: job.state.name,
    reason: job.reason,
    exitCode: job.exitCode,
    gpus: job.gpus,
    nodes: job.nodes,
    cpus: job.cpus,
    stderrSeparate: job.stderr !== undefined,
    stdout: paths.unresolvedTask ? 'unresolved' : symbolic(paths.stdout),
    stderr: paths.unresolvedTask ? 'unresolved' : symbolic(paths.stderr),
  };
}

describe('version matrix on fixtures: squeue', () => {
  const parsed = recordings.map((rec) => ({ rec, jobs: parseSqueue(rec.read('squeue-all.txt'), 0) }));
  const byLabel = (i: number, label: string) => {
    const { rec, jobs } = parsed[i];
    return jobs.filter((j) => j.rawJobId === rec.ids.get(label) || (j.arrayJobId !== undefined && j.arrayJobId === rec.ids.get(label)) || (j.id.kind === 'hetComponent' && j.id.hetJobId === rec.ids.get(label)));
  };

  it('every zoo job has the same view model on 22.05 and 24.11 (state, reason, ids, exit code, GPUs, log paths)', () => {
    const labels = [...recordings[0].ids.keys()];
    assert.deepEqual(labels, [...recordings[1].ids.keys()], 'both recordings ran the same zoo');
    for (const label of labels) {
      const [a, b] = [0, 1].map((i) => byLabel(i, label).map((j) => viewModel(parsed[i].rec, j)).sort((x, y) => String(x.id).localeCompare(String(y.id))));
      assert.ok(a.length > 0, `${label} listed`);
      // Running array tasks get their own raw ids, unrelated between the recordings: compare them by task.
      assert.deepEqual(b, a, `${label}: 22.05 and 24.11 disagree`);
    }
  });

  it('differs: STDOUT of a default-output job is expanded on 22.05, a raw pattern on 24.11 (resolved: the same file)', () => {
    const [old, neu] = [0, 1].map((i) => byLabel(i, 'basic')[0]);
    assert.equal(old.stdout, `${recordings[0].workDir}/slurm-${recordings[0].ids.get('basic')}.out`);
    assert.equal(neu.stdout, `${recordings[1].workDir}/slurm-%j.out`);
  });

  it('differs: squeue exit_code is a wait status on 22.05 ("768"), "N:S" on 24.11 ("3:0"); both read as exit 3', () => {
    const raw = (i: number) => parsed[i].rec.read('squeue-all.txt').split('\x1e\n').find((r) => r.startsWith(`${parsed[i].rec.ids.get('fail3')}\x1f`))!.split('\x1f')[29];
    assert.equal(raw(0), '768');
    assert.equal(raw(1), '3:0');
    assert.deepEqual(parseExitCodeOrWaitStatus(raw(0)), parseExitCodeOrWaitStatus(raw(1)));
  });

  it('differs: STDERR repeats stdout on 22.05, is "(null)" on 24.11; both mean "no separate stderr"', () => {
    const row = (i: number) => parsed[i].rec.read('squeue-all.txt').split('\x1e\n').find((r) => r.startsWith(`${parsed[i].rec.ids.get('basic')}\x1f`))!.split('\x1f');
    assert.equal(row(0)[27], row(0)[26]);
    assert.equal(row(1)[27], '(null)');
    assert.equal(byLabel(0, 'basic')[0].stderr, undefined);
    assert.equal(byLabel(1, 'basic')[0].stderr, undefined);
  });

  it('differs: tres-per-node "gres:gpu:1" on 22.05, "gres/gpu:1" on 24.11; 1 GPU on both', () => {
    assert.deepEqual(byLabel(0, 'gpu').map((j) => [j.tresPerNode, j.gpus]), [['gres:gpu:1', 1]]);
    assert.deepEqual(byLabel(1, 'gpu').map((j) => [j.tresPerNode, j.gpus]), [['gres/gpu:1', 1]]);
  });
});

describe('version matrix on fixtures: sacct and scontrol', () => {
  const acct = recordings.map((rec) => ({ rec, rows: parseSacct(rec.read('sacct.txt'), 0) }));
  const row = (i: number, label: string) => acct[i].rows.find((r) => r.rawJobId === acct[i].rec.ids.get(label));

  it('the same final states, exit codes and GPUs for jobs that ran', () => {
    for (const label of ['basic', 'fail3', 'depOk', 'cancelRunning', 'timeout', 'gpu', 'multiNode']) {
      const [a, b] = [row(0, label), row(1, label)];
      assert.ok(a && b, label);
      assert.deepEqual([b.state.name, b.exitCode, b.gpus, b.cpus, b.nodes], [a.state.name, a.exitCode, a.gpus, a.cpus, a.nodes], label);
    }
  });

  it('differs: Reason of held / waiting jobs is real on 22.05, "None" on 24.11', () => {
    for (const [label, reason] of [['userHold', 'JobHeldUser'], ['adminHold', 'JobHeldAdmin'], ['begin', 'BeginTime']]) {
      assert.equal(row(0, label)?.reason, reason, `22.05 ${label}`);
      assert.equal(row(1, label)?.reason, undefined, `24.11 ${label}`);
    }
    // A finished job keeps its last wait reason on 22.05 only.
    assert.equal(row(0, 'depOk')?.reason, 'Dependency');
    assert.equal(row(1, 'depOk')?.reason, undefined);
  });

  it('differs: NCPUS of a pending job is 1 on 22.05, 0 on 24.11; both read as 1 CPU', () => {
    assert.equal(row(0, 'userHold')?.cpus, 1);
    assert.equal(row(1, 'userHold')?.cpus, 1);
  });

  it('differs: a pending het job is <id>+0/<id>+1 on 22.05, one row <id> on 24.11', () => {
    const het = (i: number) => acct[i].rows.filter((r) => r.rawJobId === acct[i].rec.ids.get('het') || r.rawJobId === acct[i].rec.ids.get('het')! + 1).map((r) => r.id.kind);
    assert.deepEqual(het(0), ['hetComponent', 'hetComponent']);
    assert.deepEqual(het(1), ['job']);
  });

  it('scontrol: the same GPUs, nodes, states and exit codes from TRES (22.05) and AllocTRES/ReqTRES (24.11)', () => {
    for (const label of ['gpu', 'multiNode', 'fail3', 'timeout', 'depNever', 'weirdName', 'keyLikeName']) {
      const [a, b] = recordings.map((rec) => parseScontrolShowJob(rec.read(`scontrol-${label}.txt`), 0)[0]);
      assert.deepEqual([b.name, b.state.name, b.reason, b.gpus, b.numNodes, b.numCpus, b.exitCode], [a.name, a.state.name, a.reason, a.gpus, a.numNodes, a.numCpus, a.exitCode], label);
      assert.equal(a.fields.has('TRES'), true);
      assert.equal(b.fields.has('ReqTRES') && b.fields.has('AllocTRES'), true);
    }
  });

  it('differs: scontrol StdOut of an array task keeps %4a on 22.05, is expanded on 24.11; resolved: the same file', () => {
    const task = (i: number) => parseScontrolShowJob(recordings[i].read('scontrol-array.txt'), 0).find((x) => x.id.kind === 'arrayTask' && x.id.taskId === 1)!;
    const a = recordings[0].ids.get('array');
    const b = recordings[1].ids.get('array');
    assert.equal(task(0).stdout, `${recordings[0].workDir}/zoo-zoo array-${a}_%4a.out`);
    assert.equal(task(1).stdout, `${recordings[1].workDir}/zoo-zoo array-${b}_0001.out`);
    const resolved = (i: number) => {
      const t = task(i);
      assert.ok(t.id.kind === 'arrayTask');
      return resolveLogPaths({ rawJobId: t.rawJobId, arrayJobId: t.id.arrayJobId, arrayTaskId: t.id.taskId, name: t.name, user: 'slurmuser', workDir: t.workDir!, stdout: t.stdout }).stdout;
    };
    assert.equal(resolved(0), `${recordings[0].workDir}/zoo-zoo array-${a}_0001.out`);
    assert.equal(resolved(1), `${recordings[1].workDir}/zoo-zoo array-${b}_0001.out`);
  });
});

describe('the version table and untested releases', () => {
  it('both recorded releases are tested; the builders use --me on both', () => {
    assert.deepEqual([...TESTED_RELEASES], ['22.05', '24.11']);
    for (const rec of recordings) {
      const v = parseSlurmVersion(rec.read('version.txt'));
      assert.equal(featuresOf(v).tested, true);
      assert.ok(squeueArgv({ version: v, user: 'u' }).includes('--me'));
    }
  });

  it('every documented difference names its outputs, both forms, the release and the handling', () => {
    assert.ok(VERSION_DIFFERENCES.length >= 12);
    for (const d of VERSION_DIFFERENCES) {
      assert.match(d.since, /^\d{2}\.\d{2}$/, d.output);
      assert.ok(d.output && d.before && d.after && d.handling, d.output);
    }
  });

  it('an unknown future release: ONE clear warning naming it and the tested ones; older --me-less release uses -u', () => {
    const future = parseSlurmVersion('slurm 25.05.1');
    const warning = untestedVersionWarning(future);
    assert.equal(warning, 'This cluster runs Slurm 25.05.1; Slurm Workbench is tested with Slurm 22.05 and 24.11. Jobs are still shown, but some fields may be missing or read differently.');
    assert.equal(untestedVersionWarning(parseSlurmVersion('slurm-wlm 24.11.1')), undefined, 'patch releases of a tested one are tested');
    const old = parseSlurmVersion('slurm 19.05.8');
    assert.match(untestedVersionWarning(old) ?? '', /19\.05\.8/);
    assert.deepEqual(squeueArgv({ version: old, user: 'alice' }).slice(4, 7), ['--noheader', '--user', 'alice']);
  });

  it('output of an unknown release is read tolerantly: unknown states as themselves, unknown scontrol keys kept', () => {
    const line = recordings[1].read('scontrol-gpu.txt').trim().replace('JobState=RUNNING', 'JobState=QUANTUM_ENTANGLED').replace('Priority=1 ', 'Priority=1 NewKey2026=hello ');
    const [j] = parseScontrolShowJob(`${line}\n`, 0);
    assert.deepEqual([j.state.name, j.state.known, j.state.phase], ['QUANTUM_ENTANGLED', false, 'unknown']);
    assert.equal(j.fields.get('NewKey2026'), 'hello');
    assert.equal(j.gpus, 1);
  });
});
