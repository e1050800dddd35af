// Interactive sessions (issue 19 point 3) on the real cluster, once per selected test bed (Slurm
// 22.05 and 24.11; SLURM_WB_BEDS chooses), through the product's ssh2 transport to the real sshd
// and the real ClusterSession poll: the session's placeholder job appears in squeue under its name
// with its time limit, the wait reads the poll's snapshots, the terminal opened in it runs on the
// job's node, and after its terminal closes with End Session the job is gone from squeue and the
// next poll shows it ended. Cancelling the wait while the job pends ends the job too. The bed's nodes
// all run on this machine, so `hostname` is this machine's name and $SLURMD_NODENAME names the node.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { CancelledError } from '../../src/core/errors';
import { INTERACTIVE_JOB_NAME } from '../../src/interactive/interactiveJob';
import { endInteractiveJob, jobPhase, submitInteractiveJob, waitingWords, waitUntilRunning, watchForEnd } from '../../src/interactive/interactiveSession';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession } from '../../src/session/clusterSession';
import { jobDescription } from '../../src/session/jobPresentation';
import { runCall } from '../../src/slurm/call';
import { versionCall } from '../../src/slurm/version';
import { jobTerminalArgv, planJobTerminal } from '../../src/terminal/jobTerminal';
import { bedLabel, readBeds, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { TermProbe } from './terminal-support';

for (const bed of readBeds()) {
  describe(`interactive session on ${bedLabel(bed)} over ssh`, () => interactiveTests(bed));
}

function interactiveTests(bed: Bed): void {
  const submitted: string[] = [];
  // A slow normal cadence: the polls the test sees are the ones the flow asks for (awaitChange, refresh).
  const session = new ClusterSession(bed.clusterName, bedTransport(bed, `${bed.clusterName}-interactive`), { timing: { ...DEFAULT_TIMING, intervalMs: 60_000 }, commandTimeoutMs: 30_000 });

  after(async () => {
    session.dispose();
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
  });

  const squeue = async (id: string): Promise<string> => (await sshRun(`squeue -h -j ${id} -O 'JobID:|,Name:|,State:|,TimeLimit:|,NodeList:|' 2>/dev/null`, { bed })).stdout.trim();

  test('start: in squeue as interactive with its limit; the terminal runs on its node; End Session leaves squeue and the next poll shows it ended', async () => {
    session.start();
    const jobId = await submitInteractiveJob(session.transport, { time: '5', partition: bed.partitions[0], cpusPerTask: 1 }, { timeoutMs: 30_000 });
    submitted.push(jobId);
    session.expectJob(jobId, INTERACTIVE_JOB_NAME);
    void session.awaitChange([jobId], 'started');
    const heard: string[] = [];
    const row = await waitUntilRunning(session, jobId, { onWaiting: (r) => heard.push(waitingWords(r)) });
    assert.ok(row.nodes, 'a running session names its node');
    assert.match(jobDescription(row), /^RUNNING · \d+:\d\d left$/);

    const line = await squeue(jobId);
    assert.equal(line, `${jobId}|${INTERACTIVE_JOB_NAME}|RUNNING|5:00|${row.nodes}|`, 'squeue lists the session under its name, with its limit, on its node');

    const version = await runCall(session.transport, versionCall());
    const plan = await planJobTerminal(session.transport, version, jobId);
    const term = await TermProbe.open(session.transport, jobTerminalArgv(plan));
    let ended: string | undefined;
    const watch = watchForEnd(session, jobId, (state) => (ended = state));
    try {
      await term.ready();
      const out = (await term.run('hostname; echo node=$SLURMD_NODENAME job=$SLURM_JOB_ID')).split('\n').filter(Boolean);
      assert.equal(out[0], hostname(), 'hostname in the session (every node of the bed is this machine)');
      assert.equal(out[1], `node=${row.nodes} job=${jobId}`);
    } finally {
      // The user closes the terminal and picks End Session.
      term.close();
    }
    await endInteractiveJob(session.transport, jobId, { timeoutMs: 30_000 });
    assert.equal(await squeue(jobId), '', 'squeue no longer lists the session once End Session returns');
    // One poll (the command hurries one right after End Session; 'manual' runs it now, not debounced).
    await session.refresh('manual');
    assert.equal(jobPhase(session.snapshot, jobId, true).kind, 'ended', `the first poll after End Session shows it ended: ${JSON.stringify(session.snapshot.jobs.find((j) => j.id === jobId))}`);
    assert.ok(ended !== undefined, 'the watch heard the end (the extension closes the terminal on it)');
    watch.dispose();
    await term.waitExit(60_000);
  });

  test('the session ending by itself (scancel elsewhere, as the tree or the time limit would) is seen by the watch and ends the shell', async () => {
    const jobId = await submitInteractiveJob(session.transport, { time: '3' }, { timeoutMs: 30_000 });
    submitted.push(jobId);
    void session.awaitChange([jobId], 'started');
    await waitUntilRunning(session, jobId);
    const version = await runCall(session.transport, versionCall());
    const term = await TermProbe.open(session.transport, jobTerminalArgv(await planJobTerminal(session.transport, version, jobId)));
    try {
      await term.ready();
      const ended = new Promise<string>((resolve) => watchForEnd(session, jobId, resolve));
      await sshRun(`scancel ${jobId}`, { bed });
      void session.awaitChange([jobId], 'ended');
      const state = await ended;
      assert.match(state, /^(CANCELLED|ending|gone from the queue)$/);
      await term.waitExit(90_000);
    } finally {
      term.close();
    }
  });

  test('cancelling the wait of a pending session: the wait rejects with CancelledError, and ending it leaves nothing in squeue', async () => {
    // --begin keeps it pending for the whole test (reason BeginTime), whatever else runs on the bed.
    const held = await sshRun(`sbatch --parsable -J ${INTERACTIVE_JOB_NAME} -t 5 -o /dev/null --begin=now+1hour --wrap 'sleep infinity'`, { bed });
    assert.equal(held.code, 0, held.stderr);
    const jobId = held.stdout.trim();
    submitted.push(jobId);
    const ctl = new AbortController();
    const heard: string[] = [];
    void session.awaitChange([jobId], 'started');
    const wait = waitUntilRunning(session, jobId, { signal: ctl.signal, onWaiting: (r) => {
      heard.push(waitingWords(r));
      if (r) ctl.abort();
    } });
    await assert.rejects(wait, (e: unknown) => e instanceof CancelledError);
    assert.match(heard[heard.length - 1] ?? '', /^Waiting \(BeginTime\): /, 'the wait said why in plain words');
    await endInteractiveJob(session.transport, jobId, { timeoutMs: 30_000 });
    assert.equal(await squeue(jobId), '');
  });
}
