// Workflows inside a real VS Code against the real bundled cluster: the sample diamond's CodeLens
// offers Run Workflow, the command submits it and every step ends COMPLETED (sacct), the Workflows
// view shows the run with its five steps completed, from the poll (screenshot); a file with a cycle gets our diagnostic at its line (Red Hat's
// YAML extension is not installed here) and Run Workflow submits nothing for it.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import { finalState } from '../../integration/jobWait';
import type { SlurmWorkbenchApi } from '../../../src/api';
import type { WorkflowRun } from '../../../src/workflow/runRecord';
import { takeScreenshot } from './screenshot';
import { activateWithBundledProfile, waitFor } from './support';

const remoteRoot = `~/.swb-ext-workflow-${randomBytes(4).toString('hex')}`;
const repoRoot = path.resolve(__dirname, '../../../..');

suite('Workflows against the bundled cluster', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  let dir: string;
  const submitted: number[] = [];

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ bed, api } = await activateWithBundledProfile({ remoteRoot }));
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'workflow');
    fs.mkdirSync(dir, { recursive: true });
    await waitFor('the Run Workflow command', async () => ((await vscode.commands.getCommands(true)).includes('slurm.runWorkflow') ? true : undefined));
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The workspace is reused by the next run, whose first suite needs a window where nothing activated us.
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the sample diamond: CodeLens Run Workflow, every step COMPLETED, the run in the Workflows view', async function () {
    this.timeout(420_000);
    const file = path.join(dir, 'diamond.slurm.yaml');
    fs.copyFileSync(path.join(repoRoot, 'media/samples/diamond.slurm.yaml'), file);
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await waitFor('the Run Workflow CodeLens', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found?.find((l) => l.command?.command === 'slurm.runWorkflow');
    });
    assert.equal(lenses.range.start.line, 0);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'the sample has no problem');

    // What clicking the CodeLens does: its command with its arguments.
    const run = await vscode.commands.executeCommand<WorkflowRun | undefined>(lenses.command!.command, ...(lenses.command!.arguments ?? []));
    assert.ok(run, 'Run Workflow submitted nothing (its error is in the log)');
    submitted.push(...run.steps.map((s) => s.jobId));
    assert.deepEqual(run.steps.map((s) => s.name), ['prep', 'train-a', 'train-b', 'eval', 'report']);
    for (const s of run.steps) assert.equal(await finalState(bed, s.jobId), 'COMPLETED', `step ${s.name}`);

    await vscode.commands.executeCommand('workbench.view.extension.slurm');
    await vscode.commands.executeCommand('slurm.workflows.focus');
    // The view takes its states from the poll (no call of its own): one poll after the end shows them all.
    await api.refresh();
    const png = await takeScreenshot('workflow-run', { waitForSelector: `.monaco-list-row:has-text("${run.runId}"):has-text("5 completed")`, selectorTimeoutMs: 60_000 });
    assert.ok(fs.statSync(png).size > 10_000);
  });

  test('a cycle: diagnostic at its line and column, and Run Workflow submits nothing', async function () {
    this.timeout(120_000);
    const file = path.join(dir, 'loop.slurm.yaml');
    fs.writeFileSync(file, 'steps:\n  - { name: a, command: "true", depends_on: [b] }\n  - { name: b, command: "true", depends_on: [a] }\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostic = await waitFor('the cycle diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => /cycle: a → b → a/.test(d.message)));
    assert.equal(diagnostic.range.start.line, 1);
    assert.equal(diagnostic.source, 'Slurm workflow');
    const run = await vscode.commands.executeCommand<WorkflowRun | undefined>('slurm.runWorkflow', uri);
    assert.equal(run, undefined);
    const queued = await sshRun(`ls ${remoteRoot}/workflows 2>/dev/null | grep -c '^loop\\.' || true`, { bed });
    assert.equal(queued.stdout.trim(), '0', 'no run folder for the refused file');
  });
});
