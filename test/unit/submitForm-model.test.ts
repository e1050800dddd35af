// The "Submit with Options…" form's fields (src/submit/submitFormModel.ts): prefilled text, errors
// as sbatch would refuse, "overrides #SBATCH" exactly when a value differs from the file (the rule of
// oneClick.answersToPass), limit warnings beside the field at fault, sinfo's partitions as
// suggestions — on the bundled cluster's recorded sinfo (22.05: debug = node[1-4] 4 CPUs / 4000 MB,
// gpu = node[3-4] with 2 GPUs each, MaxTime 1:00:00).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSinfo } from '../../src/slurm/sinfo';
import { buildClusterResources } from '../../src/resources/model';
import { effectiveDirectives, parseScript } from '../../src/submit/directives';
import { describeFileOverrides } from '../../src/submit/oneClick';
import {
  fieldError, fieldNotes, fieldWarnings, formAnswers, formErrors, formRawAnswers, formValuesFrom, partitionChoices, passedAnswers, reprefill, type FormValues,
} from '../../src/submit/submitFormModel';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05', name), 'utf8');
const resources = buildClusterResources('bundled', parseSinfo(fixture('resources/sinfo-busy.txt')), [], 0);
const fileOf = (text: string) => effectiveDirectives(parseScript(text).directives);
const nosuch = fileOf('#!/bin/bash\n#SBATCH --job-name=mine\n#SBATCH --partition=nosuch\n#SBATCH --time=00:01:00\nhostname\n');
const values = (v: Partial<FormValues>): FormValues => ({ ...formValuesFrom({}), ...v });

test('prefill becomes the inputs\' text; missing fields are empty', () => {
  assert.deepEqual(formValuesFrom({ partition: 'debug', cpusPerTask: 4, gpus: 0, containerImage: 'x' }), { partition: 'debug', time: '', cpusPerTask: '4', mem: '', gpus: '0', jobName: '' });
});

test('errors as sbatch would refuse the value; empty is fine; answers leave out what has an error', () => {
  assert.equal(fieldError('time', ''), undefined);
  assert.equal(fieldError('time', '1:00:00'), undefined);
  assert.match(fieldError('time', 'soon') ?? '', /^Time as minutes/);
  assert.equal(fieldError('cpusPerTask', '0'), 'At least 1 CPU');
  assert.match(fieldError('partition', 'a b') ?? '', /no spaces/);
  assert.deepEqual(Object.keys(formErrors(values({ time: 'soon', mem: 'lots', gpus: '1' }))), ['time', 'mem']);
  assert.deepEqual(formAnswers(values({ time: 'soon', gpus: ' 2 ', jobName: ' x ' })), { gpus: 2, jobName: 'x' });
  assert.deepEqual(formRawAnswers(values({ time: ' 5 ' })), { partition: undefined, time: '5', cpusPerTask: undefined, mem: undefined, gpus: undefined, jobName: undefined });
});

test('only what differs from the file is passed, and named as what it overrides', () => {
  const same = values({ partition: 'nosuch', time: '00:01:00', jobName: 'mine' });
  assert.deepEqual(passedAnswers(same, nosuch), {});
  assert.deepEqual(fieldNotes(same, nosuch), {
    partition: 'as the file says (#SBATCH --partition=nosuch)',
    time: 'as the file says (#SBATCH --time=00:01:00)',
    jobName: 'as the file says (#SBATCH --job-name=mine)',
  });
  const changed = values({ partition: 'debug', time: '', jobName: 'mine', mem: '1G' });
  assert.deepEqual(passedAnswers(changed, nosuch), { partition: 'debug', mem: '1G' });
  const notes = fieldNotes(changed, nosuch);
  // The same words as the Preview command and the submitted toast (describeFileOverrides).
  assert.equal(notes.partition, describeFileOverrides(['--partition=debug'], nosuch));
  assert.equal(notes.partition, '--partition=debug (overrides #SBATCH --partition=nosuch)');
  assert.equal(notes.time, 'empty: #SBATCH --time=00:01:00 stays');
  assert.equal(notes.mem, 'adds #SBATCH --mem=1G');
  assert.equal(notes.cpusPerTask, undefined, 'nothing to say about an empty field the file does not set');
});

test('GPUs: --gres=gpu:a100:2 read as 2 is no change; 3 overrides the file\'s --gres or --gpus', () => {
  const gres = fileOf('#SBATCH --gres=gpu:a100:2\n');
  assert.deepEqual(passedAnswers(values({ gpus: '2' }), gres), {});
  assert.equal(fieldNotes(values({ gpus: '3' }), gres).gpus, '--gres=gpu:3 (overrides #SBATCH --gres=gpu:a100:2)');
  assert.equal(fieldNotes(values({ gpus: '3' }), fileOf('#SBATCH --gpus=2\n')).gpus, '--gres=gpu:3 (overrides #SBATCH --gpus=2)');
});

test('limit warnings beside the field at fault, with the file\'s directives under the answers', () => {
  assert.deepEqual(fieldWarnings(values({ partition: 'debug', time: '30', cpusPerTask: '2' }), new Map(), resources), {});
  const w = fieldWarnings(values({ partition: 'gpu', time: '2:00:00', gpus: '3', cpusPerTask: '8', mem: '8G' }), new Map(), resources);
  assert.deepEqual(Object.keys(w).sort(), ['cpusPerTask', 'gpus', 'mem', 'time']);
  assert.match(w.time ?? '', /above partition "gpu"'s maximum of 1:00:00/);
  assert.match(w.gpus ?? '', /^3 GPUs per node, but the nodes of partition "gpu" have at most 2/);
  // The file's own partition is checked while the field keeps it.
  assert.match(fieldWarnings(values({ partition: 'nosuch' }), nosuch, resources).partition ?? '', /Partition "nosuch" is not among the partitions of bundled \(debug, gpu\)/);
  // A file time above the maximum is blamed on the time field even when the field is empty.
  assert.match(fieldWarnings(values({ partition: 'debug' }), fileOf('#SBATCH --time=3:00:00\n'), resources).time ?? '', /above partition "debug"/);
  assert.deepEqual(fieldWarnings(values({ time: '9:00:00' }), new Map(), undefined), {}, 'no figures, no warnings');
});

test('partition suggestions from sinfo: default, free CPUs and GPUs, max time', () => {
  assert.deepEqual(partitionChoices(resources), [
    { name: 'debug', detail: `default · ${resources.partitions[0].cpus.free}/16 CPUs free · ${resources.partitions[0].gpus.free}/4 GPUs free · max 1:00:00` },
    { name: 'gpu', detail: `${resources.partitions[1].cpus.free}/8 CPUs free · ${resources.partitions[1].gpus.free}/4 GPUs free · max 1:00:00` },
  ]);
  assert.deepEqual(partitionChoices(undefined), []);
});

test('another template re-prefills only the fields still showing the old prefill', () => {
  const oldPrefill = values({ time: '00:10:00', jobName: 'mine' });
  const newPrefill = values({ time: '00:30:00', gpus: '1', jobName: 'mine' });
  assert.deepEqual(reprefill(values({ time: '00:10:00', jobName: 'typed' }), oldPrefill, newPrefill), values({ time: '00:30:00', gpus: '1', jobName: 'typed' }));
});
