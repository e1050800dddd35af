// Builders produce argv with every value as its own element, version choices come from one place,
// and runCall turns exit codes into typed errors carrying Slurm's stderr.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FIELD_SEP,
  RECORD_END,
  SlurmArgumentError,
  SlurmCommandError,
  SlurmParseError,
  parseSbatch,
  parseSlurmVersion,
  runCall,
  sacctArgv,
  sbatchArgv,
  scancelCall,
  scontrolActionCall,
  scontrolShowJobArgv,
  scontrolUpdateJobCall,
  squeueArgv,
  squeueCall,
  versionCall,
} from '../../src/slurm';
import type { Transport } from '../../src/transport/types';

const v2205 = parseSlurmVersion('slurm 22.05.8');
const v1905 = parseSlurmVersion('slurm 19.05.5');

describe('squeue argv', () => {
  it('--me on 22.05, --user on 19.05; unpadded separator-suffixed fields; env for full arrays and zoned times', () => {
    const a = squeueArgv({ version: v2205, user: 'alice' });
    assert.deepEqual(a.slice(0, 6), ['env', 'SLURM_BITSTR_LEN=0', 'SLURM_TIME_FORMAT=%Y-%m-%dT%H:%M:%S%z', 'squeue', '--noheader', '--me']);
    assert.equal(a[6], '--all', 'the user\'s own jobs in Hidden partitions too');
    const format = a[a.length - 1];
    assert.equal(a[a.length - 2], '-O');
    assert.match(format, new RegExp(`^JobID:${FIELD_SEP},ArrayJobID:${FIELD_SEP},`));
    assert.ok(format.endsWith(`Command:${RECORD_END}`));
    assert.ok(!/:\.?\d/.test(format), 'no field width anywhere: nothing is cut');
    const old = squeueArgv({ version: v1905, user: 'al ice' });
    assert.ok(old.includes('--user') && old[old.indexOf('--user') + 1] === 'al ice');
    assert.ok(!old.includes('--me'));
    const opts = squeueArgv({ version: v2205, user: 'a' }, { jobIds: ['1', '2_3', '4+0'], includeFinished: true, expandArrays: true });
    assert.ok(opts.includes('--jobs=1,2_3,4+0') && opts.includes('--states=all') && opts.includes('--array'));
    assert.throws(() => squeueArgv({ version: v2205, user: 'a' }, { jobIds: ['1;rm -rf ~'] }), SlurmArgumentError);
  });
});

describe('sacct, scontrol, scancel, sbatch argv', () => {
  it('sacct: one batched call, allocations, parsable2 with 0x1F', () => {
    const a = sacctArgv(['1', '2_3', '4_[5-7]']);
    assert.deepEqual(a.slice(0, 6), ['sacct', '--allocations', '--noheader', '--parsable2', `--delimiter=${FIELD_SEP}`, '--jobs=1,2_3,4_[5-7]']);
    assert.match(a[6], /^--format=JobID,JobIDRaw,JobName,/);
    assert.throws(() => sacctArgv([]), SlurmArgumentError);
  });

  it('scontrol show job takes one id; actions and update keep values whole', () => {
    assert.deepEqual(scontrolShowJobArgv('12_3').slice(3), ['scontrol', 'show', 'job', '-o', '12_3']);
    assert.deepEqual(scontrolActionCall('hold', ['1', '2']).argv, ['scontrol', 'hold', '1,2']);
    assert.deepEqual(scontrolActionCall('requeue', ['3']).argv, ['scontrol', 'requeue', '3']);
    assert.deepEqual(scontrolUpdateJobCall('5', { JobName: 'new name; $(x)', TimeLimit: '1:00:00' }).argv, ['scontrol', 'update', 'JobId=5', 'JobName=new name; $(x)', 'TimeLimit=1:00:00']);
    assert.throws(() => scontrolUpdateJobCall('5', { 'Bad Key': 'x' }), SlurmArgumentError);
    assert.throws(() => scontrolUpdateJobCall('5', {}), SlurmArgumentError);
    assert.deepEqual(scancelCall(['7', '8_1'], { signal: 'USR1', batchOnly: true }).argv, ['scancel', '--signal=USR1', '--batch', '7', '8_1']);
    assert.throws(() => scancelCall(['7'], { signal: 'KILL; reboot' }), SlurmArgumentError);
  });

  it('sbatch: options as single elements, script last, het components after ":"', () => {
    assert.deepEqual(sbatchArgv({ script: '/home/a/my job.sh', scriptArgs: ['x y'], jobName: 'we|ird "n"', partition: 'gpu', gres: 'gpu:1', hold: true }), [
      'sbatch',
      '--parsable',
      '--job-name=we|ird "n"',
      '--partition=gpu',
      '--gres=gpu:1',
      '--hold',
      '/home/a/my job.sh',
      'x y',
    ]);
    assert.deepEqual(sbatchArgv({ wrap: 'echo hi', ntasks: 1, hetComponents: [['--ntasks=2']] }), ['sbatch', '--parsable', '--ntasks=1', ':', '--ntasks=2', '--wrap=echo hi']);
    assert.throws(() => sbatchArgv({}), SlurmArgumentError);
    assert.throws(() => sbatchArgv({ wrap: 'x', extra: ['notAnOption'] }), SlurmArgumentError);
  });

  it('sbatch --parsable output: id and id;cluster', () => {
    assert.deepEqual(parseSbatch('123\n'), { jobId: 123, warnings: [] });
    assert.deepEqual(parseSbatch('124;bundled\n', 'sbatch: warning: x\n'), { jobId: 124, cluster: 'bundled', warnings: ['sbatch: warning: x'] });
    assert.throws(() => parseSbatch('Submitted batch job 5'), SlurmParseError);
  });
});

