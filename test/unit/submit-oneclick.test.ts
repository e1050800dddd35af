// What "Submit to Slurm" asks and what reaches sbatch (src/submit/oneClick.ts): a script whose
// directives suffice is submitted to the remembered cluster without a question; only what is missing
// is asked; the file's values win, and a changed value is named as an override of the directive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveDirectives, parseScript } from '../../src/submit/directives';
import { answersToPass, chooseCluster, describeFileOverrides, planQuestions } from '../../src/submit/oneClick';
import { planHeader } from '../../src/templates/headerPlan';
import { answersToOptions } from '../../src/submit/answers';

const fileOf = (text: string) => effectiveDirectives(parseScript(text).directives);

test('cluster: the caller\'s, the only one, the remembered one on one click; asked otherwise', () => {
  assert.deepEqual(chooseCluster({ given: 'b', profiles: ['a', 'b'], mode: 'missing' }), { use: 'b' });
  assert.deepEqual(chooseCluster({ profiles: ['a'], mode: 'all' }), { use: 'a' });
  assert.deepEqual(chooseCluster({ profiles: ['a', 'b'], remembered: 'b', mode: 'missing' }), { use: 'b' });
  assert.deepEqual(chooseCluster({ profiles: ['a', 'b'], remembered: 'b', mode: 'all' }), { ask: true, lastUsed: 'b' });
  assert.deepEqual(chooseCluster({ profiles: ['a', 'b'], mode: 'missing' }), { ask: true });
  // A remembered profile that was since removed is not used.
  assert.deepEqual(chooseCluster({ profiles: ['a', 'b'], remembered: 'gone', mode: 'missing' }), { ask: true });
});

test('questions: none when the file has a directive; every field when it says nothing; required options always', () => {
  const withDirective = fileOf('#!/bin/bash\n#SBATCH --time=2\necho hi\n');
  const bare = fileOf('#!/bin/bash\necho hi\n');
  assert.deepEqual(planQuestions({ mode: 'missing', fileOptions: withDirective, submittedBefore: false, requiredUnset: [] }), { allFields: false, required: [] });
  assert.deepEqual(planQuestions({ mode: 'missing', fileOptions: bare, submittedBefore: false, requiredUnset: [] }), { allFields: true, required: [] });
  assert.deepEqual(planQuestions({ mode: 'missing', fileOptions: bare, submittedBefore: true, requiredUnset: [] }), { allFields: false, required: [] });
  assert.deepEqual(planQuestions({ mode: 'missing', fileOptions: withDirective, submittedBefore: false, requiredUnset: ['container-image'] }), { allFields: false, required: ['container-image'] });
  assert.deepEqual(planQuestions({ mode: 'all', fileOptions: withDirective, submittedBefore: true, requiredUnset: [] }), { allFields: true, required: [] });
  assert.deepEqual(planQuestions({ mode: 'all', acceptDefaults: true, fileOptions: bare, submittedBefore: false, requiredUnset: ['container-image'] }), { allFields: false, required: [] });
});

test('the file wins: prefilled values left as they are reach sbatch not at all', () => {
  const file = fileOf('#!/bin/bash\n#SBATCH --partition=nosuch\n#SBATCH --gres=gpu:a100:2\n#SBATCH -c 4\n#SBATCH --time=00:10:00\n');
  // What the prompts hand back when Enter was pressed through them (GPUs read as 2, CPUs as a number).
  const final = { partition: 'nosuch', gpus: 2, cpusPerTask: 4, time: '00:10:00', jobName: 'x' };
  assert.deepEqual(answersToPass(file, final), { jobName: 'x' });
  const plan = planHeader(file, new Map(), answersToOptions(answersToPass(file, final)));
  assert.deepEqual(plan.overrides, [], 'nothing overrides a directive');
});

test('a changed value is an override, described against the file\'s directive', () => {
  const file = fileOf('#!/bin/bash\n#SBATCH --partition=nosuch\n#SBATCH --time=5\n');
  const passed = answersToPass(file, { partition: 'debug', time: '5', mem: '1G' });
  assert.deepEqual(passed, { partition: 'debug', mem: '1G' });
  const plan = planHeader(file, new Map(), answersToOptions(passed));
  assert.deepEqual(plan.overrides, ['--partition=debug']);
  assert.deepEqual(plan.header, [{ option: 'mem', value: '1G' }]);
  assert.equal(describeFileOverrides(plan.overrides, file), '--partition=debug (overrides #SBATCH --partition=nosuch)');
  assert.equal(describeFileOverrides(['--dependency=afterok:12'], file), '--dependency=afterok:12');
});

test('an emptied field the file sets is not an answer: the directive stays', () => {
  const file = fileOf('#!/bin/bash\n#SBATCH --mem=2G\n');
  assert.deepEqual(answersToPass(file, { mem: undefined, time: '' }), {});
});
