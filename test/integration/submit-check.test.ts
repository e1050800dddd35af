// "Check" (`sbatch --test-only`) against every bundled cluster through the real ssh2 transport: a
// job sbatch would take comes back with its estimated start, processors, nodes and partition; a
// refused one (a partition that does not exist, 3 GPUs on 2-GPU nodes) gives sbatch's own message;
// and either way the uploaded folder is gone afterwards. Nothing is submitted, so no job to clean up.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Transport } from '../../src/transport/types';
import { checkRemote, SbatchRefusedError, type SubmitRequest, type TestOnlyResult } from '../../src/submit/remoteSubmit';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';

for (const bed of readBeds()) {
  describe(bedLabel(bed), () => checkTests(bed));
}

const TRANSIENT = /Resource temporarily unavailable/i;

/**
 * slurmctld answers "Resource temporarily unavailable" (EAGAIN) when it is too busy to schedule a
 * test-only request — seen while another suite had 10,000 held jobs queued. That is queue state, not
 * the answer under test: retry that one message a few times with a short delay; any other outcome
 * (success or a real refusal) is returned at once.
 */
async function checkSettled(transport: Transport, req: SubmitRequest): Promise<TestOnlyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await checkRemote(transport, req, { timeoutMs: 120_000 });
    } catch (err) {
      if (attempt >= 5 || !(err instanceof SbatchRefusedError) || !TRANSIENT.test(err.sbatchMessage)) throw err;
      await new Promise((r) => setTimeout(r, 2000 * attempt));
    }
  }
}

function checkTests(bed: Bed): void {
  let transport: Transport;
  // Our own remote root, so "nothing left behind" is checked on a folder no one else writes to.
  const remoteRoot = `~/.swb-check-it-${randomBytes(4).toString('hex')}`;
  const script = (body: string) => [{ name: 'check me.sh', content: `#!/bin/bash\n${body}\nhostname\n` }];
  const leftovers = async () => (await sshRun(`ls -A ${remoteRoot}/jobs 2>/dev/null || true`, { bed })).stdout.trim();

  before(() => {
    transport = bedTransport(bed, 'bundled', { defaultTimeoutMs: 60_000 });
  });

  after(async () => {
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    transport?.dispose();
  });

  test('a job sbatch would take: estimated start, processors, nodes and partition; no job, no file left', async () => {
    const oursBefore = (await sshRun('squeue -h -u "$USER" -o %i', { bed })).stdout.trim().split('\n').filter(Boolean);
    const result = await checkSettled(transport, {
      remoteRoot,
      files: script('#SBATCH -J "check me" -t 5 -c 2'),
      scriptName: 'check me.sh',
      sbatchArgs: ['--partition=debug'],
      label: 'check',
    });
    assert.match(result.message, /^sbatch: Job \d+ to start at \S+ using \d+ processors on nodes \S+ in partition debug$/);
    const processors = Number(/using (\d+) processors/.exec(result.message)?.[1]);
    assert.ok(processors >= 2, `-c 2 asks for at least 2 processors, got ${processors}`);
    assert.match(result.start ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.ok(!Number.isNaN(new Date(result.start ?? '').getTime()));
    assert.match(result.nodes ?? '', /^node(?:\d+|\[[\d,-]+\])$/);
    assert.equal(result.partition, 'debug');
    assert.equal(await leftovers(), '');
    // --test-only queues nothing: the job id it names never shows up as ours.
    const jobId = /Job (\d+)/.exec(result.message)?.[1];
    const now = (await sshRun('squeue -h -u "$USER" -o %i', { bed })).stdout.trim().split('\n').filter(Boolean);
    assert.ok(!now.includes(jobId ?? '') || oursBefore.includes(jobId ?? ''), `job ${jobId} was queued by a check`);
  });

  test("a partition that does not exist: sbatch's message, the cause named, no file left", async () => {
    await assert.rejects(
      checkSettled(transport, { remoteRoot, files: script('#SBATCH -t 5'), scriptName: 'check me.sh', sbatchArgs: ['--partition=nope'], label: 'check' }),
      (err: unknown) => {
        assert.ok(err instanceof SbatchRefusedError, String(err));
        assert.match(err.sbatchMessage, /invalid partition specified: nope/);
        assert.match(err.sbatchMessage, /Invalid partition name specified/);
        assert.equal(err.explanation?.cause, 'badPartition');
        return true;
      },
    );
    assert.equal(await leftovers(), '');
  });

  test('3 GPUs on 2-GPU nodes: refused with "Requested node configuration is not available", no file left', async () => {
    await assert.rejects(
      checkSettled(transport, { remoteRoot, files: script('#SBATCH -p gpu --gres=gpu:3 -t 5'), scriptName: 'check me.sh', label: 'check' }),
      (err: unknown) => {
        assert.ok(err instanceof SbatchRefusedError, String(err));
        assert.match(err.sbatchMessage, /Requested node configuration is not available/);
        return true;
      },
    );
    assert.equal(await leftovers(), '');
  });
}
