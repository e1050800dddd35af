// Submit as a user lives it (issue 18), inside a real VS Code against the real bundled cluster:
// - one click: "Submit to Slurm" on a script whose #SBATCH lines say enough submits with no question
//   at all (a prompt would hang the command: it is raced against a deadline) and the job reaches
//   COMPLETED; the times from the click to the job's row in the Jobs tree are printed (measured, not
//   asserted: speed belongs to `npm run bench`);
// - the file's values win: `#SBATCH --partition=nosuch` is submitted as written, so sbatch's own
//   refusal is shown and nothing runs on debug; an answer that changes it is named as an override;
// - an unreachable cluster fails at once with a clear error, and does not become the cluster the
//   next click goes to.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import { finalState } from '../../integration/jobWait';
import type { SubmitOutcome } from '../../../src/commands/submitScript';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { activateWithBundledProfile, waitFor } from './support';

const remoteRoot = `~/.swb-ext-oneclick-${randomBytes(4).toString('hex')}`;

/** The command, or a failure when it has not finished by `ms` (it would be waiting for a prompt). */
async function withinDeadline<T>(what: string, run: Thenable<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000} s: it is waiting for an answer`)), ms); });
  try {
    return await Promise.race([Promise.resolve(run), late]);
  } finally {
    clearTimeout(timer);
    // A prompt left open would block the next test.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  }
}

suite('Submit in one click; the file\'s values win', () => {
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  let dir: string;
  const submitted: number[] = [];
  const tag = randomBytes(3).toString('hex');

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ bed, api } = await activateWithBundledProfile({ remoteRoot }));
    await vscode.workspace.getConfiguration('slurm.submit').update('followLog', false, vscode.ConfigurationTarget.Global);
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'oneclick');
    fs.mkdirSync(dir, { recursive: true });
    await waitFor('slurm.submitWithOptions registered', async () => ((await vscode.commands.getCommands(true)).includes('slurm.submitWithOptions') ? true : undefined), 10_000, 200);
    await waitFor('the bundled session', () => api.snapshots().find((s) => s.profileName === 'bundled'), 30_000, 200);
  });

  suiteTeardown(async function () {
    this.timeout(60_000);
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await sshRun(`rm -rf ${remoteRoot}`, { bed });
    await vscode.workspace.getConfiguration('slurm.submit').update('followLog', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('one click, no prompt: a complete script is submitted, shows in the Jobs tree and reaches COMPLETED', async function () {
    this.timeout(300_000);
    const name = `wb oneclick ${tag}`;
    const file = path.join(dir, 'complete.sh');
    fs.writeFileSync(file, `#!/bin/bash\n#SBATCH --job-name="${name}"\n#SBATCH --partition=debug\n#SBATCH --time=00:02:00\n#SBATCH -c 1\necho "one click"\n`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));

    const clicked = Date.now();
    // As the editor title button / context menu call it: the file's URI, nothing else.
    const outcome = await withinDeadline('Submit to Slurm', vscode.commands.executeCommand<SubmitOutcome>('slurm.submit', vscode.Uri.file(file)), 90_000);
    const returned = Date.now();
    assert.ok(outcome.ok, JSON.stringify(outcome));
    submitted.push(outcome.jobId);
    assert.deepEqual(outcome.overrides, [], 'nothing passed over the file\'s directives');
    const row = await waitFor('the job in the Jobs tree', async () => {
      const items = (await api.jobsTreeItems?.()) ?? [];
      return items.find((i) => i.label.includes(String(outcome.jobId)) || (i.description ?? '').includes(String(outcome.jobId)));
    }, 60_000, 100);
    const inTree = Date.now();
    assert.ok(row);
    console.log(`# one click: command returned after ${returned - clicked} ms, job ${outcome.jobId} in the Jobs tree after ${inTree - clicked} ms`);
    fs.mkdirSync(path.resolve(__dirname, '../../../../test-output/extension'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, '../../../../test-output/extension/oneclick-timing.txt'), `click→submitted ${returned - clicked} ms; click→in Jobs tree ${inTree - clicked} ms\n`);
    assert.equal(await finalState(bed, outcome.jobId), 'COMPLETED');
    const out = await sshRun(`cat '${outcome.remoteDir}/slurm-${outcome.jobId}.out'`, { bed });
    assert.equal(out.stdout, 'one click\n');
  });

  test('#SBATCH --partition=nosuch: submitted as written, sbatch\'s own refusal is shown, nothing runs on debug', async function () {
    this.timeout(180_000);
    const name = `wb nosuch ${tag}`;
    const file = path.join(dir, 'nosuch.sh');
    fs.writeFileSync(file, `#!/bin/bash\n#SBATCH --job-name="${name}"\n#SBATCH --partition=nosuch\n#SBATCH --time=00:01:00\nhostname\n`);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));

    // The warning modal cannot be clicked from the extension host: "Submit anyway" is decided up front.
    const outcome = await withinDeadline('Submit to Slurm', vscode.commands.executeCommand<SubmitOutcome>('slurm.submit', { uri: file, limitWarnings: 'submitAnyway' }), 90_000);
    assert.ok(!outcome.ok, JSON.stringify(outcome));
    assert.match(outcome.error, /sbatch said: .*[Ii]nvalid partition name specified/);
    const check = await withinDeadline('Check', vscode.commands.executeCommand<{ ok: boolean; error?: string }>('slurm.checkSubmit', { uri: file }), 90_000);
    assert.ok(!check.ok, `--test-only passed: ${JSON.stringify(check)}`);
    assert.match(check.error ?? '', /[Ii]nvalid partition name specified/);
    const ran = await sshRun(`squeue -h --states=all -u "$USER" -n ${JSON.stringify(name)} -o '%i %P'; sacct -X -n -S now-10minutes --name=${JSON.stringify(name)} -o JobID,Partition,State 2>/dev/null`, { bed });
    assert.equal(ran.stdout.trim(), '', `a job named "${name}" exists: ${ran.stdout}`);

    // A value the user changes is passed, and named as what it overrides.
    const preview = await withinDeadline('Preview', vscode.commands.executeCommand<{ ok: boolean; overrides?: string; script?: string }>('slurm.previewSubmit', { uri: file, acceptDefaults: true, answers: { partition: 'debug' } }), 60_000);
    assert.ok(preview.ok, JSON.stringify(preview));
    assert.equal(preview.overrides, '--partition=debug (overrides #SBATCH --partition=nosuch)');
    const untouched = await withinDeadline('Preview', vscode.commands.executeCommand<{ ok: boolean; overrides?: string }>('slurm.previewSubmit', { uri: file, acceptDefaults: true, answers: { partition: 'nosuch' } }), 60_000);
    assert.equal(untouched.overrides, undefined, 'the file\'s own value is no override');
  });

  test('an unreachable cluster fails at once, and the next click still goes to the cluster that took the last job', async function () {
    this.timeout(180_000);
    const profiles = vscode.workspace.getConfiguration('slurm').get<Record<string, unknown>[]>('profiles') ?? [];
    const bundled = profiles.find((p) => p.name === 'bundled')!;
    // Port 1 on the loopback: refused at once (nothing listens there).
    await vscode.workspace.getConfiguration('slurm').update('profiles', [bundled, { ...bundled, name: 'unreachable', port: 1 }], vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the unreachable session', () => api.snapshots().find((s) => s.profileName === 'unreachable'), 30_000, 200);
      const file = path.join(dir, 'complete.sh');
      const started = Date.now();
      const failed = await withinDeadline('Submit to unreachable', vscode.commands.executeCommand<SubmitOutcome>('slurm.submit', { uri: file, profile: 'unreachable' }), 60_000);
      const took = Date.now() - started;
      assert.ok(!failed.ok && !failed.cancelled, JSON.stringify(failed));
      assert.match(failed.error, /^Cannot reach cluster "unreachable": .*Nothing was submitted\./);
      console.log(`# unreachable cluster reported after ${took} ms, before any question`);

      // Two profiles now: one click goes to "bundled" (the last to take a job) without asking which.
      const again = await withinDeadline('Submit (remembered cluster)', vscode.commands.executeCommand<SubmitOutcome>('slurm.submit', vscode.Uri.file(file)), 90_000);
      assert.ok(again.ok, JSON.stringify(again));
      submitted.push(again.jobId);
      assert.equal(again.cluster, 'bundled');
    } finally {
      await vscode.workspace.getConfiguration('slurm').update('profiles', [bundled], vscode.ConfigurationTarget.Global);
    }
  });
});
