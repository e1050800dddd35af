// Models of the Slurm layer: job ids, states, durations, times, exit codes, TRES/GRES, versions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  atLeast,
  featuresOf,
  formatDuration,
  gpusInGres,
  gpusInTres,
  parseDuration,
  parseExitCode,
  parseExitCodeOrWaitStatus,
  parseJobId,
  parseJobState,
  parseMemoryMb,
  parseSlurmTime,
  parseSlurmVersion,
  parseUtcOffset,
  taskCount,
  untestedVersionWarning,
  JOB_STATES,
} from '../../src/slurm';

describe('job ids', () => {
  it('plain, array task, pending remainder with throttle, stepped list, het component, steps', () => {
    assert.deepEqual(parseJobId('123'), { text: '123', kind: 'job', jobId: 123 });
    assert.deepEqual(parseJobId('123_4'), { text: '123_4', kind: 'arrayTask', arrayJobId: 123, taskId: 4 });
    assert.deepEqual(parseJobId('123_[1-5%2]'), {
      text: '123_[1-5%2]',
      kind: 'arrayTasks',
      arrayJobId: 123,
      expression: '1-5%2',
      ranges: [{ from: 1, to: 5, step: 1 }],
      throttle: 2,
      truncated: false,
    });
    const stepped = parseJobId('123_[1,3,5-7:2]');
    assert.ok(stepped.kind === 'arrayTasks');
    assert.deepEqual(stepped.ranges, [
      { from: 1, to: 1, step: 1 },
      { from: 3, to: 3, step: 1 },
      { from: 5, to: 7, step: 2 },
    ]);
    assert.equal(taskCount(stepped.ranges), 4);
    assert.equal(stepped.throttle, undefined);
    assert.deepEqual(parseJobId('123+0'), { text: '123+0', kind: 'hetComponent', hetJobId: 123, offset: 0 });
    assert.deepEqual(parseJobId('123.batch'), { text: '123.batch', step: 'batch', kind: 'job', jobId: 123 });
    assert.equal(parseJobId('123_4.0').step, '0');
  });

  it('accepts the 64-byte cut form "1,3,5,...", refuses garbage', () => {
    const cut = parseJobId('9_[1,3,5,...]');
    assert.ok(cut.kind === 'arrayTasks' && cut.truncated && cut.ranges.length === 3);
    for (const bad of ['', 'abc', '12_', '12_[]', '12_[5-1]', '12+', '-1', '12_[1-3%x]']) {
      assert.throws(() => parseJobId(bad), /job id|array task expression/, bad);
    }
  });
});

describe('job states', () => {
  it('knows every documented state and its compact code', () => {
    for (const [name, { code }] of Object.entries(JOB_STATES)) {
      assert.equal(parseJobState(name).name, name);
      assert.equal(parseJobState(code).name, name);
      assert.equal(parseJobState(name).known, true);
    }
    assert.equal(Object.keys(JOB_STATES).length >= 24, true);
  });

  it('"CANCELLED by 1000", sacct\'s cut "CANCELLED+", phases, unknown states kept', () => {
    assert.deepEqual(parseJobState('CANCELLED by 1000'), { name: 'CANCELLED', known: true, phase: 'finished', raw: 'CANCELLED by 1000', byUid: 1000 });
    assert.equal(parseJobState('CANCELLED+').name, 'CANCELLED');
    assert.equal(parseJobState('PENDING').phase, 'pending');
    assert.equal(parseJobState('RUNNING').phase, 'active');
    assert.equal(parseJobState('OUT_OF_MEMORY').phase, 'finished');
    assert.deepEqual(parseJobState('QUANTUM_ENTANGLED'), { name: 'QUANTUM_ENTANGLED', known: false, phase: 'unknown', raw: 'QUANTUM_ENTANGLED' });
  });
});

describe('durations', () => {
  it('MM:SS, HH:MM:SS, D-HH:MM:SS, fractions, words', () => {
    assert.deepEqual(parseDuration('0:00'), { kind: 'seconds', seconds: 0 });
    assert.deepEqual(parseDuration('1:18'), { kind: 'seconds', seconds: 78 });
    assert.deepEqual(parseDuration('59:59'), { kind: 'seconds', seconds: 3599 });
    assert.deepEqual(parseDuration('1:00:00'), { kind: 'seconds', seconds: 3600 });
    assert.deepEqual(parseDuration('00:10:00'), { kind: 'seconds', seconds: 600 });
    assert.deepEqual(parseDuration('2-03:04:05'), { kind: 'seconds', seconds: 2 * 86400 + 3 * 3600 + 4 * 60 + 5 });
    assert.deepEqual(parseDuration('1-00:00'), { kind: 'seconds', seconds: 86400 });
    assert.deepEqual(parseDuration('00:01.500'), { kind: 'seconds', seconds: 1.5 });
    assert.deepEqual(parseDuration('UNLIMITED'), { kind: 'unlimited' });
    assert.deepEqual(parseDuration('INVALID'), { kind: 'invalid' });
    assert.deepEqual(parseDuration('N/A'), { kind: 'none', text: 'N/A' });
    assert.deepEqual(parseDuration('NOT_SET'), { kind: 'none', text: 'NOT_SET' });
    assert.deepEqual(parseDuration('Partition_Limit'), { kind: 'none', text: 'Partition_Limit' });
    assert.deepEqual(parseDuration(''), { kind: 'none', text: '' });
    assert.throws(() => parseDuration('soon'), /duration/);
  });

  it('formats like Slurm', () => {
    for (const t of ['0:00', '1:18', '1:00:00', '2-03:04:05', 'UNLIMITED', 'INVALID', 'N/A']) assert.equal(formatDuration(parseDuration(t)), t);
  });
});

