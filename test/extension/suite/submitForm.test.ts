// "Submit with Options…" as one form (issue 18), inside a real VS Code against the real bundled
// cluster: the command opens the webview form for a script with `#SBATCH --partition=nosuch`, the
// page draws the preview of the exact script, a changed partition is named as what it overrides,
// Check runs sbatch --test-only on the cluster, and Submit submits with only the changed value passed.
//
// A webview's DOM cannot be reached from the extension host. The test therefore talks to the open
// form through its test hook (command slurm.submitForm.testHook, src/vscode/submitFormPanel.ts): it
// reads the last view the extension posted and what the page reports it drew ({ type: 'rendered' },
// sent by media/submitForm/submitForm.js after drawing), and posts messages exactly as the page
// would ({ type: 'change' | 'check' | 'submit' | 'cancel', ... }) into the same validated handler.
// Typing and clicking in the page itself is left to a browser-driven test.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import { finalState } from '../../integration/jobWait';
import type { SubmitOutcome } from '../../../src/commands/submitScript';
import type { FormValues } from '../../../src/submit/submitFormModel';
import type { SubmitFormTestState } from '../../../src/vscode/submitFormPanel';
import { activateWithBundledProfile, waitFor } from './support';

const remoteRoot = `~/.swb-ext-form-${randomBytes(4).toString('hex')}`;
const HOOK = 'slurm.submitForm.testHook';

/** The open form's state, or undefined while no form is open (the hook exists once a form was shown). */
async function formState(message?: unknown): Promise<SubmitFormTestState | undefined> {
  const all = await vscode.commands.getCommands(true);
  if (!all.includes(HOOK)) return undefined;
  const state = await vscode.commands.executeCommand<SubmitFormTestState>(HOOK, message === undefined ? undefined : { message });
  return state.open ? state : undefined;
}

/** Waits until the page has drawn view `seq` (or any view, without `seq`). */
function drawn(seq?: number, timeoutMs = 30_000): Promise<Required<SubmitFormTestState>> {
  return waitFor(`the form page to draw view ${seq ?? 'any'}`, async () => {
    const s = await formState();
    if (!s?.view || !s.rendered) return undefined;
    if (seq !== undefined && (s.rendered.seq !== seq || s.view.seq !== seq)) return undefined;
    return s as Required<SubmitFormTestState>;
  }, timeoutMs, 50);
}

