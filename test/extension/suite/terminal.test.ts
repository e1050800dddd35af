// Terminals inside a real VS Code (code-server), against the bundled cluster over the real sshd:
// "Open Terminal in Job" on a running job opens a VS Code terminal (a Pseudoterminal over the
// profile's connection); text sent to it runs in the job's shell, and what the terminal shows is
// read back through the extension's test API (api.terminals). The bed's nodes all run on this one
// machine, so `hostname` is this machine's name and $SLURMD_NODENAME says which node the shell is on.
import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { activateWithBundledProfile, waitFor } from './support';

suite('Terminals against the bundled cluster', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  const submitted: string[] = [];
  const opened: vscode.Terminal[] = [];

  suiteSetup(async () => {
    ({ bed, api } = await activateWithBundledProfile());
    await waitFor('the bundled cluster session', () => api.snapshots().find((s) => s.profileName === 'bundled'));
  });

  suiteTeardown(async () => {
    for (const t of opened) t.dispose();
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  /** The terminal's output as the test API sees it. */
  function shown(name: string): string {
    return api.terminals?.list().find((t) => t.name === name)?.output ?? '';
  }

  test('Open Terminal in Job: hostname and the node run in the job, read back from the terminal', async () => {
    assert.ok(api.terminals, 'the extension API exposes terminals');
    const r = await sshRun(`sbatch --parsable -J swb-term-ext -t 5 -o /dev/null --wrap 'sleep 300'`, { bed });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    submitted.push(id);
    const row = await waitFor(`job ${id} running in the Jobs view's model`, async () => {
      await api.refresh();
      return api.snapshots().find((s) => s.profileName === 'bundled')?.jobs.find((j) => j.id === id && j.state === 'RUNNING');
    }, 90_000, 1000);

    const terminal = await vscode.commands.executeCommand<vscode.Terminal | undefined>('slurm.openJobTerminal', { cluster: 'bundled', jobId: id });
    assert.ok(terminal, 'the command returns the terminal');
    opened.push(terminal);
    const name = terminal.name;
    assert.match(name, new RegExp(`job ${id}`));
    // Typed again until a shell runs it: the pty opens after the terminal shows.
    let n = 0;
    await waitFor('the job shell answering', () => {
      terminal.sendText(`echo sw""b-ready-${++n}`);
      return /swb-ready-\d+\r?\n/.test(shown(name)) ? true : undefined;
    }, 90_000, 2000);
    terminal.sendText('echo sw""b-host=$(hostname) node=$SLURMD_NODENAME job=$SLURM_JOB_ID');
    const m = await waitFor('hostname and node in the terminal', () => /swb-host=(\S+) node=(\S+) job=(\d+)/.exec(shown(name)) ?? undefined, 60_000);
    assert.equal(m[1], hostname());
    assert.equal(m[2], row.nodes);
    assert.equal(m[3], id);
  });
});
