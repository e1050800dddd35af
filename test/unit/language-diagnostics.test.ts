// #SBATCH language help, VS Code-free parts: diagnostics (with and without cluster facts),
// completion sites, hover targets, and the option table itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSinfo } from '../../src/slurm/sinfo';
import { completionSite, diagnoseScript, directiveAt } from '../../src/language/sbatchDiagnostics';
import { SBATCH_OPTIONS, optionByLong, optionByShort, optionSignature } from '../../src/slurm/sbatchOptions';

const cluster = parseSinfo(readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05/sinfo.txt'), 'utf8'));
const codes = (text: string, withCluster = false) => diagnoseScript(text, withCluster ? cluster : undefined).map((d) => d.code);

test('malformed --time and --mem, non-numeric counts, bad node ranges', () => {
  assert.deepEqual(codes('#SBATCH --time=1h --mem=4GiB -c two -N 1-x oops\n'), ['notAnOption', 'badTime', 'badMemory', 'badCount', 'badNodes']);
  assert.deepEqual(codes('#SBATCH --time=1-12:00 --mem=4G -c 2 -N 1-2\n'), []);
});

test('unknown option and directive after the first command', () => {
  assert.deepEqual(codes('#SBATCH --colour=red\necho\n#SBATCH -t 5\n'), ['unknownOption', 'afterFirstCommand']);
});

test('with cluster facts: unknown partition, too many GPUs for the partition (default partition too)', () => {
  assert.deepEqual(codes('#SBATCH -p nope\n', true), ['unknownPartition']);
  assert.deepEqual(codes('#SBATCH -p gpu --gres=gpu:3\n', true), ['tooManyGpus']);
  assert.deepEqual(codes('#SBATCH -p gpu --gres=gpu:2\n', true), []);
  const d = diagnoseScript('#SBATCH -p gpu --gres=gpu:3\n', cluster).find((x) => x.code === 'tooManyGpus')!;
  assert.deepEqual([d.line, d.start, d.end], [0, 22, 27]);
  assert.match(d.message, /at most 2/);
});

test('plugin options are flagged as information', () => {
  assert.deepEqual(diagnoseScript('#SBATCH --container-image=x\n').map((d) => [d.code, d.severity]), [['pluginOption', 'info']]);
});

test('completion sites: option names and values', () => {
  assert.deepEqual(completionSite('#SBATCH --par', 13), { kind: 'option', prefix: '--par' });
  assert.deepEqual(completionSite('#SBATCH ', 8), { kind: 'option', prefix: '' });
  assert.deepEqual(completionSite('#SBATCH --partition=g', 21), { kind: 'value', option: 'partition', prefix: 'g' });
  assert.deepEqual(completionSite('#SBATCH --gres ', 15), { kind: 'value', option: 'gres', prefix: '' });
  assert.equal(completionSite('echo --par', 10), undefined);
  assert.equal(completionSite('#SBATCH -t 5 # note --p', 23), undefined);
});

test('hover finds the directive under the cursor', () => {
  assert.equal(directiveAt('#SBATCH -J x --time=5\n', 0, 16)?.option, 'time');
  assert.equal(directiveAt('#SBATCH -J x --time=5\n', 0, 9)?.option, 'job-name');
  assert.equal(directiveAt('#SBATCH -J x --time=5\n', 0, 2), undefined);
});

test('the option table: unique names and letters, every short option of the issue, docs everywhere', () => {
  assert.equal(new Set(SBATCH_OPTIONS.map((o) => o.long)).size, SBATCH_OPTIONS.length);
  const shorts = SBATCH_OPTIONS.filter((o) => o.short).map((o) => o.short);
  assert.equal(new Set(shorts).size, shorts.length);
  for (const [s, long] of [['J', 'job-name'], ['N', 'nodes'], ['n', 'ntasks'], ['c', 'cpus-per-task'], ['p', 'partition'], ['t', 'time'], ['o', 'output'], ['e', 'error'], ['a', 'array'], ['G', 'gpus']]) {
    assert.equal(optionByShort(s)?.long, long);
  }
  assert.ok(SBATCH_OPTIONS.every((o) => o.doc.length > 10));
  assert.equal(optionByLong('job').option?.long, 'job-name');
  assert.equal(optionSignature(optionByLong('time').option!), '--time=<time>, -t');
});

test('each component of a heterogeneous job is checked against its own partition', () => {
  assert.deepEqual(codes('#SBATCH -p gpu --gres=gpu:2\n#SBATCH hetjob\n#SBATCH -p debug -n 2\n', true), []);
  const d = diagnoseScript('#SBATCH -p debug\n#SBATCH hetjob\n#SBATCH -p gpu --gres=gpu:3\n', cluster);
  assert.deepEqual(d.map((x) => [x.code, x.line]), [['tooManyGpus', 2]]);
});
