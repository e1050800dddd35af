// Interactive sessions inside a real VS Code (code-server), against the bundled cluster over the
// real sshd: "Start Interactive Session…" run with scripted answers (the quick inputs are skipped,
// End Session chosen up front for when its terminal closes) submits the session's job, opens its
// terminal once it runs, and the Jobs view shows it as interactive with its time left; `hostname`
// typed into the terminal is read back through api.terminals; closing the terminal ends the job.
// The bed's nodes all run on this one machine, so `hostname` is this machine's name.
import * as assert from 'node:assert/strict';
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { takeScreenshot } from './screenshot';
import { activateWithBundledProfile, waitFor } from './support';

suite('Interactive sessions against the bundled cluster', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  const submitted: string[] = [];

  suiteSetup(async () => {
    ({ bed, api } = await activateWithBundledProfile());
    await waitFor('the bundled cluster session', () => api.snapshots().find((s) => s.profileName === 'bundled'));
  });

  suiteTeardown(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  const shown = (name: string): string => api.terminals?.list().find((t) => t.name === name)?.output ?? '';
  const squeue = async (id: string): Promise<string> => (await sshRun(`squeue -h -j ${id} -O 'Name:|,State:|,TimeLimit:|,NodeList:|' 2>/dev/null`, { bed })).stdout.trim();

  test('Start Interactive Session: the job runs as interactive, the terminal shows hostname, closing it with End Session ends the job', async function () {
    this.timeout(300_000);
    const started = await vscode.commands.executeCommand<{ jobId: string; terminal: vscode.Terminal } | undefined>(
      'slurm.startInteractiveSession', 'bundled', { answers: { partition: 'debug', time: '5', cpusPerTask: '1' }, onTerminalClose: 'end' },
    );
    assert.ok(started, 'the command returns the session it started');
    const { jobId, terminal } = started;
    submitted.push(jobId);
    const line = await squeue(jobId);
    assert.match(line, /^interactive\|RUNNING\|5:00\|node\d\|$/, `squeue: ${line}`);
    const node = line.split('|')[3];
    assert.match(terminal.name, new RegExp(`^bundled: interactive ${jobId} \\(${node}\\)$`));

    const item = await waitFor('the session in the Jobs view as interactive with its time left', async () => {
      await api.refresh();
      return (await api.jobsTreeItems?.())?.find((i) => i.label.startsWith(`${jobId} `) && /^RUNNING · \d+:\d\d left$/.test(i.description ?? ''));
    }, 60_000, 1000);
    assert.match(item.contextValue ?? '', /\binteractive\b/);

    let n = 0;
    await waitFor('the session shell answering', () => {
      terminal.sendText(`echo sw""b-ready-${++n}`);
      return /swb-ready-\d+\r?\n/.test(shown(terminal.name)) ? true : undefined;
    }, 90_000, 2000);
    terminal.sendText('echo sw""b-host=$(hostname) node=$SLURMD_NODENAME job=$SLURM_JOB_ID');
    const m = await waitFor('hostname and node in the terminal', () => /swb-host=(\S+) node=(\S+) job=(\d+)/.exec(shown(terminal.name)) ?? undefined, 60_000);
    assert.deepEqual([m[1], m[2], m[3]], [hostname(), node, jobId]);
    // The Jobs view beside the terminal: the session's item says interactive and its time left.
    await vscode.commands.executeCommand('slurm.jobs.focus');
    await takeScreenshot('interactive-session', { waitForSelector: `.monaco-list-row[aria-label*="Job ${jobId} interactive"]` });

    terminal.dispose();
    await waitFor(`job ${jobId} gone from squeue after its terminal closed`, async () => ((await squeue(jobId)) === '' ? true : undefined), 60_000, 1000);
    await waitFor('the Jobs view no longer showing the session running', async () => {
      await api.refresh();
      const row = api.snapshots().find((s) => s.profileName === 'bundled')?.jobs.find((j) => j.id === jobId);
      return !row || !/RUNNING|PENDING/.test(row.state) ? true : undefined;
    }, 60_000, 1000);
  });
});
