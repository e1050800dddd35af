// sbatch refusals recorded from the bundled 22.05 cluster, explained; --test-only output parsed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSinfo } from '../../src/slurm/sinfo';
import { explainSbatchError } from '../../src/submit/sbatchErrors';
import { jobFolderName, parseTestOnly } from '../../src/submit/remoteSubmit';

const cluster = parseSinfo(readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05/sinfo.txt'), 'utf8'));

test('too many GPUs on the gpu partition (nodes have 2)', () => {
  const e = explainSbatchError('sbatch: error: Batch job submission failed: Requested node configuration is not available', { options: new Map([['partition', 'gpu'], ['gres', 'gpu:3']]), ...cluster });
  assert.equal(e?.cause, 'tooManyGpus');
  assert.match(e!.summary, /3 requested.*at most 2/);
  assert.equal(e!.option, 'gres');
});

test('bad partition lists the real ones; malformed time and memory; unknown option; busy controller', () => {
  const p = explainSbatchError('sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified', cluster);
  assert.equal(p?.cause, 'badPartition');
  assert.match(p!.summary, /"nope"/);
  assert.match(p!.hint, /debug, gpu|gpu, debug/);
  assert.equal(explainSbatchError('sbatch: error: Invalid --time specification')?.cause, 'badTime');
  assert.equal(explainSbatchError('sbatch: error: Invalid --mem specification')?.cause, 'badMemory');
  assert.equal(explainSbatchError("sbatch: unrecognized option '--bogus'\nTry \"sbatch --help\" for more information")?.cause, 'unknownOption');
  assert.equal(explainSbatchError('allocation failure: Resource temporarily unavailable')?.cause, 'busy');
  assert.equal(explainSbatchError('something new'), undefined);
});

test('--test-only: estimated start, nodes, partition', () => {
  const r = parseTestOnly('', 'sbatch: Job 30681 to start at 2025-01-20T15:30:12 using 1 processors on nodes node1 in partition debug\n');
  assert.deepEqual(r, { message: 'sbatch: Job 30681 to start at 2025-01-20T15:30:12 using 1 processors on nodes node1 in partition debug', start: '2025-01-20T15:30:12', nodes: 'node1', partition: 'debug' });
});

test('job folder names: sortable stamp, random part, a safe label', () => {
  assert.equal(jobFolderName(`it's $(x) ü`, new Date('2025-01-20T15:30:12Z'), 'abc123'), '20250120-153012-abc123-it_s_x_u');
  assert.equal(jobFolderName(undefined, new Date('2025-01-20T15:30:12Z'), 'abc123'), '20250120-153012-abc123');
});
