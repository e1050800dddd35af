// The bundled clusters themselves, end to end through the real sshd, once per Slurm version the
// bed runs (22.05, and 24.11 when `.devcontainer/cluster/up-24.11.sh` brought it up; SLURM_WB_BEDS
// chooses): logins (key, password, via the bastion), a batch job from sbatch through squeue to
// COMPLETED in sacct, and a fake-GPU job. Needs `npm run cluster:up`.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { bedLabel, readBeds, selectedBedVersions, sshRun, type Bed, type SshResult } from './bed';

function ok(result: SshResult, what: string): string {
  assert.equal(result.code, 0, `${what} failed with exit code ${result.code}: ${result.stderr}`);
  return result.stdout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('SLURM_WB_BEDS chooses the beds, and one that is asked for but not up is an error', () => {
  assert.deepEqual(selectedBedVersions({ SLURM_WB_BEDS: '24.11, 22.05,24.11' }), ['24.11', '22.05']);
  assert.ok(selectedBedVersions({}).includes('22.05'), 'without SLURM_WB_BEDS, 22.05 is always run');
  assert.throws(() => selectedBedVersions({ SLURM_WB_BEDS: '21.08' }), /known: 22\.05, 24\.11/);
});

for (const bed of readBeds()) {
  describe(bedLabel(bed), () => clusterTests(bed));
}

function clusterTests(bed: Bed): void {
  // Every job of this suite writes under one remote folder, removed at the end.
  const workDir = `bed-tests/cluster-${process.pid}-${Date.now()}`;
  const run = (command: string, opts: Parameters<typeof sshRun>[1] = {}) => sshRun(command, { ...opts, bed: opts.bed ?? bed });

  after(async () => {
    await run(`rm -rf ~/${workDir}`);
  });

  test('key login reaches the login node as the test user', async () => {
    const out = ok(await run('id -un; echo "$HOME"'), 'ssh with the key');
    assert.deepEqual(out.trim().split('\n'), [bed.user, bed.home]);
  });

  test('the login node runs the Slurm version the bed describes', async () => {
    // Debian's packages print "slurm-wlm <version>".
    const out = ok(await run('sinfo --version; sacctmgr -n -P show cluster format=cluster'), 'sinfo --version');
    assert.deepEqual(out.trim().split('\n'), [`slurm-wlm ${bed.slurmVersion}`, bed.clusterName]);
  });

  test('password login works, and a wrong password is refused', async () => {
    const out = ok(await run('id -un', { auth: 'password' }), 'ssh with the password');
    assert.equal(out.trim(), bed.user);
    const wrong = await run('id -un', { auth: 'password', bed: { ...bed, password: 'not-the-password' } });
    assert.notEqual(wrong.code, 0, 'a wrong password must not log in');
    assert.equal(wrong.stdout, '');
  });

  test('the bastion forwards to the login node (ProxyJump path)', async () => {
    const out = ok(await run('id -un', { viaBastion: true }), 'ssh through the bastion');
    assert.equal(out.trim(), bed.user);
  });

  test('a batch job goes from sbatch through squeue to COMPLETED in sacct and writes its output', async () => {
    const name = `bed-${process.pid}`;
    const script = [
      '#!/bin/bash',
      `#SBATCH --job-name=${name}`,
      '#SBATCH --output=%x-%j.out',
      '#SBATCH --time=1',
      // Long enough to be seen in squeue after the next ssh round trip.
      'sleep 3',
      'echo "hello from job $SLURM_JOB_ID on $SLURMD_NODENAME"',
      '',
    ].join('\n');
    const submitted = ok(
      await run(`mkdir -p ~/${workDir} && cd ~/${workDir} && sbatch --parsable`, { input: script }),
      'sbatch',
    );
    const jobId = submitted.trim().split(';')[0];
    assert.match(jobId, /^\d+$/, `sbatch --parsable printed ${JSON.stringify(submitted)}`);

    const queued = ok(await run(`squeue -h -j ${jobId} -o '%i|%j|%u|%T'`), 'squeue').trim();
    const [qId, qName, qUser, qState] = queued.split('|');
    assert.deepEqual([qId, qName, qUser], [jobId, name, bed.user], `squeue printed ${JSON.stringify(queued)}`);
    assert.match(qState, /^(PENDING|CONFIGURING|RUNNING|COMPLETING)$/);

    // sacct lags slurmctld by a second or two, and for a short job slurmdbd may first hold a stub
    // record (JobName "allocation", no partition) that is already COMPLETED: poll, bounded, until the
    // full record is there.
    let record = '';
    for (let attempt = 0; attempt < 60; attempt++) {
      record = ok(await run(`sacct -n -P -X -j ${jobId} -o JobID,JobName,User,Partition,State,ExitCode`), 'sacct').trim();
      const fields = record.split('|');
      if (fields[1] === name && fields[4] === 'COMPLETED') break;
      await sleep(1000);
    }
    const [aId, aName, aUser, aPartition, aState, aExit] = record.split('|');
    assert.deepEqual([aId, aName, aUser, aPartition, aState, aExit], [jobId, name, bed.user, 'debug', 'COMPLETED', '0:0']);

    const output = ok(await run(`cat ~/${workDir}/${name}-${jobId}.out`), 'reading the job output');
    assert.match(output.trim(), new RegExp(`^hello from job ${jobId} on (${bed.nodes.join('|')})$`));
  });

  test('a --gres=gpu:1 job in the gpu partition sees CUDA_VISIBLE_DEVICES', async () => {
    const out = ok(
      await run(
        `mkdir -p ~/${workDir} && cd ~/${workDir} && ` +
          `sbatch --parsable --wait -p gpu --gres=gpu:1 -t 1 -o gpu-%j.out ` +
          `--wrap 'echo "node=$SLURMD_NODENAME gpus=$CUDA_VISIBLE_DEVICES"' && cat gpu-*.out`,
        { timeoutMs: 90_000 },
      ),
      'sbatch --wait --gres=gpu:1',
    );
    const line = out.trim().split('\n').at(-1) ?? '';
    assert.match(line, /^node=node[34] gpus=[01]$/, `the gpu job printed ${JSON.stringify(out)}`);
  });
}
