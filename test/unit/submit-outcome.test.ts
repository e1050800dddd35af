// sbatch's answer lost: which failures leave the outcome open, how the marker lookup reads squeue
// and sacct, and what submitRemote then does with the job folder. The transport here is a scripted
// double (no cluster in unit tests) answering the way the real one does; the real timeout against
// the real cluster is test/integration/submit-outcome.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CancelledError, CommandTimeoutError } from '../../src/core/errors';
import { Emitter } from '../../src/core/disposable';
import { FIELD_SEP, RECORD_END } from '../../src/slurm/records';
import { SlurmCommandError, SlurmParseError } from '../../src/slurm/errors';
import { ConnectionLostError } from '../../src/transport/commandRunner';
import type { ConnectionState, ExecResult, Transport } from '../../src/transport/types';
import { SbatchRefusedError, submitRemote } from '../../src/submit/remoteSubmit';
import {
  SubmitOutcomeUnknownError,
  newSubmitMarker,
  parseMarkerSacct,
  parseMarkerSqueue,
  sbatchOutcomeUnknown,
  selfExcludingPattern,
  userSetsComment,
} from '../../src/submit/sbatchOutcome';

const scriptPath = '/home/u/.slurm-workbench/jobs/20250120-153012-abc123-x/run.sh';

test('only an sbatch that exited non-zero refused; a timeout, a lost connection, a cancel, a signal or unreadable output leave it open', () => {
  assert.equal(sbatchOutcomeUnknown(new SlurmCommandError('sbatch', ['sbatch'], 1, 'sbatch: error: invalid partition', '')), false);
  assert.equal(sbatchOutcomeUnknown(new SlurmCommandError('sbatch', ['sbatch'], null, '', '')), true);
  assert.equal(sbatchOutcomeUnknown(new CommandTimeoutError('sbatch', 60_000)), true);
  assert.equal(sbatchOutcomeUnknown(new ConnectionLostError('sbatch', 'u@h:22')), true);
  assert.equal(sbatchOutcomeUnknown(new CancelledError('sbatch')), true);
  assert.equal(sbatchOutcomeUnknown(new SlurmParseError('sbatch', 'expected "<job id>"', 'garbage')), true);
});

test('the marker is swb:<random>; the user\'s own --comment (argument or directive) is kept instead', () => {
  assert.match(newSubmitMarker(), /^swb:[0-9a-f]{12}$/);
  assert.notEqual(newSubmitMarker(), newSubmitMarker());
  const files = (text: string) => [{ name: 'run.sh', content: text }];
  assert.equal(userSetsComment(files('#!/bin/bash\nsleep 1\n'), 'run.sh', []), false);
  assert.equal(userSetsComment(files('#!/bin/bash\n#SBATCH --comment="mine"\nsleep 1\n'), 'run.sh', []), true);
  assert.equal(userSetsComment(files('#!/bin/bash\nsleep 1\n#SBATCH --comment=after-the-first-command\n'), 'run.sh', []), false);
  assert.equal(userSetsComment(files('#!/bin/bash\n'), 'run.sh', ['--comment=x']), true);
  assert.equal(userSetsComment(files('#!/bin/bash\n'), 'run.sh', ['--comment', 'x']), true);
});

const squeueRecord = (fields: string[]) => `${fields.join(FIELD_SEP)}${RECORD_END}\n`;

test('squeue: the marker or the script path finds the id sbatch printed (array master, het leader), nothing else does', () => {
  const out = [
    squeueRecord(['6', '5', '0', scriptPath, 'swb:aaa']), // array task 2 of array 5
    squeueRecord(['5', '5', '0', scriptPath, 'swb:aaa']),
    squeueRecord(['7', '7', '0', '(null)', 'swb:aaa-not-quite']),
    squeueRecord(['9', '9', '0', '/elsewhere/run.sh', `has${FIELD_SEP}a separator`]),
  ].join('');
  assert.deepEqual(parseMarkerSqueue(out, { marker: 'swb:aaa', scriptPath: '/nope' }), [5]);
  assert.deepEqual(parseMarkerSqueue(out, { scriptPath }), [5]);
  assert.deepEqual(parseMarkerSqueue(squeueRecord(['12', '12', '11', '/x', 'swb:het']), { marker: 'swb:het', scriptPath }), [11]);
  assert.deepEqual(parseMarkerSqueue(out, { marker: 'swb:zzz', scriptPath: '/nope' }), []);
  assert.deepEqual(parseMarkerSqueue('', { marker: 'swb:aaa', scriptPath }), []);
});