suite('Submit with Options…: one form', () => {
  let bed: Bed;
  let dir: string;
  const submitted: number[] = [];
  const tag = randomBytes(3).toString('hex');

  suiteSetup(async function () {
    this.timeout(120_000);
    const activated = await activateWithBundledProfile({ remoteRoot });
    bed = activated.bed;
    const api = activated.api;
    await vscode.workspace.getConfiguration('slurm.submit').update('followLog', false, vscode.ConfigurationTarget.Global);
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'form');
    fs.mkdirSync(dir, { recursive: true });
    await waitFor('slurm.submitWithOptions registered', async () => ((await vscode.commands.getCommands(true)).includes('slurm.submitWithOptions') ? true : undefined), 10_000, 200);
    await waitFor('the bundled session', () => api.snapshots().find((s) => s.profileName === 'bundled'), 30_000, 200);
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    if (await formState()) await formState({ type: 'cancel' });
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    await vscode.workspace.getConfiguration('slurm.submit').update('followLog', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('#SBATCH --partition=nosuch: preview, a changed field named as an override, Check, Submit', async function () {
    this.timeout(300_000);
    const name = `wb form ${tag}`;
    const file = path.join(dir, 'nosuch.sh');
    fs.writeFileSync(file, `#!/bin/bash\n#SBATCH --job-name="${name}"\n#SBATCH --partition=nosuch\n#SBATCH --time=00:01:00\nhostname\n`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));

    const clicked = Date.now();
    // As the Explorer's context menu calls it: the file's URI, nothing else. Settles when the form does.
    const outcome = Promise.resolve(vscode.commands.executeCommand<SubmitOutcome>('slurm.submitWithOptions', vscode.Uri.file(file)));
    const opened = await drawn(undefined, 60_000);
    const openMs = Date.now() - clicked;

    // Prefilled from the file; the preview is the exact script; the file's partition is warned about.
    const values = opened.view.values as FormValues;
    assert.equal(values.partition, 'nosuch');
    assert.equal(values.time, '00:01:00');
    assert.equal(values.jobName, name);
    assert.match(opened.rendered.preview, /^#!\/bin\/bash\n/);
    assert.match(opened.rendered.preview, /^#SBATCH --partition=nosuch$/m);
    assert.match(opened.rendered.preview, /^hostname$/m);
    assert.equal(opened.view.preview.command, 'sbatch nosuch.sh');
    assert.match(opened.rendered.notes.partition, /Partition "nosuch" is not among the partitions of bundled/);
    assert.match(opened.rendered.notes.partition, /as the file says \(#SBATCH --partition=nosuch\)/);
    assert.ok(opened.view.partitions.some((p) => p.name === 'debug' && /CPUs free/.test(p.detail)), JSON.stringify(opened.view.partitions));

    // The partition changed as the page sends it: the page draws the override beside the field.
    const changed: FormValues = { ...values, partition: 'debug' };
    const changeStarted = Date.now();
    await formState({ type: 'change', seq: 1001, values: changed, template: opened.view.template });
    const after = await drawn(1001);
    const rerenderMs = Date.now() - changeStarted;
    assert.equal(after.rendered.notes.partition, '--partition=debug (overrides #SBATCH --partition=nosuch)');
    assert.equal(after.view.preview.command, 'sbatch --partition=debug nosuch.sh');
    assert.equal(after.view.preview.overrides, '--partition=debug (overrides #SBATCH --partition=nosuch)');
    assert.equal(after.rendered.notes.time, 'as the file says (#SBATCH --time=00:01:00)', 'an unchanged value is not passed');

    // Check: sbatch --test-only on the cluster, answered in the form, which stays open.
    await formState({ type: 'check', seq: 1002, values: changed, template: opened.view.template });
    const checked = await waitFor('the check\'s answer in the form', async () => {
      const s = await formState();
      return s?.view?.check && !s.view.check.running ? s.view.check : undefined;
    }, 90_000, 200);
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.match(checked.message ?? '', /^Check passed: would start at .* \(debug\)\. Nothing was submitted\./);

    // Submit: only the changed value is passed over the file's directive.
    await formState({ type: 'submit', seq: 1003, values: changed, template: opened.view.template });
    const result = await outcome;
    assert.ok(result.ok, JSON.stringify(result));
    submitted.push(result.jobId);
    assert.deepEqual(result.overrides, ['--partition=debug']);
    assert.equal(await formState(), undefined, 'the form closed on Submit');
    assert.equal(await finalState(bed, result.jobId), 'COMPLETED');
    // slurmdbd may record the job a few seconds after slurmctld ended it (a busy machine): ask until it answers.
    const partition = await waitFor('the job in accounting', async () => (await sshRun(`sacct -X -n -j ${result.jobId} -o Partition%20`, { bed })).stdout.trim() || undefined, 60_000, 1000);
    assert.equal(partition, 'debug');
    console.log(`# submit form: drawn ${openMs} ms after the command, a change re-drawn after ${rerenderMs} ms`);
    fs.mkdirSync(path.resolve(__dirname, '../../../../test-output/extension'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, '../../../../test-output/extension/submitForm-timing.txt'), `command→form drawn ${openMs} ms; change→re-drawn ${rerenderMs} ms\n`);
  });

  test('an error blocks Submit; Cancel closes the form and submits nothing', async function () {
    this.timeout(120_000);
    const file = path.join(dir, 'nosuch.sh');
    const outcome = Promise.resolve(vscode.commands.executeCommand<SubmitOutcome>('slurm.submitWithOptions', vscode.Uri.file(file)));
    const opened = await drawn(undefined, 60_000);
    const bad: FormValues = { ...(opened.view.values as FormValues), time: 'soon' };
    await formState({ type: 'submit', seq: 2001, values: bad, template: opened.view.template });
    const refused = await drawn(2001);
    assert.equal(refused.view.canSubmit, false);
    assert.match(refused.rendered.notes.time, /^Time as minutes/);
    await formState({ type: 'cancel' });
    const result = await outcome;
    assert.ok(!result.ok && result.cancelled, JSON.stringify(result));
  });

  test('scripted use opens no form: answers given up front (acceptDefaults) go straight to Preview', async function () {
    this.timeout(120_000);
    const file = path.join(dir, 'nosuch.sh');
    const preview = await vscode.commands.executeCommand<{ ok: boolean; overrides?: string }>('slurm.previewSubmit', { uri: file, ask: 'all', acceptDefaults: true, answers: { partition: 'debug' } });
    assert.ok(preview.ok, JSON.stringify(preview));
    assert.equal(preview.overrides, '--partition=debug (overrides #SBATCH --partition=nosuch)');
    assert.equal(await formState(), undefined, 'no form was opened');
  });
});
