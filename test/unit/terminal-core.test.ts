// The pure parts of terminals (issue 19): the squeue lookup of a job's place, the refusals with
// their messages, the srun argv and its quoting, the pty bootstrap's output gate, size clamping.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UserFacingError } from '../../src/core/errors';
import { commandLine } from '../../src/core/shellQuote';
import { parseResult } from '../../src/slurm/call';
import { parseSlurmVersion } from '../../src/slurm/version';
import { assertOverlapSupported, assertRunning, jobPlaceCall, jobShellArgv, parseLoginShell } from '../../src/terminal/jobShell';
import { clampSize } from '../../src/transport/commonPty';
import { PTY_BOOTSTRAP_COMMAND, PTY_READY, PtyOutputGate, framePtyScript } from '../../src/transport/sshPtyScript';

describe('job place (squeue -j)', () => {
  test('an array task: its raw id, state and expanded nodes', () => {
    const call = jobPlaceCall('14731_2');
    assert.deepEqual(call.argv, ['squeue', '-h', '-j', '14731_2', '-O', 'JobID:|,State:|,NodeList:|']);
    // Printed by squeue 22.05 on the bed for a running two-node job.
    const place = parseResult(call, { stdout: '14733|RUNNING|node[1-2]|\n', stderr: '', code: 0 });
    assert.deepEqual(place, { requested: '14731_2', jobId: '14733', state: 'RUNNING', nodes: ['node1', 'node2'] });
  });

  test('a pending job has no nodes; an unknown id is an answer (null), another failure is not', () => {
    const call = jobPlaceCall('15');
    assert.deepEqual(parseResult(call, { stdout: '15|PENDING||\n', stderr: '', code: 0 })?.nodes, []);
    assert.equal(parseResult(call, { stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified\n', code: 1 }), null);
    assert.throws(() => parseResult(call, { stdout: '', stderr: 'slurm_load_jobs error: Unable to contact slurm controller\n', code: 1 }), /Unable to contact/);
    assert.throws(() => parseResult(call, { stdout: 'x|RUNNING|n1|\n', stderr: '', code: 0 }), /raw job id/);
  });

  test('a job id that is not one never reaches argv', () => {
    assert.throws(() => jobPlaceCall('1; rm -rf ~'), /is not a Slurm job id/);
  });
});

describe('refusals', () => {
  test('not running, not queued, Slurm without --overlap: each says why and what to do', () => {
    const check = (fn: () => void, re: RegExp): void =>
      assert.throws(fn, (e: unknown) => e instanceof UserFacingError && re.test(e.message) && typeof e.hint === 'string' && e.hint.length > 0);
    check(() => assertRunning({ requested: '7', jobId: '7', state: 'PENDING', nodes: [] }, '7'), /^Job 7 is not running \(it has not started yet\)/);
    check(() => assertRunning({ requested: '7', jobId: '7', state: 'COMPLETING', nodes: ['node1'] }, '7'), /it is COMPLETING/);
    check(() => assertRunning(null, '7'), /not in the queue any more/);
    check(() => assertOverlapSupported(parseSlurmVersion('slurm 20.02.7')), /needs Slurm 20\.11 or newer .*runs Slurm 20\.02\.7/);
    assert.doesNotThrow(() => assertOverlapSupported(parseSlurmVersion('slurm 20.11.0')));
    assert.doesNotThrow(() => assertRunning({ requested: '7', jobId: '7', state: 'RUNNING', nodes: ['node1'] }, '7'));
  });
});

describe('srun argv', () => {
  const place = { requested: '12_3', jobId: '15', state: 'RUNNING', nodes: ['gpu01', 'gpu02'] };
  test('one shell on one node, a chosen node of a multi-node job, quoted by the one helper', () => {
    assert.deepEqual(jobShellArgv(place, '/bin/bash'), ['srun', '--jobid=15', '--overlap', '--pty', '-N1', '-n1', '/bin/bash', '-l']);
    assert.equal(commandLine(jobShellArgv(place, '/usr/bin/tcsh', 'gpu02')), 'srun --jobid=15 --overlap --pty -N1 -n1 --nodelist=gpu02 /usr/bin/tcsh -l');
    assert.throws(() => jobShellArgv(place, '/bin/bash', 'node9'), /does not run on node9 \(its nodes: gpu01, gpu02\)/);
  });
  test('the login shell: an absolute path from printenv, else /bin/sh', () => {
    assert.equal(parseLoginShell('/usr/bin/zsh\n'), '/usr/bin/zsh');
    assert.equal(parseLoginShell(''), '/bin/sh');
    assert.equal(parseLoginShell('zsh; rm x'), '/bin/sh');
  });
});

describe('pty bootstrap', () => {
  test('the login shell only sees one fixed line without !, backslash or newline', () => {
    assert.doesNotMatch(PTY_BOOTSTRAP_COMMAND, /[!\\\n]/);
  });
  test('noise and the ready token are dropped; the script goes after the token; output after the marker passes', () => {
    const marker = '@swb-0123456789ab';
    const gate = new PtyOutputGate(marker);
    assert.deepEqual(gate.push(Buffer.from('Welcome banner\r\nswb-pty')), { ready: false, data: Buffer.alloc(0) });
    const r = gate.push(Buffer.from(`${PTY_READY.slice('swb-pty'.length)}`));
    assert.equal(r.ready, true);
    assert.equal(r.data.length, 0);
    assert.equal(gate.passed, false);
    const out = gate.push(Buffer.from(`${marker}\r\nnode1$ `));
    assert.equal(out.data.toString(), 'node1$ ');
    assert.equal(gate.passed, true);
    assert.equal(gate.push(Buffer.from('more')).data.toString(), 'more');
  });
  test('what a bootstrap that died early printed is given back', () => {
    const gate = new PtyOutputGate('@m');
    gate.push(Buffer.from('/bin/sh: stty: not found'));
    assert.match(gate.flush().toString(), /stty: not found/);
  });
  test('the frame: a byte-length line, then the marker line and the script', () => {
    const f = framePtyScript("exec srun 'ü'", '@m').toString('utf8');
    const [len, ...rest] = f.split('\n');
    assert.equal(Number(len), Buffer.byteLength(rest.join('\n')));
    assert.equal(rest.join('\n'), "printf '%s\\n' @m\nexec srun 'ü'");
  });
  test('sizes are clamped to whole cells', () => {
    assert.deepEqual(clampSize({ cols: 0, rows: 1e9 }), { cols: 1, rows: 1000 });
    assert.deepEqual(clampSize({ cols: Number.NaN, rows: 30.7 }), { cols: 80, rows: 30 });
  });
});