test('sacct: the submit line holds the marker (the comment is stored only with job_comment) or the script path', () => {
  const line = (id: string, submit: string) => `${id}${FIELD_SEP}${submit}`;
  const out = [
    line('41', `sbatch --parsable --chdir=/w --comment=swb:bbb ${scriptPath}`),
    line('42_[1-3]', 'sbatch --parsable --comment=swb:bbbb /other.sh'),
    line('43+0', `sbatch --parsable ${scriptPath}x`),
  ].join('\n');
  assert.deepEqual(parseMarkerSacct(out, { marker: 'swb:bbb', scriptPath: '/nope' }), [41]);
  assert.deepEqual(parseMarkerSacct(out, { marker: 'swb:bbbb', scriptPath: '/nope' }), [42]);
  assert.deepEqual(parseMarkerSacct(out, { scriptPath }), [41]);
});

test('the stop pattern matches the marker (and a path) but never the text of the pattern itself', () => {
  for (const s of ['swb:0123abcd', '/home/u/jobs/a+b (1)/run.sh', '-weird.sh']) {
    const pattern = selfExcludingPattern(s);
    // grep -E is the same regex flavour as pgrep -f.
    const grep = (text: string) => {
      try {
        execFileSync('grep', ['-E', '--', pattern], { input: text });
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(grep(`sbatch --comment=${s} x`), true, `${pattern} matches ${s}`);
    assert.equal(grep(`sh -c ... sh ${pattern}`), false, `${pattern} does not match itself`);
  }
});

/** Answers like the real transport: sbatch, the stop script, squeue and sacct are scripted per test. */
class ScriptedTransport implements Transport {
  readonly label = 'u@cluster:22';
  readonly state: ConnectionState = { kind: 'connected' };
  readonly onDidChangeState = new Emitter<ConnectionState>().event;
  readonly removed: string[] = [];
  readonly ran: string[] = [];
  marker: string | undefined;
  constructor(private readonly answers: { sbatch: () => ExecResult; squeue?: (marker: string | undefined) => string; sacct?: (marker: string | undefined) => string }) {}
  async exec(argv: readonly string[]): Promise<ExecResult> {
    const cmd = argv[0] === 'sh' ? 'stop' : argv[0]!;
    this.ran.push(cmd);
    if (cmd === 'printenv') return { stdout: '/home/u\n', stderr: '', code: 0 };
    if (cmd === 'sbatch') {
      this.marker = argv.find((a) => a.startsWith('--comment='))?.slice('--comment='.length);
      return this.answers.sbatch();
    }
    if (cmd === 'stop') return { stdout: '', stderr: '', code: 0 };
    if (cmd === 'squeue') return { stdout: this.answers.squeue?.(this.marker) ?? '', stderr: '', code: 0 };
    if (cmd === 'sacct') return { stdout: this.answers.sacct?.(this.marker) ?? '', stderr: '', code: 0 };
    throw new Error(`unexpected command ${argv.join(' ')}`);
  }
  stream(): never {
    throw new Error('not used');
  }
  openPty(): never {
    throw new Error('not used');
  }
  async writeFile(): Promise<void> {}
  async readFile(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async stat(): Promise<undefined> {
    return undefined;
  }
  async mkdirp(): Promise<void> {}
  async remove(path: string): Promise<void> {
    this.removed.push(path);
  }
  dispose(): void {}
}

const request = { remoteRoot: '~/.slurm-workbench', files: [{ name: 'run.sh', content: '#!/bin/bash\nsleep 1\n' }], scriptName: 'run.sh', label: 'x' };
const timedOut = () => {
  throw new CommandTimeoutError('sbatch', 60_000);
};

test('sbatch refused (exit 1): the folder is removed and the refusal explained, no lookup', async () => {
  const t = new ScriptedTransport({ sbatch: () => ({ stdout: '', stderr: 'sbatch: error: Batch job submission failed: Invalid partition name specified', code: 1 }) });
  await assert.rejects(submitRemote(t, request, { timeoutMs: 1000 }), SbatchRefusedError);
  assert.equal(t.removed.length, 1);
  assert.deepEqual(t.ran, ['printenv', 'sbatch']);
});

test('answer lost, job in squeue: it is the submitted job, with a note; the folder stays', async () => {
  const t = new ScriptedTransport({ sbatch: timedOut, squeue: (m) => squeueRecord(['77', '77', '0', scriptPath, m ?? '']) });
  const job = await submitRemote(t, request, { timeoutMs: 1000 });
  assert.equal(job.jobId, 77);
  assert.equal(job.marker, t.marker);
  assert.match(job.recovered ?? '', new RegExp(`sbatch's answer was lost \\(sbatch did not finish within 60 s\\.\\), but squeue shows the job was accepted as 77 \\(found by its marker ${t.marker}\\)`));
  assert.deepEqual(t.removed, []);
  assert.deepEqual(t.ran, ['printenv', 'sbatch', 'stop', 'squeue']);
});

test('answer lost, job already finished and gone from squeue: sacct finds it', async () => {
  const t = new ScriptedTransport({ sbatch: timedOut, sacct: (m) => `78${FIELD_SEP}sbatch --parsable --comment=${m} /x/run.sh\n` });
  const job = await submitRemote(t, request, { timeoutMs: 1000 });
  assert.equal(job.jobId, 78);
  assert.match(job.recovered ?? '', /sacct shows the job was accepted as 78/);
  assert.deepEqual(t.removed, []);
});

test('answer lost, no job anywhere: the user hears that nothing runs and where the kept folder is', async () => {
  const t = new ScriptedTransport({ sbatch: timedOut });
  const err: unknown = await submitRemote(t, request, { timeoutMs: 1000 }).catch((e: unknown) => e);
  assert.ok(err instanceof SubmitOutcomeUnknownError);
  assert.match(err.message, /No job with the marker swb:[0-9a-f]+ is in squeue or sacct, so nothing was queued and nothing runs\. The job folder \/home\/u\/\.slurm-workbench\/jobs\/\S+-x is kept for you\./);
  assert.match(err.hint ?? '', /Submit again.*remove \/home\/u\/\.slurm-workbench\/jobs\//);
  assert.deepEqual(t.removed, []);
});

test('answer lost and the lookup fails too: "may or may not be queued", how to look, folder kept', async () => {
  const t = new ScriptedTransport({ sbatch: timedOut });
  t.exec = async (argv) => {
    if (argv[0] === 'printenv') return { stdout: '/home/u\n', stderr: '', code: 0 };
    throw new ConnectionLostError(argv[0]!, 'u@cluster:22');
  };
  const err: unknown = await submitRemote(t, request, { timeoutMs: 1000 }).catch((e: unknown) => e);
  assert.ok(err instanceof SubmitOutcomeUnknownError);
  assert.match(err.message, /looking for the job by the marker swb:\S+ failed too .*the job may or may not be queued\. The job folder \S+ is kept\./);
  assert.match(err.hint ?? '', /squeue --me -O JobID,Comment,Command \| grep swb:/);
  assert.deepEqual(t.removed, []);
});

test('no accounting: squeue\'s "not found" stands, and the message says sacct could not be asked', async () => {
  const t = new ScriptedTransport({ sbatch: timedOut });
  const exec = t.exec.bind(t);
  t.exec = async (argv) => (argv[0] === 'sacct' ? { stdout: '', stderr: 'sacct: error: Slurm accounting storage is disabled', code: 1 } : exec(argv));
  const err: unknown = await submitRemote(t, request, { timeoutMs: 1000 }).catch((e: unknown) => e);
  assert.ok(err instanceof SubmitOutcomeUnknownError);
  assert.match(err.message, /is in squeue \(no accounting to ask about finished jobs\), so nothing was queued/);
});

test('the user\'s own --comment: no marker is added, the script path finds the job', async () => {
  const t = new ScriptedTransport({ sbatch: timedOut });
  const own = { ...request, sbatchArgs: ['--comment=mine'] };
  // The folder name is random: answer with whatever path sbatch was given.
  const exec = t.exec.bind(t);
  let script = '';
  t.exec = async (argv) => {
    if (argv[0] === 'sbatch') script = argv[argv.length - 1]!;
    if (argv[0] === 'squeue') return { stdout: squeueRecord(['80', '80', '0', script, 'mine']), stderr: '', code: 0 };
    return exec(argv);
  };
  const job = await submitRemote(t, own, { timeoutMs: 1000 });
  assert.equal(t.marker, 'mine', 'only the user\'s comment is passed');
  assert.equal(job.marker, undefined);
  assert.equal(job.jobId, 80);
  assert.match(job.recovered ?? '', /found by its script \/home\/u\/\.slurm-workbench\/jobs\/.*\/run\.sh/);
});
