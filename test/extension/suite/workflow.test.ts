// Workflows inside a real VS Code against the real bundled cluster: the sample diamond's CodeLens
// offers Run Workflow and Show Graph (before a run: the plan, every step "planned"), the command
// submits it and every step ends COMPLETED (sacct), the Workflows view shows the run with its five
// steps completed, from the poll (screenshot); Show Graph on the run draws its five steps with
// their states (what the page reports it drew; screenshots in the dark and the light theme), and a
// click on a step's Job Details opens that job's details; a file with a cycle gets our diagnostic
// at its line (Red Hat's YAML extension is not installed here) and Run Workflow submits nothing.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import { finalState } from '../../integration/jobWait';
import type { SlurmWorkbenchApi } from '../../../src/api';
import type { WorkflowRun } from '../../../src/workflow/runRecord';
import type { GraphTestState } from '../../../src/vscode/workflowGraphPanel';
import { screenshotDir, takeScreenshot } from './screenshot';
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

    // Show Graph before any run: the file's plan, drawn by the page.
    const graphLens = ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? []).find((l) => l.command?.command === 'slurm.workflow.showGraph');
    assert.ok(graphLens, 'a Show Graph CodeLens');
    const plan = await vscode.commands.executeCommand<GraphTestState['rendered']>(graphLens.command!.command, ...(graphLens.command!.arguments ?? []));
    assert.ok(plan, 'the graph page drew nothing within 20 s');
    assert.deepEqual(plan.nodes.map((n) => [n.name, n.tone]), [['prep', 'planned'], ['train-a', 'planned'], ['train-b', 'planned'], ['eval', 'planned'], ['report', 'planned']]);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

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

    // Show Graph on the run (what its item's button does): the page draws the five steps with the view's states.
    const opening = Date.now();
    const drawn = await vscode.commands.executeCommand<GraphTestState['rendered']>('slurm.workflow.showGraph', { kind: 'run', run });
    const openMs = Date.now() - opening;
    assert.ok(drawn, 'the graph page drew nothing within 20 s');
    assert.deepEqual(drawn.nodes.map((n) => [n.name, n.state, n.tone]), run.steps.map((s) => [s.name, 'COMPLETED', 'completed']));
    const state = await vscode.commands.executeCommand<GraphTestState>('slurm.workflow.graphTestHook');
    assert.equal(state.view?.runKey, `bundled/diamond.${run.runId}`);
    assert.equal(state.view?.summary, '5 completed');
    assert.equal(state.view?.edges.length, 5);
    // The extension host's console is not shown: the figure goes next to the screenshots.
    fs.writeFileSync(path.join(screenshotDir(), 'workflow-graph.timing.json'), JSON.stringify({ openAndDrawnMs: openMs, steps: drawn.nodes.length, edges: state.view?.edges.length }));
    // The page's tab is the active editor; its content is in an iframe the shot includes. Both themes: every colour is a theme variable.
    const theme = vscode.workspace.getConfiguration('workbench');
    try {
      for (const [name, colorTheme] of [['workflow-graph-dark', 'Default Dark Modern'], ['workflow-graph-light', 'Default Light Modern']] as const) {
        await theme.update('colorTheme', colorTheme, vscode.ConfigurationTarget.Global);
        // The page gets the theme's colours a moment after the workbench: let it repaint before the shot.
        await new Promise((r) => setTimeout(r, 1000));
        const shot = await takeScreenshot(name, { waitForSelector: `.monaco-workbench.${colorTheme.includes('Dark') ? 'vs-dark' : 'vs'} .tab.active:has-text("Workflow: diamond")`, selectorTimeoutMs: 30_000 });
        assert.ok(fs.statSync(shot).size > 10_000);
      }
    } finally {
      await theme.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }

    // A click on report's "Job Details" (the page's message, fed through the same handler) opens that job's details.
    const report = run.steps.find((s) => s.name === 'report')!;
    await vscode.commands.executeCommand('slurm.workflow.graphTestHook', { message: { type: 'action', step: 'report', action: 'showDetails' } });
    const details = await waitFor('the job details of report', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'slurm-job' && e.document.uri.path.includes(String(report.jobId))));
    await waitFor('scontrol show job in the details', () => (/JobId=\d+/.test(details.document.getText()) ? true : undefined));
    assert.match(details.document.getText(), new RegExp(`JobName=diamond\\.${run.runId}\\.report`));

    // The file's graph now shows its last run instead of the plan.
    const fromFile = await vscode.commands.executeCommand<GraphTestState['rendered']>('slurm.workflow.showGraph', uri);
    assert.ok(fromFile?.nodes.every((n) => n.state === 'COMPLETED'), JSON.stringify(fromFile));
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
