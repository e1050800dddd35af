// sbatch's answer lost for real, on the real cluster over the real ssh2 transport: the transport's
// own timeout fires while sbatch still runs. Nothing about Slurm is faked:
// - accepted: `sbatch --wait` queues the job, then waits for it to end, so the timeout fires after
//   the job exists; submitRemote must find it by its marker and keep its folder;
// - never queued: `--export-file=<fifo>` with no writer makes sbatch block opening the file before
//   it contacts slurmctld; the timeout kills it, the lookup finds nothing, the folder is kept.
// Only our own jobs are looked at and cancelled.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Transport } from '../../src/transport/types';
import { submitRemote } from '../../src/submit/remoteSubmit';
import { SubmitOutcomeUnknownError } from '../../src/submit/sbatchOutcome';
import { readBed, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';

let bed: Bed;
let transport: Transport;
const submitted: number[] = [];
const rootName = `.swb-outcome-it-${randomBytes(4).toString('hex')}`;
const remoteRoot = `~/${rootName}`;
// Long enough for the upload over the local sshd on a busy machine, far shorter than the jobs.
const sbatchTimeoutMs = 8_000;

before(() => {
  bed = readBed();
  transport = bedTransport(bed, 'bundled');
});

after(async () => {
  if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  await sshRun(`rm -rf ${remoteRoot}`, { bed });
  transport?.dispose();
});

const script = (seconds: number) => ({ name: 'run.sh', content: `#!/bin/bash\nsleep ${seconds}\n` });

/** `[:]` keeps the pattern from matching the shell that runs pgrep. */
async function processesWith(marker: string): Promise<string> {
  const pattern = marker.replace(':', '[:]');
  return (await sshRun(`pgrep -u ${bed.user} -f '${pattern}' || true`, { bed })).stdout.trim();
}

test('sbatch accepted the job but its answer was lost: the job is found by its marker, its folder kept', async () => {
  const started = Date.now();
  const result = await submitRemote(transport, { remoteRoot, files: [script(120)], scriptName: 'run.sh', label: 'lost-answer', sbatchArgs: ['--wait', '--time=3'] }, { timeoutMs: sbatchTimeoutMs });
  submitted.push(result.jobId);
  assert.ok(Date.now() - started >= sbatchTimeoutMs, 'the answer came only after the transport timed out');
  assert.ok(result.marker?.startsWith('swb:'), `marker: ${result.marker}`);
  assert.match(result.recovered ?? '', new RegExp(`did not finish within .*squeue shows the job was accepted as ${result.jobId} \\(found by its marker ${result.marker}\\)`));
  const show = await sshRun(`scontrol show job ${result.jobId}`, { bed });
  assert.match(show.stdout, new RegExp(`Comment=${result.marker}\\b`));
  assert.match(show.stdout, /JobState=(PENDING|RUNNING)/, 'killing the waiting sbatch did not cancel the job');
  assert.ok(show.stdout.includes(`WorkDir=${result.remoteDir}`), show.stdout);
  const folder = await transport.stat(result.remoteDir);
  assert.equal(folder?.isDirectory, true, 'the job folder is kept');
  assert.ok(await transport.stat(result.scriptPath), 'the script is still there');
});

test('sbatch never queued the job before the timeout: nothing found, nothing runs, the folder is kept', async () => {
  const fifo = posix.join(bed.home, rootName, 'env.fifo');
  await sshRun(`mkdir -p ${remoteRoot} && mkfifo ${fifo}`, { bed });
  const err = await submitRemote(transport, { remoteRoot, files: [script(5)], scriptName: 'run.sh', label: 'never-queued', sbatchArgs: [`--export-file=${fifo}`] }, { timeoutMs: sbatchTimeoutMs }).then(
    (r) => {
      submitted.push(r.jobId);
      assert.fail(`sbatch blocked on a fifo yet job ${r.jobId} was reported`);
    },
    (e: unknown) => e,
  );
  assert.ok(err instanceof SubmitOutcomeUnknownError, String(err));
  assert.equal(err.lookup.found, undefined);
  assert.ok('accounting' in err.lookup && err.lookup.accounting, `squeue and sacct were asked: ${JSON.stringify(err.lookup)}`);
  const marker = err.identity.marker!;
  assert.match(err.message, new RegExp(`did not finish within .* No job with the marker ${marker} is in squeue or sacct, so nothing was queued and nothing runs\\. The job folder ${err.remoteDir} is kept for you\\.`));
  assert.equal((await transport.stat(err.remoteDir))?.isDirectory, true, 'the job folder is kept');
  // The blocked sbatch is gone (the transport's kill or the lookup's own stop), so nothing can be queued later.
  assert.equal(await processesWith(marker), '', 'no sbatch with the marker is left running');
  const queue = await sshRun(`squeue --me --states=all --noheader -O Comment`, { bed });
  assert.ok(!queue.stdout.includes(marker), queue.stdout);
});
