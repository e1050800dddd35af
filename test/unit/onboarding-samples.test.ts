// The shipped sample scripts and copying them into a workspace: nothing a user wrote is overwritten.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { candidateNames, copySample, describe, listSamples } from '../../src/onboarding/samples';
import { parseScript } from '../../src/submit/directives';

const samplesDir = path.resolve(__dirname, '../../media/samples');

test('the samples ship hello.sbatch first, each with a description and #SBATCH directives', async () => {
  const samples = await listSamples(samplesDir);
  assert.deepEqual(samples.map((s) => s.name), ['hello.sbatch', 'diamond.slurm.yaml', 'gpu.sbatch', 'train.py']);
  // The workflow sample has no #SBATCH lines: its resources are YAML (test/unit/workflow-*.test.ts).
  for (const s of samples.filter((x) => !x.name.endsWith('.slurm.yaml'))) {
    assert.ok(s.description.length > 10, `${s.name} has no description comment`);
    const directives = parseScript(readFileSync(path.join(samplesDir, s.name), 'utf8')).directives;
    assert.ok(directives.length >= 2, `${s.name} has no #SBATCH directives`);
  }
});

test('describe takes the first comment after the shebang and skips #SBATCH lines', () => {
  assert.equal(describe('#!/bin/bash\n#SBATCH -p x\n# Does a thing:\necho'), 'Does a thing');
  assert.equal(describe('echo no comment'), '');
});

test('candidate names keep the extension', () => {
  assert.deepEqual(candidateNames('hello.sbatch', 3), ['hello.sbatch', 'hello-2.sbatch', 'hello-3.sbatch']);
  assert.deepEqual(candidateNames('README', 2), ['README', 'README-2']);
});

test('copySample creates, then reuses an identical copy, and never overwrites a different file', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sw-samples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const original = readFileSync(path.join(samplesDir, 'hello.sbatch'), 'utf8');

  const first = await copySample(samplesDir, 'hello.sbatch', dir);
  assert.deepEqual(first, { file: path.join(dir, 'hello.sbatch'), action: 'create' });
  assert.equal(readFileSync(first.file, 'utf8'), original);
  assert.ok(statSync(first.file).mode & 0o100, 'a batch script copy is executable');

  assert.deepEqual(await copySample(samplesDir, 'hello.sbatch', dir), { ...first, action: 'reuse' });

  writeFileSync(first.file, '#!/bin/bash\necho my own work\n');
  const second = await copySample(samplesDir, 'hello.sbatch', dir);
  assert.deepEqual(second, { file: path.join(dir, 'hello-2.sbatch'), action: 'create' });
  assert.equal(readFileSync(first.file, 'utf8'), '#!/bin/bash\necho my own work\n', 'the user file is untouched');
  assert.equal(readFileSync(second.file, 'utf8'), original);
});

test('copySample refuses names that could leave the samples folder', async () => {
  await assert.rejects(copySample(samplesDir, '../package.json', tmpdir()), /not the name of a sample/);
  await assert.rejects(copySample(samplesDir, '.hidden', tmpdir()), /not the name of a sample/);
});