describe('timestamps and zones', () => {
  it('zone-less text is read in the cluster offset; an explicit zone wins', () => {
    assert.equal(parseSlurmTime('2026-01-31T23:59:59', 0)?.toISOString(), '2026-01-31T23:59:59.000Z');
    assert.equal(parseSlurmTime('2026-01-31T23:59:59', 60)?.toISOString(), '2026-01-31T22:59:59.000Z');
    assert.equal(parseSlurmTime('2026-01-31T23:59:59', -330)?.toISOString(), '2026-02-01T05:29:59.000Z');
    assert.equal(parseSlurmTime('2026-07-01T12:00:00+0200', -300)?.toISOString(), '2026-07-01T10:00:00.000Z');
    for (const none of ['N/A', 'Unknown', 'None', '']) assert.equal(parseSlurmTime(none, 0), undefined);
    assert.throws(() => parseSlurmTime('yesterday', 0), /timestamp/);
    assert.throws(() => parseSlurmTime('2026-13-01T00:00:00', 0), /calendar/);
  });

  it('date +%z offsets', () => {
    assert.equal(parseUtcOffset('+0000'), 0);
    assert.equal(parseUtcOffset('+0530\n'), 330);
    assert.equal(parseUtcOffset('-0800'), -480);
    assert.throws(() => parseUtcOffset('UTC'), /UTC offset/);
  });
});

describe('exit codes', () => {
  it('N:S and squeue\'s raw wait status', () => {
    assert.deepEqual(parseExitCode('3:0'), { code: 3, signal: 0 });
    assert.deepEqual(parseExitCode('0:15'), { code: 0, signal: 15 });
    assert.equal(parseExitCode(''), undefined);
    assert.deepEqual(parseExitCodeOrWaitStatus('768'), { code: 3, signal: 0 });
    assert.deepEqual(parseExitCodeOrWaitStatus('9'), { code: 0, signal: 9 });
    assert.deepEqual(parseExitCodeOrWaitStatus('0'), { code: 0, signal: 0 });
    assert.throws(() => parseExitCode('3'), /exit code/);
  });
});

describe('TRES and GRES', () => {
  it('counts GPUs in every notation', () => {
    assert.equal(gpusInTres('cpu=1,mem=250M,node=1,billing=1,gres/gpu=1'), 1);
    assert.equal(gpusInTres('cpu=1,gres/gpu:a100=2,gres/gpu:v100=1'), 3);
    assert.equal(gpusInTres('cpu=1,gres/gpu=4,gres/gpu:a100=4'), 4);
    assert.equal(gpusInTres('cpu=1,mem=1G'), undefined);
    assert.equal(gpusInGres('gres:gpu:1'), 1);
    assert.equal(gpusInGres('gres/gpu:2'), 2);
    assert.equal(gpusInGres('gpu:tesla:2(S:0-1)'), 2);
    assert.equal(gpusInGres('gpu:1(IDX:0),mps:100'), 1);
    assert.equal(gpusInGres('gpu:a100:1(IDX:0,2),gpu:v100:1(IDX:1)'), 2);
    assert.equal(gpusInGres('gpu'), 1);
    assert.equal(gpusInGres('(null)'), undefined);
    assert.equal(gpusInGres('mps:100'), undefined);
    assert.equal(parseMemoryMb('250M'), 250);
    assert.equal(parseMemoryMb('4G'), 4096);
    assert.equal(parseMemoryMb('4000'), 4000);
  });
});

describe('versions: the one place for version-specific choices', () => {
  it('parses Debian and upstream forms', () => {
    assert.deepEqual(parseSlurmVersion('slurm-wlm 22.05.8\n'), { major: 22, minor: 5, patch: 8, text: '22.05.8' });
    assert.deepEqual(parseSlurmVersion('slurm 24.11.5'), { major: 24, minor: 11, patch: 5, text: '24.11.5' });
    assert.equal(parseSlurmVersion('slurm 23.02.0-0rc1').text, '23.02.0-0rc1');
    assert.throws(() => parseSlurmVersion('command not found'), /sinfo --version/);
  });

  it('features and the warning for an untested release', () => {
    const v = (s: string) => parseSlurmVersion(`slurm ${s}`);
    assert.equal(featuresOf(v('19.05.1')).squeueMe, false);
    assert.equal(featuresOf(v('20.02.0')).squeueMe, true);
    assert.equal(featuresOf(v('23.11.1')).squeueOnlyJobState, true);
    assert.equal(featuresOf(v('22.05.8')).squeueOnlyJobState, false);
    assert.equal(atLeast(v('24.11.5'), 23, 2), true);
    assert.equal(untestedVersionWarning(v('22.05.8')), undefined);
    assert.match(untestedVersionWarning(v('25.05.0')) ?? '', /Slurm 25\.05\.0.*some fields may be missing/);
  });
});
