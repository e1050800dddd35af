// Composing the submitted script: file directives win over template defaults, answers that differ
// from the file go on the command line, the user's text is kept byte for byte after the header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadTemplates, type HeaderTemplate } from '../../src/templates/templateStore';
import { composeJob, checkFileName } from '../../src/submit/compose';
import { parseScript, effectiveDirectives } from '../../src/submit/directives';
import { planHeader } from '../../src/templates/headerPlan';
import { answersFromOptions, parseAnswers } from '../../src/submit/answers';

let cache: HeaderTemplate[] | undefined;
async function template(id: string): Promise<HeaderTemplate> {
  cache ??= (await loadTemplates({ builtinDir: path.resolve(__dirname, '../../templates'), trusted: true })).templates;
  return cache.find((t) => t.id === id)!;
}

test('planHeader: file wins over defaults, equal answers add nothing, differing answers override', () => {
  const file = new Map([['time', '5'], ['job-name', 'mine']]);
  const plan = planHeader(file, new Map([['time', '00:10:00'], ['gres', 'gpu:1']]), new Map([['job-name', 'mine'], ['partition', 'debug'], ['time', '7']]));
  assert.deepEqual(plan.header, [{ option: 'partition', value: 'debug' }, { option: 'gres', value: 'gpu:1' }]);
  assert.deepEqual(plan.overrides, ['--time=7']);
});

test('a shell script: shebang kept, header after it, the rest unchanged', async () => {
  const text = '#!/usr/bin/env bash\n#SBATCH --time=2\necho "hi $USER"\n';
  const job = await composeJob({ fileName: 'run.sh', text, languageId: 'shellscript', template: await template('default'), answers: { jobName: 'x y', partition: 'debug', time: '2' } });
  assert.equal(job.script, '#!/usr/bin/env bash\n#SBATCH --job-name="x y"\n#SBATCH --partition=debug\n#SBATCH --time=2\necho "hi $USER"\n');
  assert.deepEqual(job.overrides, []);
  assert.deepEqual(job.files.map((f) => f.name), ['run.sh']);
  const eff = effectiveDirectives(parseScript(job.script).directives);
  assert.equal(eff.get('job-name'), 'x y');
});

test('no shebang: #!/bin/bash is added (sbatch requires one); CRLF becomes LF in the copy', async () => {
  const job = await composeJob({ fileName: 'a', text: 'echo a\r\necho b\r\n', languageId: 'shellscript', template: await template('default'), answers: {} });
  assert.equal(job.script, '#!/bin/bash\n#SBATCH --time=00:10:00\necho a\necho b\n');
});

test('the GPU template default yields to the file; the array template adds per-task logs', async () => {
  const gpu = await composeJob({ fileName: 'g.sh', text: '#!/bin/bash\n#SBATCH --gres=gpu:2\nnvidia-smi\n', languageId: 'shellscript', template: await template('gpu'), answers: {} });
  assert.deepEqual(effectiveDirectives(parseScript(gpu.script).directives).get('gres'), 'gpu:2');
  assert.ok(!gpu.script.includes('gpu:1'));
  const arr = await composeJob({ fileName: 'a.sh', text: '#!/bin/bash\necho $SLURM_ARRAY_TASK_ID\n', languageId: 'shellscript', template: await template('array'), answers: {} });
  assert.match(arr.script, /--array=0-9%4/);
  assert.match(arr.script, /--output=slurm-%A_%a.out/);
});

test('the container template needs an image', async () => {
  await assert.rejects(composeJob({ fileName: 'c.sh', text: '#!/bin/bash\n', languageId: 'shellscript', template: await template('container'), answers: {} }), /container-image/);
  const ok = await composeJob({ fileName: 'c.sh', text: '#!/bin/bash\nsrun python x.py\n', languageId: 'shellscript', template: await template('container'), answers: { containerImage: 'nvcr.io#nvidia/pytorch:24.01-py3' } });
  assert.match(ok.script, /#SBATCH --container-image="nvcr.io#nvidia\/pytorch:24.01-py3"/);
  assert.match(ok.script, /#SBATCH --container-mount-home\n/);
});

test('a python file: wrapper script + the untouched .py; its #SBATCH comments move into the wrapper', async () => {
  const py = '#SBATCH --time=3\n#SBATCH -J frompy\nprint("hi")\n';
  const job = await composeJob({ fileName: 'my job.py', text: py, languageId: 'python', template: await template('python'), answers: { jobName: 'answer', cpusPerTask: 2 }, python: { modules: [], interpreter: 'python3' } });
  assert.equal(job.scriptName, 'my job.py.sbatch');
  assert.deepEqual(job.files.map((f) => f.name), ['my job.py.sbatch', 'my job.py']);
  assert.equal(job.files[1].content, py);
  const eff = effectiveDirectives(parseScript(job.script).directives);
  assert.equal(eff.get('time'), '3');
  assert.equal(eff.get('job-name'), 'answer');
  assert.equal(eff.get('cpus-per-task'), '2');
  assert.match(job.script, /exec python3 'my job.py' "\$@"/);
});

test('hostile names: job names are escaped, unusable file names refused', async () => {
  const job = await composeJob({ fileName: `it's $(id) ü.sh`, text: '#!/bin/bash\necho ok\n', languageId: 'shellscript', template: await template('default'), answers: { jobName: `x"; touch /tmp/pwned; "` } });
  assert.deepEqual(parseScript(job.script).directives.map((d) => d.value), [`x"; touch /tmp/pwned; "`, '00:10:00']);
  assert.throws(() => checkFileName('a\nb.sh'), /cannot be used/);
  assert.throws(() => checkFileName('../x'), /cannot be used/);
  assert.equal(parseAnswers({ jobName: 'a\n#SBATCH --hold' }).ok, false);
});

test('answers: validation messages, prefill from the file', () => {
  const bad = parseAnswers({ time: '1 hour', mem: '4 GB', cpusPerTask: 0 });
  assert.ok(!bad.ok && /time/.test(bad.message) && /mem/.test(bad.message) && /cpusPerTask/.test(bad.message));
  assert.deepEqual(answersFromOptions(new Map([['gres', 'gpu:2'], ['time', '5'], ['mem', 'lots'], ['job-name', 'j']])), { gpus: 2, time: '5', jobName: 'j' });
});
