// The onboarding walkthrough inside a real VS Code (code-server): it renders (screenshot), and each of
// its steps completes on the real thing — "Connect" once a cluster is connected after Set Up Bundled
// Cluster (the native bring-up for real: up.sh is idempotent and the cluster is already up), Submit
// (the sample goes to the real cluster), "Watch its log" once a log is followed (the submit follows it
// by itself), Cancel Job (our own job only).
// The commands go through the workbench's command service (`runCommands`), as a click on a step's
// button or F1 does: a command the extension host runs for itself never reaches the walkthrough.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { takeScreenshot } from './screenshot';

const extensionId = 'slurm-workbench.slurm-workbench';
const walkthroughId = `${extensionId}#gettingStarted`;
// out/test/extension/suite/index.js -> the repository root.
const repoRoot = path.resolve(__dirname, '../../../..');
const step = (id: string, done: boolean): string => `button.getting-started-step[data-step-id$="${id}"][aria-checked="${done}"]`;


/** Runs a command in the workbench (like the walkthrough's buttons); resolves when it has run. */
async function viaWorkbench(command: string, args?: unknown): Promise<void> {
  await vscode.commands.executeCommand('runCommands', { commands: [args === undefined ? { command } : { command, args }] });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Brings the walkthrough back in front of the editor the commands opened. */
async function showWalkthrough(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);
}

type ProfileSetting = { name: string; host?: string; port?: number; auth?: string };

suite('Walkthrough: Get Started with Slurm Workbench', () => {
  let cluster = '';
  let jobId = '';
  let api: SlurmWorkbenchApi;

  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension(extensionId)?.activate()) as SlurmWorkbenchApi;
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
    // Earlier suites connected and followed logs, which ticked "Connect" and "Watch its log" already:
    // with no cluster and no follow left, start the walkthrough afresh (Developer: Reset Welcome Page
    // Walkthrough Progress).
    await api.logs?.stopAll();
    await until('no cluster session left', () => (api.snapshots().length === 0 ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.commands.executeCommand('resetGettingStartedProgress');
  });

  suiteTeardown(async () => {
    if (cluster && jobId) await vscode.commands.executeCommand('slurm.cancelJob', { cluster, jobId }, undefined, { confirm: false });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  test('it renders with its four steps, none done yet', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);
    const png = await takeScreenshot('walkthrough-open', { waitForSelector: step('connect', false), selectorTimeoutMs: 30_000 });
    assert.ok(fs.statSync(png).size > 10_000);
    for (const id of ['submit', 'logs', 'cancel']) await takeScreenshot(`walkthrough-step-${id}-pending`, { waitForSelector: step(id, false) });
  });

  test('"Connect": Set Up Bundled Cluster brings the cluster up natively and writes its profile', async () => {
    const bed = JSON.parse(fs.readFileSync(path.join(repoRoot, '.bed/cluster.json'), 'utf8')) as { clusterName: string; sshPort: number };
    await viaWorkbench('slurm.setupBundledCluster', { repoRoot, confirm: false });
    const ours = await until('the bundled profile in settings', () =>
      (vscode.workspace.getConfiguration('slurm').get<ProfileSetting[]>('profiles') ?? []).find((p) => p.name === bed.clusterName));
    assert.equal(ours.auth, 'key');
    assert.equal(ours.port, bed.sshPort);
    cluster = ours.name;
    // Not ticked by writing the profile: by the session being connected (its first poll).
    await api.refresh();
    await until('the session connected', () => (api.snapshots().find((s) => s.profileName === cluster)?.connection.kind === 'connected' ? true : undefined), 60_000);
    await showWalkthrough();
    await takeScreenshot('walkthrough-connect-done', { waitForSelector: step('connect', true) });
  });

  test('"Submit": the sample opens without overwriting the workspace\'s hello.sbatch, and is submitted', async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(workspace);
    const usersFile = path.join(workspace, 'hello.sbatch');
    const before = fs.readFileSync(usersFile, 'utf8');
    await viaWorkbench('slurm.openSample', 'hello.sbatch');
    const sample = await until('the sample in the editor', () => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      return uri && /^hello(-\d+)?\.sbatch$/.test(path.basename(uri.fsPath)) && uri.fsPath !== usersFile ? uri : undefined;
    });
    assert.equal(fs.readFileSync(usersFile, 'utf8'), before, 'the workspace\'s own hello.sbatch was changed');
    assert.equal(fs.readFileSync(sample.fsPath, 'utf8'), fs.readFileSync(path.join(repoRoot, 'media/samples/hello.sbatch'), 'utf8'));

    // The submitted job is followed at once (slurm.submit.followLog): its id shows up there.
    const logs = api.logs;
    assert.ok(logs, 'the extension API has no logs');
    const followedBefore = new Set(logs.followed().map((f) => `${f.profileName}/${f.jobId}`));
    await viaWorkbench('slurm.submit', { uri: sample.fsPath, profile: cluster, acceptDefaults: true });
    jobId = await until('the submitted job followed', () => logs.followed().find((f) => f.profileName === cluster && !followedBefore.has(`${f.profileName}/${f.jobId}`))?.jobId, 90_000);
    await showWalkthrough();
    await takeScreenshot('walkthrough-submit-done', { waitForSelector: step('submit', true) });
  });

  test('"Watch its log": ticked by the follow the submit started, no command needed', async () => {
    await showWalkthrough();
    await takeScreenshot('walkthrough-logs-done-by-submit', { waitForSelector: step('logs', true) });
    await viaWorkbench('slurm.followLog', { profileName: cluster, jobId });
    await until('its log channel fills', () => (api.logs?.channelText(cluster, jobId)?.out.includes('hello from') ? true : undefined), 90_000);
    await showWalkthrough();
    await takeScreenshot('walkthrough-logs-done', { waitForSelector: step('logs', true) });
  });

  test('"Cancel a job": Cancel Job on it; every step is then done', async () => {
    const cancelled = jobId;
    await vscode.commands.executeCommand('runCommands', { commands: [{ command: 'slurm.cancelJob', args: [{ cluster, jobId }, undefined, { confirm: false }] }] });
    let state = '';
    for (const deadline = Date.now() + 90_000; !/CANCELLED/.test(state) && Date.now() < deadline;) {
      await api.refresh();
      state = api.snapshots().find((s) => s.profileName === cluster)?.jobs.find((j) => j.id === cancelled)?.state ?? '';
      if (!/CANCELLED/.test(state)) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.match(state, /CANCELLED/, `job ${cancelled} did not end CANCELLED`);
    jobId = '';
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', walkthroughId, false);
    for (const id of ['connect', 'submit', 'logs']) await takeScreenshot(`walkthrough-check-${id}`, { waitForSelector: step(id, true) });
    await takeScreenshot('walkthrough-with-log', { waitForSelector: step('cancel', true) });
    // Without the panel every step shows, all four checked.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const png = await takeScreenshot('walkthrough-all-done', { waitForSelector: step('cancel', true) });
    assert.ok(fs.statSync(png).size > 10_000);
  });
});
