// sbatch's input variables seen in the login environment: a real shell (the local transport) with
// SBATCH_* set as a .bashrc would, and without any.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSbatchEnvironment, runCall, sbatchEnvironmentCall } from '../../src/slurm';
import { LocalTransport } from '../../src/transport/localTransport';
import { Logger } from '../../src/core/logger';

describe('sbatch environment of the login', () => {
  const home = mkdtempSync(join(tmpdir(), 'swb-ctx-'));
  it('lists the SBATCH_* variables the login sets, with their values, and nothing else', async () => {
    const t = new LocalTransport({ home, logger: new Logger(), prelude: "export SBATCH_ACCOUNT='proj x'; export SBATCH_PARTITION=gpu; export SQUEUE_FORMAT=%i" });
    try {
      const vars = await runCall(t, sbatchEnvironmentCall());
      assert.deepEqual(vars, { SBATCH_ACCOUNT: 'proj x', SBATCH_PARTITION: 'gpu' });
      assert.equal(describeSbatchEnvironment(vars), 'SBATCH_ACCOUNT=proj x, SBATCH_PARTITION=gpu');
    } finally {
      t.dispose();
    }
  });
  it('is an empty answer (not an error) when none is set', async () => {
    const t = new LocalTransport({ home, logger: new Logger(), prelude: 'for v in $(env | sed -n "s/^\\(SBATCH_[A-Z0-9_]*\\)=.*/\\1/p"); do unset "$v"; done' });
    try {
      assert.deepEqual(await runCall(t, sbatchEnvironmentCall()), {});
      assert.equal(describeSbatchEnvironment(undefined), '');
    } finally {
      t.dispose();
    }
  });
});
