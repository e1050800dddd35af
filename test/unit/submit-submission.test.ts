// The submit pipeline's pure steps (src/submit/submission.ts) on the built-in templates: read once,
// prefill precedence, the file's values win, what is remembered, and what sbatch will apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadTemplates, type HeaderTemplate } from '../../src/templates/templateStore';
import { composeJob } from '../../src/submit/compose';
import { effectiveDirectives, parseScript } from '../../src/submit/directives';
import { choicesToRemember, finalAnswers, prefillAnswers, questionPlan, readScript, sbatchOptions } from '../../src/submit/submission';

let cache: HeaderTemplate[] | undefined;
async function template(id: string): Promise<HeaderTemplate> {
  cache ??= (await loadTemplates({ builtinDir: path.resolve(__dirname, '../../templates'), trusted: true })).templates;
  const found = cache.find((t) => t.id === id);
  assert.ok(found, `built-in template ${id}`);
  return found;
}

test('readScript: LF text, python by language or extension, the file options parsed once', () => {
  const s = readScript('/w/p/train model.py', '#SBATCH --time=5\r\n#SBATCH --time=7\r\nprint(1)\r\n', 'plaintext');
  assert.equal(s.fileName, 'train model.py');
  assert.equal(s.languageId, 'python');
  assert.equal(s.text, '#SBATCH --time=5\n#SBATCH --time=7\nprint(1)\n');
  assert.equal(s.fileOptions.get('time'), '7');
  assert.equal(readScript('/w/run.sh', 'echo', 'shellscript').languageId, 'shellscript');
});

test('prefill: template defaults < last choices < the file; a Python job is named after its file', async () => {
  const source = readScript('/w/train.py', '#SBATCH --partition=gpu\n', 'python');
  const prefill = prefillAnswers(source, await template('python'), { answers: { partition: 'debug', time: '00:20:00', cpusPerTask: 4 } });
  assert.equal(prefill.partition, 'gpu');
  assert.equal(prefill.time, '00:20:00');
  assert.equal(prefill.cpusPerTask, 4);
  assert.equal(prefill.jobName, 'train.py');
});

test('questionPlan: a script whose directives suffice asks nothing; "all" asks every field', async () => {
  const source = readScript('/w/run.sh', '#!/bin/bash\n#SBATCH --partition=debug\n#SBATCH --time=1\necho\n', 'shellscript');
  const t = await template('default');
  assert.equal(questionPlan(source, t, {}, { mode: 'missing', submittedBefore: false }).allFields, false);
  assert.equal(questionPlan(source, t, {}, { mode: 'all', submittedBefore: false }).allFields, true);
});

test("finalAnswers: only what differs from the file; the dependency joins; a bad answer is refused with what to fix", () => {
  const source = readScript('/w/run.sh', '#SBATCH --partition=debug\n#SBATCH --time=10\n', 'shellscript');
  assert.deepEqual(finalAnswers(source, { partition: 'debug', time: '20', jobName: '' }, 'afterok:12'), { time: '20', dependency: 'afterok:12' });
  assert.throws(() => finalAnswers(source, { cpusPerTask: -2 }), /Invalid answers: cpusPerTask: At least 1 CPU/);
});

test('choicesToRemember keeps the answers but not the one-off dependency', async () => {
  assert.deepEqual(choicesToRemember(await template('default'), { time: '20', dependency: 'afterok:1' }), { template: 'default', answers: { time: '20' } });
});

test("sbatchOptions: the composed script's directives (file after header) with the command line's overrides, as a parse of the final script gives", async () => {
  const source = readScript('/w/run.sh', '#!/bin/bash\n#SBATCH --time=10\n#SBATCH --job-name=mine\necho hi\n', 'shellscript');
  const answers = finalAnswers(source, { partition: 'debug', time: '20' });
  const job = await composeJob({ fileName: source.fileName, text: source.text, parsed: source.parsed, languageId: source.languageId, template: await template('default'), answers });
  const reparsed = effectiveDirectives(parseScript(job.script).directives);
  assert.deepEqual([...job.directives].sort(), [...reparsed].sort());
  const applied = sbatchOptions(job, answers);
  assert.equal(applied.get('time'), '20');
  assert.equal(applied.get('job-name'), 'mine');
  assert.equal(applied.get('partition'), 'debug');
});

test('sbatchOptions for a wrapped Python file: the wrapper header holds the file directives and the answers', async () => {
  const source = readScript('/w/train.py', '#SBATCH --time=10\nprint(1)\n', 'python');
  const answers = finalAnswers(source, { time: '30', jobName: 'train.py' });
  const job = await composeJob({ fileName: source.fileName, text: source.text, parsed: source.parsed, languageId: source.languageId, template: await template('python'), answers });
  assert.deepEqual([...job.directives].sort(), [...effectiveDirectives(parseScript(job.script).directives)].sort());
  assert.equal(sbatchOptions(job, answers).get('time'), '30');
});
