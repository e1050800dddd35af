// Terminals (issue 19 points 1 and 2) on the real cluster, through the product's ssh2 transport to
// the real sshd of every selected test bed (Slurm 22.05 and 24.11; SLURM_WB_BEDS chooses) AND the
// local transport (the python3 pty helper) on this machine: the login pty echoes, `stty size`
// follows a resize, Ctrl-C interrupts `sleep 100`, a job's terminal runs on the job's node (and on
// the chosen node of a two-node job, and in an array task), a job that is not running is refused
// with a clear message, and the terminal ends when its job ends. Also through the tcsh login variant
// of each bed. The local side runs against the native 22.05 cluster only: the 24.11 cluster's
// commands live in its own Debian 13 root, which only its sshd enters. The beds' nodes are slurmd
// daemons on this one machine, so `hostname` prints this machine's name on each; the node a shell
// landed on is checked with $SLURMD_NODENAME against squeue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { execFile } from 'node:child_process';
import { logger } from '../../src/core/logger';
import { UserFacingError } from '../../src/core/errors';
import { runCall } from '../../src/slurm/call';
import { versionCall } from '../../src/slurm/version';
import { jobTerminalArgv, planJobTerminal } from '../../src/terminal/jobTerminal';
import { LocalTransport } from '../../src/transport/localTransport';
import type { Transport } from '../../src/transport/types';
import { bedLabel, readBeds, selectedBedVersions, sshRun, type Bed } from './bed';
import { bedTransport } from './bedTransport';
import { readLoginVariants, sbatchAs, variantBed, type LoginVariants } from './loginVariants';
import { TermProbe } from './terminal-support';

const beds = readBeds();

/** Job ids to cancel at the end, per way of cancelling. */
const cleanups: (() => Promise<unknown>)[] = [];

async function squeueLine(id: string, as: (cmd: string) => Promise<{ stdout: string }>): Promise<string> {
  return (await as(`squeue -h -j ${id} -O 'State:|,NodeList:|'`)).stdout.trim();
}

