// Submitting composed scripts to the real bundled cluster over the real sshd and ssh2 transport:
// parsed headers read back by `scontrol show job`, hostile file and job names that inject nothing,
// a Python file wrapped and run, and an sbatch refusal that leaves no remote file behind.
// Only our own job ids are looked at and cancelled; other helpers' jobs may fill the queue.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Transport } from '../../src/transport/types';
import { runCall, sinfoCall } from '../../src/slurm';
import { loadTemplates, type HeaderTemplate } from '../../src/templates/templateStore';
import { composeJob } from '../../src/submit/compose';
import { effectiveDirectives, parseScript } from '../../src/submit/directives';
import { SbatchRefusedError, submitRemote } from '../../src/submit/remoteSubmit';
import { readBed, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { finalState } from './jobWait';

let bed: Bed;
let transport: Transport;
let templates: HeaderTemplate[];
const submitted: number[] = [];
// Our own remote root, so "no file left behind" is checked on a folder no one else writes to.
const remoteRoot = `~/.swb-submit-it-${randomBytes(4).toString('hex')}`;

before(async () => {
  bed = readBed();
  transport = bedTransport(bed, 'bundled', { defaultTimeoutMs: 60_000 });
  templates = (await loadTemplates({ builtinDir: path.resolve(__dirname, '../../templates'), trusted: true })).templates;
});

after(async () => {
  if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  await sshRun(`rm -rf ${remoteRoot}`, { bed });
  transport?.dispose();
});

const template = (id: string) => templates.find((t) => t.id === id)!;
const remote = { timeoutMs: 120_000 };

test('a sample of parsed headers reads back identically from scontrol show job', async () => {
  const text = [
    '#!/bin/bash',
    '#SBATCH -J "read back" # a comment',
    '#SBATCH --time 7 -c2',
    '#SBATCH --part=debug --mem=100M',
    '#SBATCH -H',
    'sleep 1',
    '#SBATCH --time=99', // after the first command: sbatch ignores it, and so do we
  ].join('\n');
  const parsed = effectiveDirectives(parseScript(text).directives);
  assert.equal(parsed.get('time'), '7');
  const job = await composeJob({ fileName: 'readback.sh', text, languageId: 'shellscript', template: template('default'), answers: {} });
  const result = await submitRemote(transport, { remoteRoot, files: job.files, scriptName: job.scriptName, label: 'readback' }, remote);
  submitted.push(result.jobId);
  const show = await sshRun(`scontrol show job ${result.jobId}`, { bed });
  assert.match(show.stdout, /JobName=read back\b/);
  assert.match(show.stdout, /TimeLimit=00:07:00/);
  assert.match(show.stdout, /Partition=debug/);
  assert.match(show.stdout, /MinMemoryNode=100M/);
  assert.match(show.stdout, /NumCPUs=2|cpu=2/);
  assert.match(show.stdout, /JobState=PENDING Reason=JobHeldUser/);
  assert.match(show.stdout, new RegExp(`WorkDir=${result.remoteDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('a heterogeneous job: each component keeps its own directives, as sbatch reads them', async () => {
  const text = [
    '#!/bin/bash',
    '#SBATCH -J het -H',
    '#SBATCH -p debug -n 1 --time=3',
    '#SBATCH hetjob',
    '#SBATCH -p gpu -n 2 --time=4',
    'srun hostname',
  ].join('\n');
  const parsed = parseScript(text);
  assert.equal(parsed.components, 2);
  assert.deepEqual(parsed.problems, []);
  assert.equal(effectiveDirectives(parsed.directives).get('partition'), 'debug');
  assert.equal(effectiveDirectives(parsed.directives, 1).get('partition'), 'gpu');
  const job = await composeJob({ fileName: 'het.sh', text, languageId: 'shellscript', template: template('default'), answers: {} });
  const result = await submitRemote(transport, { remoteRoot, files: job.files, scriptName: job.scriptName, label: 'het' }, remote);
  submitted.push(result.jobId);
  const show = await sshRun(`scontrol show job ${result.jobId}`, { bed });
  const records = show.stdout.split(/\n\s*\n/).filter((r) => /JobId=/.test(r));
  assert.equal(records.length, 2, show.stdout);
  const byOffset = new Map(records.map((r) => [Number(/HetJobOffset=(\d+)/.exec(r)?.[1]), r]));
  assert.match(byOffset.get(0) ?? '', /Partition=debug[\s\S]*TimeLimit=00:03:00|TimeLimit=00:03:00[\s\S]*Partition=debug/);
  assert.match(byOffset.get(1) ?? '', /Partition=gpu/);
  assert.match(byOffset.get(1) ?? '', /TimeLimit=00:04:00/);
  assert.match(byOffset.get(1) ?? '', /NumTasks=2\b|TRES=cpu=2/);
});

test('hostile file and job names submit correctly and inject nothing', async () => {
  // A relative marker: the file name cannot contain "/", and a relative touch would land in the job folder or home.
  const marker = `swb-pwned-${randomBytes(4).toString('hex')}`;
  const fileName = `it's a "job" $(touch ${marker}) ü 😀.sh`;
  const jobName = `x"; touch ${marker}; echo "\`id\` $(touch ${marker}) #1`;
  const text = '#!/bin/bash\necho "content:$SLURM_JOB_NAME"\n';
  const job = await composeJob({ fileName, text, languageId: 'shellscript', template: template('default'), answers: { jobName, time: '2' } });
  const result = await submitRemote(transport, { remoteRoot, files: job.files, scriptName: job.scriptName, label: jobName }, remote);
  submitted.push(result.jobId);
  assert.equal(await finalState(bed, result.jobId), 'COMPLETED');
  const out = await sshRun(`cat ${result.remoteDir}/slurm-${result.jobId}.out`, { bed });
  assert.equal(out.stdout, `content:${jobName}\n`);
  // The job itself saw the exact name (above). Accounting stores it with " turned into ` (slurmdbd does that).
  // Right after the end sacct may still hold a partial record named "allocation": ask until it is whole.
  let name = '';
  for (let i = 0; i < 30; i++) {
    name = (await sshRun(`sacct -n -X -P -o JobName -j ${result.jobId}`, { bed })).stdout.trim();
    if (name !== 'allocation') break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(name, jobName.replace(/"/g, '`'));
  const ls = await sshRun(`ls ${result.remoteDir}`, { bed });
  assert.ok(ls.stdout.includes(fileName), ls.stdout);
  const pwned = await sshRun(`test -e ~/${marker} -o -e ${result.remoteDir}/${marker} -o -e /tmp/${marker} && echo yes || echo no`, { bed });
  assert.equal(pwned.stdout.trim(), 'no');
});

test('a Python file is wrapped, its environment activated, and it runs', async () => {
  const which = await sshRun('command -v python3', { bed });
  assert.equal(which.code, 0, 'python3 must exist on the cluster nodes');
  const venv = `${remoteRoot}/venv`;
  const mk = await sshRun(`python3 -m venv --without-pip ${venv} && echo ok`, { bed, timeoutMs: 120_000 });
  assert.equal(mk.stdout.trim(), 'ok', mk.stderr);
  const text = '#SBATCH --time=2\nimport os, sys\nprint("py:", os.environ["SLURM_JOB_ID"], sys.argv[0].split("/")[-1], sys.prefix.endswith("venv"))\n';
  const job = await composeJob({ fileName: 'my script.py', text, languageId: 'python', template: template('python'), answers: { jobName: 'wb py' }, python: { modules: [], venv: `${venv}`, interpreter: 'python' } });
  const result = await submitRemote(transport, { remoteRoot, files: job.files, scriptName: job.scriptName, label: 'py' }, remote);
  submitted.push(result.jobId);
  assert.equal(await finalState(bed, result.jobId), 'COMPLETED');
  const out = await sshRun(`cat ${result.remoteDir}/slurm-${result.jobId}.out`, { bed });
  assert.equal(out.stdout, `py: ${result.jobId} my script.py True\n`);
});

test('sbatch refuses 3 GPUs on 2-GPU nodes: its message verbatim, the cause named, no remote file left', async () => {
  const cluster = await runCall(transport, sinfoCall());
  const job = await composeJob({ fileName: 'gpu3.sh', text: '#!/bin/bash\n#SBATCH --gres=gpu:3 -p gpu\nnvidia-smi\n', languageId: 'shellscript', template: template('default'), answers: {} });
  const options = effectiveDirectives(parseScript(job.script).directives);
  const err = await submitRemote(transport, { remoteRoot, files: job.files, scriptName: job.scriptName, label: 'gpu3', context: { options, ...cluster } }, remote).then(
    () => assert.fail('sbatch accepted 3 GPUs on 2-GPU nodes'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SbatchRefusedError, String(err));
  assert.match(err.sbatchMessage, /Requested node configuration is not available/);
  assert.equal(err.explanation?.cause, 'tooManyGpus');
  const left = await sshRun(`ls -A ${remoteRoot}/jobs | grep gpu3 || true`, { bed });
  assert.equal(left.stdout.trim(), '', 'the job folder was removed');
});