describe('runCall', () => {
  // A stand-in Transport: runCall's only job is to pass argv/options through and judge the exit
  // code, which needs no cluster. The real transports are tested in the transport suites.
  function stubTransport(result: { stdout: string; stderr: string; code: number | null }, seen: unknown[]): Transport {
    const no = () => Promise.reject(new Error('not used'));
    return {
      label: 'stub',
      state: { kind: 'connected' },
      onDidChangeState: () => ({ dispose() {} }),
      exec: (argv, options) => {
        seen.push({ argv, options });
        return Promise.resolve(result);
      },
      stream: no,
      openPty: no,
      writeFile: no,
      readFile: no,
      stat: no,
      mkdirp: no,
      remove: no,
      dispose() {},
    };
  }

  it('passes argv, timeout, signal, label and idempotency; parses stdout on exit 0', async () => {
    const seen: unknown[] = [];
    const ac = new AbortController();
    const v = await runCall(stubTransport({ stdout: 'slurm-wlm 22.05.8\n', stderr: '', code: 0 }, seen), versionCall(), { timeoutMs: 5000, signal: ac.signal });
    assert.equal(v.text, '22.05.8');
    assert.deepEqual(seen, [{ argv: ['sinfo', '--version'], options: { timeoutMs: 5000, signal: ac.signal, label: 'sinfo --version', idempotent: true } }]);
    const actions: unknown[] = [];
    await runCall(stubTransport({ stdout: '', stderr: '', code: 0 }, actions), scancelCall(['1']));
    assert.equal((actions[0] as { options: { idempotent: boolean } }).options.idempotent, false, 'scancel is not retried blindly');
  });

  it('a query whose channel closed without an exit status is asked once more; an action is not', async () => {
    const answers = [{ stdout: '', stderr: '', code: null }, { stdout: 'slurm-wlm 22.05.8\n', stderr: '', code: 0 }];
    let calls = 0;
    const flaky = { ...stubTransport(answers[1], []), exec: () => Promise.resolve(answers[Math.min(calls++, 1)]) } as Transport;
    assert.equal((await runCall(flaky, versionCall())).text, '22.05.8');
    assert.equal(calls, 2);
    calls = 0;
    await assert.rejects(runCall(flaky, scancelCall(['1'])), SlurmCommandError);
    assert.equal(calls, 1);
  });

  it('squeue for ONE job that has left the queue is an empty list, not an error (22.05 exits 1)', async () => {
    const ctx = { version: v2205, user: 'u', utcOffsetMinutes: 0 };
    const stderr = 'slurm_load_jobs error: Invalid job id specified\n';
    assert.deepEqual(await runCall(stubTransport({ stdout: '', stderr, code: 1 }, []), squeueCall(ctx, { jobIds: ['999999'] })), []);
    await assert.rejects(runCall(stubTransport({ stdout: '', stderr: 'slurm_load_jobs error: Unable to contact slurm controller', code: 1 }, []), squeueCall(ctx, { jobIds: ['1'] })), SlurmCommandError);
    await assert.rejects(runCall(stubTransport({ stdout: '', stderr, code: 1 }, []), squeueCall(ctx)), SlurmCommandError);
  });

  it('non-zero exit -> SlurmCommandError with stderr verbatim and a hint', async () => {
    const stderr = 'scontrol: error: Invalid job id specified\n';
    await assert.rejects(
      runCall(stubTransport({ stdout: '', stderr, code: 1 }, []), scontrolActionCall('release', ['9'])),
      (e: unknown) => e instanceof SlurmCommandError && e.stderr === stderr && e.code === 1 && e.call === 'scontrol release' && e.message.includes('Invalid job id specified') && typeof e.hint === 'string',
    );
    await assert.rejects(runCall(stubTransport({ stdout: '', stderr: 'bash: squeue: command not found', code: 127 }, []), versionCall()), (e: unknown) => e instanceof SlurmCommandError && /prelude/.test(e.hint ?? ''));
  });
});
