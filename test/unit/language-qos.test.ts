// #SBATCH --qos= / -q values: where a value is being typed (long and short options), and the
// completion items built from the QOS recorded on the bundled cluster (test/fixtures/*/qos.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { completionSite } from '../../src/language/sbatchDiagnostics';
import { qosCompletions } from '../../src/language/qosCompletion';
import { parseQos } from '../../src/slurm/qos';

const at = (line: string) => completionSite(line, line.length);

test('a value is being typed after --qos=, --qos and -q (also attached, as getopt reads -qnormal)', () => {
  assert.deepEqual(at('#SBATCH --qos='), { kind: 'value', option: 'qos', prefix: '' });
  assert.deepEqual(at('#SBATCH --qos no'), { kind: 'value', option: 'qos', prefix: 'no' });
  assert.deepEqual(at('#SBATCH -q '), { kind: 'value', option: 'qos', prefix: '' });
  assert.deepEqual(at('#SBATCH -p gpu -q no'), { kind: 'value', option: 'qos', prefix: 'no' });
  assert.deepEqual(at('#SBATCH -qno'), { kind: 'value', option: 'qos', prefix: 'no' });
  // The other short options with a value get theirs the same way.
  assert.deepEqual(at('#SBATCH -p '), { kind: 'value', option: 'partition', prefix: '' });
});

test('short options still complete as options where no value is due', () => {
  assert.deepEqual(at('#SBATCH -q'), { kind: 'option', prefix: '-q' });
  assert.deepEqual(at('#SBATCH -H '), { kind: 'option', prefix: '' }, '-H takes no value');
  assert.deepEqual(at('#SBATCH -t 5 -'), { kind: 'option', prefix: '-' });
  assert.equal(at('#SBATCH -t 5 # -q '), undefined, 'inside a comment');
});

test('QOS items: the name, the limits a user meets and the description', () => {
  const items = qosCompletions(parseQos(readFileSync(path.resolve(__dirname, '../fixtures/slurm-22.05/qos.txt'), 'utf8')));
  assert.deepEqual(items, [
    { label: 'normal', detail: 'Normal QOS default', documentation: 'Normal QOS default' },
    {
      label: 'swb_h2_long',
      detail: 'max 2-00:00:00 · 4 running jobs/user · 20 queued jobs/user · cpu=8,gres/gpu=2 per user — long | batch jobs',
      documentation: 'long | batch jobs\n\nLongest time limit: 2-00:00:00.\n\nFlags: DenyOnLimit.\n\nPriority: 10.',
    },
  ]);
  assert.deepEqual(qosCompletions([{ name: 'bare', priority: 0 }]), [{ label: 'bare' }]);
});
