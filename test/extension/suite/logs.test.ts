// Live job logs inside a real VS Code, against the real bundled cluster over the real sshd: a job
// that prints a numbered line every 200 ms is followed into its output channel `Slurm <id> <name>`;
// the channel holds every line once, in order, then the job's end state. Screenshot mid-run.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { takeScreenshot } from './screenshot';
import { activateWithBundledProfile, waitFor } from './support';



suite('Live job logs against the bundled cluster', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  const submitted: string[] = [];

  suiteSetup(async () => {
    ({ bed, api } = await activateWithBundledProfile());
    await waitFor('the bundled cluster session', () => api.snapshots().find((s) => s.profileName === 'bundled'));
  });

  suiteTeardown(async () => {
    await api.logs?.stopAll();
    // Leave the workbench as we found it: the output panel would cover the next suites' views.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Follow Log: the channel "Slurm <id> <name>" fills while the job runs and ends with its state', async () => {
    const logs = api.logs;
    assert.ok(logs, 'the extension API exposes logs');
    const name = `wb-live-${Date.now()}`;
    const r = await sshRun(`sbatch --parsable -J ${name} -t 5 -o 'swb-live-%j.out' --wrap 'for i in $(seq 1 40); do echo "step $i of 40"; sleep 0.2; done'`, { bed });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    submitted.push(id);

    const names = await logs.follow('bundled', id);
    assert.deepEqual(names, [`Slurm ${id} ${name}`]);
    await waitFor('a few lines in the channel', () => (/step 5 of 40/.test(logs.channelText('bundled', id)?.out ?? '') ? true : undefined), 60_000, 250);
    assert.ok(logs.followed().some((f) => f.jobId === id), 'followed while the job runs');
    await vscode.commands.executeCommand('workbench.action.output.toggleOutput').then(undefined, () => undefined);
    const channel = logs.channelText('bundled', id);
    if (!channel?.out.includes('COMPLETED')) {
      await takeScreenshot('logs-output-channel-live', { waitForSelector: '.part.panel .monaco-editor .view-lines' });
    }

    const text = await waitFor('the final line', () => {
      const t = logs.channelText('bundled', id)?.out ?? '';
      return /Job \d+ COMPLETED, exit code 0:0\./.test(t) ? t : undefined;
    }, 90_000);
    const steps = text.split('\n').filter((l) => l.startsWith('step '));
    assert.deepEqual(steps, Array.from({ length: 40 }, (_, i) => `step ${i + 1} of 40`), 'every line once, in order');
    assert.match(text, new RegExp(`» Job ${id} COMPLETED, exit code 0:0\\.\\n$`));
    await waitFor('the follower to leave the registry', () => (logs.followed().some((f) => f.jobId === id) ? undefined : true));
  });
});
