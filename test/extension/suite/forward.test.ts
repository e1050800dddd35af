// Forwarded ports inside a real VS Code (code-server), against the bundled cluster over the real
// sshd: a job runs `python3 -m http.server` in a temp folder holding a known file. "Forward Port
// from Job…" (its questions answered by the preset argument) forwards it and the file is fetched
// through the local port and through the address asExternalUri gives (code-server's own proxy);
// the link the server prints in its log document is a clickable link whose command forwards and
// opens it, in the followed log channel too; cancelling the job closes the forward.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { ForwardInfo } from '../../../src/forward/forwardRegistry';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { activateWithBundledProfile, waitFor } from './support';
import { freePort, httpGet } from '../../integration/netSupport';



suite('Forwarded ports against the bundled cluster', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  let dir = '';
  const submitted: string[] = [];

  suiteSetup(async () => {
    ({ bed, api } = await activateWithBundledProfile());
    await waitFor('the bundled cluster session', () => api.snapshots().find((s) => s.profileName === 'bundled'));
  });

  suiteTeardown(async () => {
    api.forwards?.closeAll();
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    if (dir) await sshRun(`rm -rf '${dir}'`, { bed });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Forward Port from Job: the file the job serves arrives through the local port and asExternalUri; the log link forwards; cancel closes', async () => {
    const forwards = api.forwards;
    assert.ok(forwards, 'the extension API exposes forwards');
    dir = (await sshRun('mktemp -d /tmp/swb-forward-ext.XXXXXX', { bed })).stdout.trim();
    assert.match(dir, /^\/tmp\/swb-forward-ext\./);
    const body = `served by the job ${randomBytes(6).toString('hex')}`;
    await sshRun(`cat > '${dir}/hello.txt'`, { bed, input: body });
    const port = await freePort();
    const r = await sshRun(`sbatch --parsable -J swb-forward-ext -t 5 -o '${dir}/job.log' --chdir='${dir}' --wrap 'exec python3 -u -m http.server ${port} --bind 0.0.0.0'`, { bed });
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    submitted.push(id);
    await waitFor(`job ${id} running in the Jobs view's model`, async () => {
      await api.refresh();
      return api.snapshots().find((s) => s.profileName === 'bundled')?.jobs.some((j) => j.id === id && j.state === 'RUNNING') ? true : undefined;
    }, 90_000, 1000);

    const forward = await vscode.commands.executeCommand<ForwardInfo | undefined>('slurm.forwardPort', { cluster: 'bundled', jobId: id }, undefined, { port, offerOpen: false });
    assert.ok(forward, 'the command returns the forward');
    assert.equal(forward.remotePort, port);
    assert.deepEqual(forwards.list().map((f) => f.id), [forward.id]);
    const direct = await waitFor('the server answering through the forward', async () => {
      const res = await httpGet(`http://127.0.0.1:${forward.localPort}/hello.txt`);
      return res.status === 200 ? res : undefined;
    }, 60_000);
    assert.equal(direct.body, body);
    const external = await forwards.externalUrl(forward, '/hello.txt');
    const viaExternal = await httpGet(external);
    assert.deepEqual(viaExternal, { status: 200, body }, `through ${external}`);

    // The job's log, opened read-only, shows the link http.server prints as a forwarding link.
    await vscode.commands.executeCommand('slurm.openStdout', { profileName: 'bundled', jobId: id });
    const doc = await waitFor('the log document', () => vscode.window.activeTextEditor?.document.uri.scheme === 'slurm-log' ? vscode.window.activeTextEditor.document : undefined, 30_000);
    const links = await waitFor('a forwarding link in the log', async () => {
      const found = (await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri)) ?? [];
      const ours = found.filter((l) => l.target?.scheme === 'command' && l.target.path === 'slurm.openForwardedLink');
      return ours.length > 0 ? ours : undefined;
    }, 30_000, 1000);
    assert.equal(doc.getText(links[0].range), `http://0.0.0.0:${port}/`);
    const [args] = JSON.parse(decodeURIComponent(links[0].target?.query ?? '')) as [Record<string, unknown>];
    const opened = await vscode.commands.executeCommand<{ forward: ForwardInfo; url: string } | undefined>('slurm.openForwardedLink', args, { open: false });
    assert.ok(opened, 'the link command forwards');
    assert.equal(opened.forward.id, forward.id, 'the open forward is reused');
    assert.deepEqual(await httpGet(`${opened.url}hello.txt`), { status: 200, body });

    // Followed into its output channel, the same link is a forwarding link there too.
    await api.logs?.follow('bundled', id);
    await vscode.commands.executeCommand('workbench.action.output.toggleOutput').then(undefined, () => undefined);
    const channelLinks = await waitFor('a forwarding link in the followed channel', async () => {
      const channelDoc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.path).includes(`Slurm ${id} `));
      if (!channelDoc) throw new Error(`no output document for the channel; output documents: ${vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'output').map((d) => d.uri.toString()).join(', ') || 'none'}`);
      const found = (await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', channelDoc.uri)) ?? [];
      const ours = found.filter((l) => l.target?.scheme === 'command' && l.target.path === 'slurm.openForwardedLink');
      return ours.length > 0 ? { doc: channelDoc, ours } : undefined;
    }, 30_000, 1000);
    assert.equal(channelLinks.doc.getText(channelLinks.ours[0].range), `http://0.0.0.0:${port}/`);
    await api.logs?.stopAll();
    await vscode.commands.executeCommand('workbench.action.closePanel');

    await sshRun(`scancel ${id}`, { bed });
    await waitFor('the forward closed after the job ended', async () => {
      await api.refresh();
      return forwards.list().length === 0 ? true : undefined;
    }, 90_000, 1000);
    await assert.rejects(httpGet(`http://127.0.0.1:${forward.localPort}/hello.txt`), /ECONNREFUSED/);
  });
});
