// Cluster profile commands inside a real VS Code against the real bundled cluster: Test Connection
// reports the real version, user and cluster; Remove takes the profile out of settings and the view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readBed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { bedFile, waitFor } from './support';

suite('Cluster profile commands against the bundled cluster', function () {
  this.timeout(120_000);
  let api: SlurmWorkbenchApi;
  const name = 'profile-test';

  suiteSetup(async () => {
    const bed = readBed(bedFile);
    const ext = vscode.extensions.getExtension<SlurmWorkbenchApi>('slurm-workbench.slurm-workbench');
    assert.ok(ext);
    api = await ext.activate();
    const config = vscode.workspace.getConfiguration('slurm');
    const others = (config.get<unknown[]>('profiles') ?? []).filter((p) => (p as { name?: string }).name !== name);
    await config.update(
      'profiles',
      [...others, { name, kind: 'ssh', host: bed.sshHost, port: bed.sshPort, user: bed.user, auth: 'key', identityFile: bed.identityFile, knownHostsFile: bed.knownHostsFile }],
      vscode.ConfigurationTarget.Global,
    );
    await waitFor('the profile as a cluster', () => api.snapshots().find((s) => s.profileName === name));
  });

  test('Test Connection reports Slurm version, user, cluster name and latency', async () => {
    const bed = readBed(bedFile);
    const text = await vscode.commands.executeCommand<string | undefined>('slurm.testConnection', name);
    assert.ok(text, 'the command reports');
    assert.match(text, new RegExp(`^${name}: Slurm ${bed.slurmVersion.replace(/\./g, '\\.')}, user ${bed.user}, cluster "${bed.clusterName}" — \\d+ ms per command`));
  });

  test('Remove Cluster Profile removes it from settings and from the view', async () => {
    const removed = await vscode.commands.executeCommand<boolean>('slurm.removeProfile', name, { confirm: false });
    assert.equal(removed, true);
    const left = vscode.workspace.getConfiguration('slurm').get<{ name: string }[]>('profiles') ?? [];
    assert.ok(!left.some((p) => p.name === name));
    await waitFor('the cluster gone from the view', () => (api.snapshots().some((s) => s.profileName === name) ? undefined : true));
  });
});
