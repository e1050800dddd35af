// A submission sbatch refuses on the real bundled cluster (--gres=gpu:9 on 2-GPU nodes), through the
// product's submitRemote over the real sshd: Slurm still records it as a FAILED job (the raw tracker
// sees that record), but the session's job list — what the Jobs view shows — has no FAILED row for
// it after a poll (session/refusedSubmission.ts). Only our own records are looked at.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Transport } from '../../src/transport/types';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession, type ClusterSnapshot } from '../../src/session/clusterSession';
import { JobTracker, transportRunner } from '../../src/session/jobTracker';
import { clusterContext } from '../../src/session/slurmJobLister';
import { loadTemplates } from '../../src/templates/templateStore';
import { composeJob } from '../../src/submit/compose';
import { SbatchRefusedError, submitRemote } from '../../src/submit/remoteSubmit';
import { readBed, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { until } from './logs-support';

let bed: Bed;
let transport: Transport;
const remoteRoot = `~/.swb-refused-it-${randomBytes(4).toString('hex')}`;
const label = `refused-${randomBytes(3).toString('hex')}`;

before(() => {
  bed = readBed();
  transport = bedTransport(bed, 'bundled', { defaultTimeoutMs: 60_000 });
});

after(async () => {
  await sshRun(`rm -rf ${remoteRoot}`, { bed });
  transport?.dispose();
});

test('--gres=gpu:9 is refused by sbatch; Slurm records a FAILED job, which the session\'s job list leaves out', async () => {
  const templates = (await loadTemplates({ builtinDir: path.resolve(__dirname, '../../templates'), trusted: true })).templates;
  const template = templates.find((t) => t.id === 'default')!;
  const job = await composeJob({ fileName: 'gpu9.sh', text: '#!/bin/bash\n#SBATCH --gres=gpu:9\nhostname\n', languageId: 'shellscript', template, answers: {} });
  const err = await submitRemote(transport, { remoteRoot, files: job.files, scriptName: job.scriptName, label }, { timeoutMs: 60_000 }).then(
    () => assert.fail('sbatch accepted 9 GPUs on 2-GPU nodes'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SbatchRefusedError, String(err));

  // Slurm's own record of the refusal: its submit line carries our unique job folder.
  let refusedId = '';
  await until(async () => {
    const r = await sshRun(`sacct -X -n -P -S now-30minutes -o JobID,State,NodeList,SubmitLine | grep -F -- ${JSON.stringify(label)} || true`, { bed });
    const line = r.stdout.trim().split('\n').find(Boolean);
    if (line) {
      const [id, state, nodes] = line.split('|');
      assert.deepEqual([state, nodes], ['FAILED', 'None assigned'], line);
      refusedId = id;
    }
    return refusedId !== '';
  }, 30_000, 'the refused submission in sacct');

  // Without the rule, the job list would have it: the tracker's raw poll (history window) does.
  const opts = { timeoutMs: 60_000 };
  const raw = await new JobTracker().poll(transportRunner(transport, () => clusterContext(transport, opts), opts), 'manual');
  assert.equal(raw.jobs.find((j) => j.id === refusedId)?.state, 'FAILED', 'the raw poll lists the refused submission as FAILED');

  const session = new ClusterSession('bundled', bedTransport(bed, 'bundled'), { timing: { ...DEFAULT_TIMING, intervalMs: 1000 }, commandTimeoutMs: 60_000 });
  try {
    const polled = new Promise<ClusterSnapshot>((resolve) => {
      const sub = session.onDidChange(({ snapshot }) => {
        if (!snapshot.loading && snapshot.lastUpdated !== undefined) { sub.dispose(); resolve(snapshot); }
      });
    });
    session.start();
    const snap = await polled;
    assert.equal(snap.error, undefined);
    assert.ok(snap.jobs.length > 0, 'the session lists the user\'s jobs');
    assert.equal(snap.jobs.find((j) => j.id === refusedId), undefined, `job ${refusedId} (refused) is in the session's list`);
  } finally {
    session.dispose();
  }
});
