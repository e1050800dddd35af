// Limit warnings and QOS completion inside a real VS Code against the bundled cluster: a script
// asking for more time than the partition allows is stopped before anything is uploaded when the
// answer is "Edit" (scripted: the modal itself cannot be clicked from the extension host), and the
// editor then selects the offending --time value; `#SBATCH --qos=` completes the cluster's QOS.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { SubmitOutcome } from '../../../src/commands/submitScript';
import { activateWithBundledProfile, waitFor } from './support';

const remoteRoot = `~/.swb-ext-limits-${randomBytes(4).toString('hex')}`;

suite('Submit limit warnings and QOS completion against the bundled cluster', () => {
  let bed: Bed;
  let dir: string;

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ bed } = await activateWithBundledProfile({ remoteRoot }));
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'limits');
    fs.mkdirSync(dir, { recursive: true });
    await waitFor('slurm.submit registered', async () => ((await vscode.commands.getCommands(true)).includes('slurm.submit') ? true : undefined), 10_000, 200);
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('time above the partition MaxTime + "Edit": nothing uploaded or submitted, the --time value selected', async function () {
    this.timeout(120_000);
    const file = path.join(dir, 'too long.sh');
    fs.writeFileSync(file, '#!/bin/bash\n#SBATCH -p debug\n#SBATCH --time=3:00:00\nhostname\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const outcome = await vscode.commands.executeCommand<SubmitOutcome>('slurm.submit', { acceptDefaults: true, limitWarnings: 'edit', answers: { jobName: 'wb too long' } });
    assert.ok(!outcome.ok);
    assert.equal(outcome.cancelled, true);
    const left = await sshRun(`ls -A ${remoteRoot}/jobs 2>/dev/null || true`, { bed });
    assert.equal(left.stdout.trim(), '', 'nothing uploaded');
    const queued = await sshRun(`squeue -h -u "$USER" -n 'wb too long' -o %i`, { bed });
    assert.equal(queued.stdout.trim(), '', 'nothing submitted');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.getText(editor.selection), '3:00:00');
  });

  test('#SBATCH --qos= completes the QOS of the cluster', async function () {
    this.timeout(60_000);
    const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: '#!/bin/bash\n#SBATCH --qos=\nhostname\n' });
    await vscode.window.showTextDocument(doc);
    const labels = await waitFor('QOS completion items', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(1, 14));
      const names = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return names.includes('normal') ? names : undefined;
    }, 30_000, 1000);
    assert.ok(labels.includes('normal'), labels.join(', '));
  });
});
