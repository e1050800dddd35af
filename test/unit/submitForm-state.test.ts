// The "Submit with Options…" form as a whole (src/submit/submitFormState.ts): the page's messages are
// validated, the first view is prefilled, every change re-renders the preview with the real
// composition (compose.ts, built-in templates) and names what overrides the file, another template
// re-prefills, and Submit is blocked only by an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSinfo } from '../../src/slurm/sinfo';
import { buildClusterResources } from '../../src/resources/model';
import { answersFromOptions } from '../../src/submit/answers';
import { loadTemplates, templatesFor, type HeaderTemplate } from '../../src/templates/templateStore';
import { FormMessageSchema, SubmitFormModel, type FormSetup } from '../../src/submit/submitFormState';
import { formValuesFrom, type FormValues } from '../../src/submit/submitFormModel';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05', name), 'utf8');
const resources = buildClusterResources('bundled', parseSinfo(fixture('resources/sinfo-busy.txt')), [], 0);
const script = '#!/bin/bash\n#SBATCH --job-name=mine\n#SBATCH --partition=nosuch\nhostname\n';

async function setup(extra: Partial<FormSetup> = {}): Promise<FormSetup> {
  const { templates } = await loadTemplates({ builtinDir: path.resolve(__dirname, '../../templates'), trusted: true });
  // As prepareSubmission prefills: template defaults < (no last answers) < the file's directives.
  const prefillFor = (t: HeaderTemplate) => ({
    ...answersFromOptions(new Map(Object.entries(t.meta.defaults).map(([k, v]) => [k, v ?? undefined]))),
    ...answersFromOptions(new Map([['job-name', 'mine'], ['partition', 'nosuch']])),
  });
  return { fileName: 'nosuch.sh', text: script, languageId: 'shellscript', cluster: 'bundled', templates: templatesFor(templates, 'shellscript'), templateId: 'default', templateFixed: false, prefillFor, resources, ...extra };
}

const change = (seq: number, values: FormValues, template = 'default') => ({ seq, values, template });

test('the page\'s messages are validated: unknown types, missing values and extra fields are refused', () => {
  const values = formValuesFrom({});
  assert.ok(FormMessageSchema.safeParse({ type: 'change', seq: 1, values, template: 'default' }).success);
  assert.ok(FormMessageSchema.safeParse({ type: 'cancel' }).success);
  assert.ok(!FormMessageSchema.safeParse({ type: 'run', command: 'rm -rf ~' }).success);
  assert.ok(!FormMessageSchema.safeParse({ type: 'submit', seq: 1, values: { partition: 'debug' }, template: 'default' }).success);
  assert.ok(!FormMessageSchema.safeParse({ type: 'submit', seq: 1, values: { ...values, extra: 'x' }, template: 'default' }).success);
  assert.ok(!FormMessageSchema.safeParse({ type: 'check', seq: -1, values, template: 'default' }).success);
});

test('first view: prefilled from template defaults and the file, preview of the exact script, the file\'s bad partition warned about', async () => {
  const model = new SubmitFormModel(await setup());
  const view = await model.first();
  assert.deepEqual(view.values, { partition: 'nosuch', time: '00:10:00', cpusPerTask: '', mem: '', gpus: '', jobName: 'mine' });
  assert.equal(view.preview.script, '#!/bin/bash\n#SBATCH --time=00:10:00\n#SBATCH --job-name=mine\n#SBATCH --partition=nosuch\nhostname\n');
  assert.equal(view.preview.command, 'sbatch nosuch.sh');
  assert.equal(view.preview.overrides, undefined, 'nothing the user did not change is passed');
  assert.equal(view.fields.partition.note, 'as the file says (#SBATCH --partition=nosuch)');
  assert.match(view.fields.partition.warning ?? '', /Partition "nosuch" is not among the partitions of bundled/);
  assert.deepEqual(view.partitions.map((p) => p.name), ['debug', 'gpu']);
  assert.ok(view.templates.length > 1 && view.templates.some((t) => t.id === 'gpu'));
  assert.equal(view.canSubmit, true, 'a warning does not block Submit');
});

test('a change re-renders: the changed partition goes on sbatch\'s command line and is named as an override', async () => {
  const model = new SubmitFormModel(await setup());
  const first = (await model.first()).values as FormValues;
  const view = await model.change(change(1, { ...first, partition: 'debug', cpusPerTask: '2' }));
  assert.equal(view.seq, 1);
  assert.equal(view.values, undefined, 'the page keeps what is typed');
  assert.equal(view.preview.command, 'sbatch --partition=debug nosuch.sh');
  assert.equal(view.preview.overrides, '--partition=debug (overrides #SBATCH --partition=nosuch)');
  assert.equal(view.fields.partition.note, '--partition=debug (overrides #SBATCH --partition=nosuch)');
  assert.equal(view.fields.partition.warning, undefined);
  assert.equal(view.fields.cpusPerTask.note, 'adds #SBATCH --cpus-per-task=2');
  assert.match(view.preview.script, /^#SBATCH --cpus-per-task=2$/m);
  assert.deepEqual(model.current.values, { ...first, partition: 'debug', cpusPerTask: '2' });
});

test('an error blocks Submit and leaves the field out of the preview; limit warnings sit beside their field', async () => {
  const model = new SubmitFormModel(await setup());
  const first = (await model.first()).values as FormValues;
  const bad = await model.change(change(2, { ...first, partition: 'gpu', time: 'soon', gpus: '3' }));
  assert.equal(bad.canSubmit, false);
  assert.match(bad.fields.time.error ?? '', /^Time as minutes/);
  assert.equal(bad.fields.time.note, undefined);
  assert.doesNotMatch(bad.preview.script, /soon/);
  assert.match(bad.fields.gpus.warning ?? '', /3 GPUs per node/);
  const fixed = await model.change(change(3, { ...first, partition: 'gpu', time: '2:00:00', gpus: '2' }));
  assert.equal(fixed.canSubmit, true);
  assert.match(fixed.fields.time.warning ?? '', /above partition "gpu"'s maximum/);
  assert.equal(fixed.fields.gpus.warning, undefined);
});

test('another template re-prefills what the user left alone and re-renders; a named template offers no select', async () => {
  const model = new SubmitFormModel(await setup());
  const first = (await model.first()).values as FormValues;
  const view = await model.change(change(1, { ...first, mem: '1G' }, 'gpu'));
  assert.equal(view.template, 'gpu');
  assert.deepEqual(view.values, { ...first, time: '00:30:00', gpus: '1', mem: '1G' });
  assert.match(view.preview.script, /^#SBATCH --gres=gpu:1$/m);
  assert.equal(model.current.template.id, 'gpu');
  const fixed = new SubmitFormModel(await setup({ templateFixed: true }));
  assert.deepEqual((await fixed.first()).templates, []);
  assert.equal((await fixed.change(change(1, first, 'gpu'))).template, 'default', 'a named template is kept');
});

test('a check\'s answer shows until the values change', async () => {
  const model = new SubmitFormModel(await setup());
  const first = (await model.first()).values as FormValues;
  assert.deepEqual((await model.setCheck({ running: false, ok: true, message: 'Check passed' })).check, { running: false, ok: true, message: 'Check passed' });
  assert.equal((await model.change(change(1, { ...first, mem: '2G' }))).check, undefined);
});