async function waitRunning(id: string, as: (cmd: string) => Promise<{ stdout: string }>): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const line = await squeueLine(id, as);
    if (line.startsWith('RUNNING|')) return line.split('|')[1] ?? '';
    if (Date.now() > deadline) throw new Error(`job ${id} did not start within 120 s (squeue: ${line})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function localRun(cmd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', cmd], { timeout: 60_000 }, (err, stdout, stderr) => (err && typeof err.code !== 'number' ? reject(err) : resolve({ stdout, stderr })));
  });
}

interface Side {
  name: string;
  transport: () => Transport;
  /** Runs a command as this side's user, outside the product (for submitting and checking). */
  as: (cmd: string) => Promise<{ stdout: string; stderr: string }>;
}

const sides: Side[] = [
  // One connection per bed, kept for all of its tests (the dropped-connection test reconnects it).
  ...beds.map((bed): Side => ({ name: `ssh to ${bedLabel(bed)} as ${bed.user}`, transport: () => bedTransport(bed, `${bed.clusterName}-term`), as: (cmd) => sshRun(cmd, { bed }) })),
  // The local transport runs as this process's user (root here): its jobs are its own.
  { name: 'local (python3 pty helper)', transport: () => new LocalTransport({ logger, home: '/tmp' }), as: localRun },
];

for (const side of sides) {
  describe(`terminal over ${side.name}`, () => {
    let transport: Transport;
    before(() => {
      transport = side.transport();
    });
    after(() => transport.dispose());

    test('a login shell echoes what it runs, follows a resize, and Ctrl-C interrupts sleep 100', async () => {
      const term = await TermProbe.open(transport, undefined, { cols: 100, rows: 30 });
      try {
        await term.ready();
        assert.equal((await term.run('echo hel""lo')).trim(), 'hello');
        assert.equal((await term.run('stty size')).trim(), '30 100');
        term.handle.resize(123, 45);
        assert.equal((await term.run('stty size')).trim(), '45 123');
        assert.equal((await term.run('echo $TERM')).trim(), 'xterm-256color');

        // A duration no other process uses, to see (from a second channel) that sleep really runs
        // before Ctrl-C: an interrupt that comes while the shell is still starting it tests nothing.
        const nap = `100.${process.pid}${Date.now() % 1000}`;
        term.line(`sleep ${nap}`);
        const seenDeadline = Date.now() + 60_000;
        while ((await transport.exec(['pgrep', '-f', '-x', `sleep ${nap}`])).code !== 0) {
          assert.ok(Date.now() < seenDeadline, `sleep ${nap} never showed up in pgrep`);
          await new Promise((r) => setTimeout(r, 200));
        }
        term.handle.write('\x03');
        // Runs only once sleep is gone, so it shows within 60 s only if Ctrl-C ended it. Retyped:
        // the line discipline flushes what was typed ahead of the interrupt.
        const m = await term.retype('echo sw""b-after-$?', /swb-after-(\d+)/, 60_000);
        assert.equal(m[1], '130', 'bash reports 128+SIGINT for the interrupted sleep');
        term.line('exit 7');
        const exit = await term.waitExit();
        assert.equal(exit.code, 7);
        assert.equal(exit.error, undefined);
      } finally {
        term.close();
      }
    });

    test("a job's terminal runs on the job's node; a two-node job's on the chosen node; an array task's in that task", async () => {
      const version = await runCall(transport, versionCall());
      const one = (await side.as(`sbatch --parsable -o /dev/null -t 5 --wrap 'sleep 300'`)).stdout.trim();
      const two = (await side.as(`sbatch --parsable -o /dev/null -t 5 -N2 --wrap 'sleep 300'`)).stdout.trim();
      const arr = (await side.as(`sbatch --parsable -o /dev/null -t 5 -a 1-2 --wrap 'sleep 300'`)).stdout.trim();
      cleanups.push(() => side.as(`scancel ${one} ${two} ${arr}`));
      const oneNode = await waitRunning(one, side.as);
      const twoNodes = await waitRunning(two, side.as);
      assert.match(twoNodes, /\[|,/, `a two-node job names two nodes (${twoNodes})`);
      await waitRunning(`${arr}_2`, side.as);

      const plan = await planJobTerminal(transport, version, one);
      assert.deepEqual(plan.place.nodes, [oneNode]);
      const term = await TermProbe.open(transport, jobTerminalArgv(plan));
      try {
        await term.ready();
        const out = (await term.run('hostname; echo node=$SLURMD_NODENAME job=$SLURM_JOB_ID')).split('\n').filter(Boolean);
        assert.equal(out[0], hostname(), 'hostname in the job (every node of the bed is this machine)');
        assert.equal(out[1], `node=${oneNode} job=${one}`);
        // The job ends: its terminal ends with it.
        await side.as(`scancel ${one}`);
        await term.waitExit(90_000);
      } finally {
        term.close();
      }

      const plan2 = await planJobTerminal(transport, version, two);
      assert.equal(plan2.place.nodes.length, 2);
      const second = plan2.place.nodes[1] as string;
      const term2 = await TermProbe.open(transport, jobTerminalArgv(plan2, second));
      try {
        await term2.ready();
        assert.equal((await term2.run('echo node=$SLURMD_NODENAME')).trim(), `node=${second}`);
      } finally {
        term2.close();
      }

      const plan3 = await planJobTerminal(transport, version, `${arr}_2`);
      const term3 = await TermProbe.open(transport, jobTerminalArgv(plan3));
      try {
        await term3.ready();
        // The step's environment names the raw id only; scontrol maps it back to the task.
        assert.equal((await term3.run('echo job=$SLURM_JOB_ID')).trim(), `job=${plan3.place.jobId}`);
        assert.equal((await term3.run('scontrol show job $SLURM_JOB_ID | grep -o "^JobId=$SLURM_JOB_ID ArrayJobId=[0-9]* ArrayTaskId=[0-9]*"')).trim(), `JobId=${plan3.place.jobId} ArrayJobId=${arr} ArrayTaskId=2`);
      } finally {
        term3.close();
      }
    });

    test('a dropped connection ends the terminal with a message saying so', { skip: side.name.startsWith('local') && 'the local transport has no connection to drop' }, async () => {
      const term = await TermProbe.open(transport, undefined);
      await term.ready();
      // Closing the connection under the terminal, as a network drop would.
      await transport.disconnect?.();
      const exit = await term.waitExit();
      assert.match(String(exit.error?.message), /connection to .* was lost/);
    });

    test('a job that is not running, or not queued, is refused with a clear message', async () => {
      const version = await runCall(transport, versionCall());
      const held = (await side.as(`sbatch --parsable --hold -o /dev/null -t 5 --wrap 'sleep 300'`)).stdout.trim();
      cleanups.push(() => side.as(`scancel ${held}`));
      await assert.rejects(planJobTerminal(transport, version, held), (err: unknown) => {
        assert.ok(err instanceof UserFacingError);
        assert.match(err.message, new RegExp(`Job ${held} is not running \\(it has not started yet\\)`));
        assert.ok(err.hint);
        return true;
      });
      await assert.rejects(planJobTerminal(transport, version, '999999999'), /Job 999999999 is not in the queue any more/);
    });
  });
}

selectedBedVersions().forEach((version, i) => {
  const bed = beds[i] as Bed;
  const lv = readLoginVariants(version);
  describe(`terminal through the tcsh login variant of ${bedLabel(bed)}`, () => tcshTests(bed, lv));
});

function tcshTests(bed: Bed, lv: LoginVariants): void {
  const v = lv.variants.find((x) => x.name === 'swtcsh');
  assert.ok(v, `the swtcsh login variant of ${bedLabel(bed)} is missing; re-run its up script (it runs login-variants.sh)`);
  const vb: Bed = variantBed(bed, v);
  let transport: Transport;
  before(() => {
    transport = bedTransport(vb, `${bed.clusterName}-swtcsh-term`);
  });
  after(() => transport.dispose());

  test('the login shell is tcsh, follows a resize, and a job terminal opens tcsh on the node', async () => {
    const term = await TermProbe.open(transport, undefined, { cols: 90, rows: 20 });
    try {
      await term.ready();
      assert.equal((await term.run('echo $shell')).trim(), v.shell);
      term.handle.resize(111, 33);
      assert.equal((await term.run('stty size')).trim(), '33 111');
    } finally {
      term.close();
    }
    const id = await sbatchAs(lv, v.user, ['-o', '/dev/null', '-t', '5', '--chdir=/tmp'], '#!/bin/sh\nsleep 300\n');
    cleanups.push(() => sshRun(`scancel ${id}`, { bed: vb }));
    const node = await waitRunning(id, (cmd) => sshRun(cmd, { bed: vb }));
    const plan = await planJobTerminal(transport, await runCall(transport, versionCall()), id);
    assert.equal(plan.shell, v.shell);
    const jt = await TermProbe.open(transport, jobTerminalArgv(plan));
    try {
      await jt.ready();
      assert.equal((await jt.run('echo node=$SLURMD_NODENAME shell=$shell')).trim(), `node=${node} shell=${v.shell}`);
    } finally {
      jt.close();
    }
  });
}

after(async () => {
  for (const c of cleanups) await c().catch(() => undefined);
});
