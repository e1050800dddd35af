// Remote files inside a real VS Code (code-server) against the bundled cluster over the real sshd:
// a job runs in a folder whose name has spaces; "Open Job Folder" gives slurm://bundled/<dir>
// (adding it to the Explorer is left out here, see below); its output file is read through vscode.workspace.fs; a file
// of the folder is edited in an editor and saved, and read back on the cluster over ssh; a save
// over a file changed on the cluster meanwhile is refused (the Overwrite/Cancel modal answered
// "Cancel" through the API: a modal cannot be clicked from the extension host), and "Overwrite" writes.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { activateWithBundledProfile, waitFor } from './support';

suite('Remote files (slurm://) against the bundled cluster', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  let dir = '';
  let jobId = '';

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ bed, api } = await activateWithBundledProfile());
    await waitFor('the bundled cluster session', () => api.snapshots().find((s) => s.profileName === 'bundled'));
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    api.remoteFiles?.answerConflicts(undefined);
    if (jobId) await sshRun(`scancel ${jobId}`, { bed });
    if (dir) await sshRun(`rm -rf '${dir}'`, { bed });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Open Job Folder, read the output, edit + save, a conflicting save refused', async function () {
    this.timeout(240_000);
    const remoteFiles = api.remoteFiles;
    assert.ok(remoteFiles, 'the extension API exposes remoteFiles');
    dir = (await sshRun("mktemp -d '/tmp/swb remote fs ext.XXXXXX'", { bed })).stdout.trim();
    assert.match(dir, /^\/tmp\/swb remote fs ext\./);
    const marker = `output of the job ${randomBytes(6).toString('hex')}`;
    await sshRun(`printf 'original\\n' > '${dir}/notes.txt'`, { bed });
    const r = await sshRun(`sbatch --parsable -J swb-remotefs-ext -t 5 -o '${dir}/job out.txt' --chdir='${dir}' --wrap 'echo ${marker}; sleep 300'`, { bed });
    assert.equal(r.code, 0, r.stderr);
    jobId = r.stdout.trim();
    await waitFor(`job ${jobId} with its work dir in the Jobs view's model`, async () => {
      await api.refresh();
      return api.snapshots().find((s) => s.profileName === 'bundled')?.jobs.some((j) => j.id === jobId && j.workDir === dir) ? true : undefined;
    }, 90_000, 1000);

    // The folder is not added to this window's workspace (addToWorkspace: false): the test window is
    // a single folder, and adding a second one makes code-server reload the window into an untitled
    // workspace, which would end the suite. Everything below goes through the Uri the command gives.
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('slurm.openJobFolder', { cluster: 'bundled', jobId }, undefined, { offerRemoteSsh: false, addToWorkspace: false });
    assert.ok(uri, 'the command returns the job folder');
    assert.equal(uri.scheme, 'slurm');
    assert.equal(uri.authority, 'bundled');
    assert.equal(uri.path, dir);
    const st = await vscode.workspace.fs.stat(uri);
    assert.equal(st.type, vscode.FileType.Directory);

    // The output file exists once the job starts (a busy queue may keep it pending a while).
    const listing = await waitFor('the job folder listing with the job output', async () => {
      const entries = await vscode.workspace.fs.readDirectory(uri);
      return entries.some(([name]) => name === 'job out.txt') ? entries : undefined;
    }, 90_000, 1000);
    assert.deepEqual(listing.map(([name]) => name).sort(), ['job out.txt', 'notes.txt']);
    const out = await waitFor('the job output through vscode.workspace.fs', async () => {
      const text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(uri, 'job out.txt'))).toString();
      return text.includes(marker) ? text : undefined;
    }, 60_000, 1000);
    assert.match(out, new RegExp(marker));

    // Edit in an editor and save; the cluster has the new text.
    const notes = vscode.Uri.joinPath(uri, 'notes.txt');
    const doc = await vscode.workspace.openTextDocument(notes);
    assert.equal(doc.getText(), 'original\n');
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(notes, new vscode.Position(1, 0), 'edited in VS Code\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), 'the save succeeds');
    const onCluster = await sshRun(`cat '${dir}/notes.txt'`, { bed });
    assert.equal(onCluster.stdout, 'original\nedited in VS Code\n');

    // Someone changes it on the cluster (a minute ahead, so the change is visible whatever the clock's second).
    await vscode.workspace.fs.readFile(notes);
    await sshRun(`printf 'changed on the cluster\\n' > '${dir}/notes.txt' && touch -d @$(( $(date +%s) + 60 )) '${dir}/notes.txt'`, { bed });
    remoteFiles.answerConflicts('Cancel');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(notes, Buffer.from('my version\n'))), (err: unknown) => /changed on the cluster/.test(String((err as Error).message)));
    assert.equal((await sshRun(`cat '${dir}/notes.txt'`, { bed })).stdout, 'changed on the cluster\n', 'the refused save changed nothing');
    assert.equal(remoteFiles.conflicts().length, 1);
    remoteFiles.answerConflicts('Overwrite');
    await vscode.workspace.fs.writeFile(notes, Buffer.from('my version\n'));
    assert.equal((await sshRun(`cat '${dir}/notes.txt'`, { bed })).stdout, 'my version\n');
  });
});
