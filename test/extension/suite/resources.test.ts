// The Resources view and the utilisation picture inside a real VS Code, against the real bundled
// cluster over the real sshd: a GPU job of ours holds one GPU, the view's model (returned by the
// refresh command) shows it the way sinfo does, a pending "wait for 4 GPUs" watch sits in the view,
// and both the view and the webview are photographed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { ClusterResourcesState } from '../../../src/resources/monitor';
import { takeScreenshot } from './screenshot';
import { activateWithBundledProfile, waitFor } from './support';



suite('Resources view against the bundled cluster', () => {
  let bed: Bed;
  const submitted: string[] = [];
  let watchId: string | undefined;

  suiteSetup(async () => {
    ({ bed } = await activateWithBundledProfile());
  });

  suiteTeardown(async () => {
    if (watchId) await vscode.commands.executeCommand('slurm.resources.cancelWait', watchId);
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  test('partitions with free CPUs/GPUs match sinfo while our GPU job runs; a watch shows in the view', async () => {
    const job = await sshRun(`sbatch --parsable -J 'wb resources view' -p gpu --gres=gpu:1 -c 2 -t 5 --wrap 'sleep 240'`, { bed });
    assert.equal(job.code, 0, job.stderr);
    const id = job.stdout.trim();
    submitted.push(id);
    const node = await waitFor(`job ${id} running`, async () => {
      const r = await sshRun(`squeue -h -j ${id} -o '%T %N'`, { bed });
      const [state, n] = r.stdout.trim().split(' ');
      return state === 'RUNNING' ? n : undefined;
    }, 90_000);

    await vscode.commands.executeCommand('slurm.resources.focus');
    const state = await waitFor('the Resources model with our job', async () => {
      const states = await vscode.commands.executeCommand<ClusterResourcesState[]>('slurm.resources.refresh', 'bundled');
      const s = states.find((x) => x.cluster === 'bundled');
      const n = s?.resources?.nodes.find((x) => x.name === node);
      return n && n.gpus.free < n.gpus.total && n.cpus.allocated >= 2 ? s : undefined;
    }, 90_000);
    const resources = state.resources!;
    assert.deepEqual(resources.partitions.map((p) => p.name), ['debug', 'gpu']);
    // Same node, same moment, through sinfo directly: GRES used and CPUs agree with the model.
    const sinfo = await sshRun(`sinfo -h -N -n ${node} -p gpu -O 'CPUsState:|,GresUsed:|'`, { bed });
    const [cpusState, gresUsed] = sinfo.stdout.trim().split('|');
    const n = resources.nodes.find((x) => x.name === node)!;
    const [alloc, idle] = cpusState.split('/').map(Number);
    // Others' jobs may start or end between the two readings; ours (1 GPU, 2 CPUs) is in both.
    assert.ok(alloc >= 2 && n.cpus.allocated >= 2, `sinfo ${cpusState}, model ${JSON.stringify(n.cpus)}`);
    assert.equal(n.cpus.total, alloc + idle);
    assert.match(gresUsed, /^gpu:[12]/);

    watchId = await vscode.commands.executeCommand<string>('slurm.resources.waitFor', { cluster: 'bundled', partition: 'gpu', resource: 'gpu', count: 4, onOneNode: false });
    assert.match(watchId ?? '', /^watch-\d+$/);
    await vscode.commands.executeCommand('slurm.resources.refresh', 'bundled');
    await takeScreenshot('resources-view', { waitForSelector: '.monaco-list-row[aria-label^="Waiting for 4 GPUs free in gpu"]' });
    await takeScreenshot('resources-view-nodes', { waitForSelector: `.monaco-list-row[aria-label^="Node ${node}: "][aria-label*="GPU free"]` });
  });

  test('the utilisation picture draws every partition', async () => {
    const drawn = await vscode.commands.executeCommand<number | undefined>('slurm.resources.showUtilisation', 'bundled');
    assert.equal(drawn, 2, 'both partitions drawn in the webview');
    await takeScreenshot('resources-utilisation', { waitForSelector: 'iframe.webview' });
    // The panel is the active editor now; close just it (other suites may leave dirty editors open).
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('cancelling the watch removes it', async () => {
    assert.ok(watchId);
    const cancelled = await vscode.commands.executeCommand<boolean>('slurm.resources.cancelWait', watchId);
    assert.equal(cancelled, true);
    watchId = undefined;
  });
});
