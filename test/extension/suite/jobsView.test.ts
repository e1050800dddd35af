// The Jobs view inside a real VS Code, against the real bundled cluster over the real sshd:
// a profile for the cluster in settings, a job submitted as the test user, and the view lists it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sshRun, type Bed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { statusBarLook } from '../../../src/views/statusBarText';
import { takeScreenshot } from './screenshot';
import { activateWithBundledProfile, waitFor } from './support';



suite('Jobs view against the bundled cluster', function () {
  // Real jobs on a shared, busy cluster: sacct may lag slurmctld by seconds.
  this.timeout(180_000);
  let bed: Bed;
  let api: SlurmWorkbenchApi;
  const submitted: string[] = [];

  suiteSetup(async () => {
    ({ bed, api } = await activateWithBundledProfile());
  });

  suiteTeardown(async () => {
    if (submitted.length) await sshRun(`scancel ${submitted.join(' ')}`, { bed });
    await vscode.workspace.getConfiguration('slurm').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  test('the profile from settings becomes a cluster in the view', async () => {
    const snap = await waitFor('the bundled cluster session', () => api.snapshots().find((s) => s.profileName === 'bundled'));
    assert.equal(snap.profileName, 'bundled');
  });

  test('a job submitted with sbatch shows with its state, partition and limit', async () => {
    const name = `wb view ${Date.now()}`;
    // Held so it stays PENDING (JobHeldUser) for the screenshot; a second one runs.
    const held = await sshRun(`sbatch --parsable -H -J '${name} held' -t 5 --wrap 'sleep 60'`, { bed });
    assert.equal(held.code, 0, held.stderr);
    const running = await sshRun(`sbatch --parsable -J '${name} run' -t 7 --wrap 'sleep 120'`, { bed });
    assert.equal(running.code, 0, running.stderr);
    const heldId = held.stdout.trim();
    const runId = running.stdout.trim();
    submitted.push(heldId, runId);

    await vscode.commands.executeCommand('slurm.jobs.focus');
    const rows = await waitFor('both jobs in the view model', async () => {
      await api.refresh();
      const jobs = api.snapshots().find((s) => s.profileName === 'bundled')?.jobs ?? [];
      const h = jobs.find((j) => j.id === heldId);
      const r = jobs.find((j) => j.id === runId && j.state === 'RUNNING');
      return h && r ? { h, r } : undefined;
    });
    assert.equal(rows.h.name, `${name} held`);
    assert.equal(rows.h.state, 'PENDING');
    assert.equal(rows.h.reason, 'JobHeldUser');
    assert.equal(rows.h.partition, 'debug');
    assert.equal(rows.h.timeLimit, '5:00');
    assert.equal(rows.r.timeLimit, '7:00');
    assert.match(rows.r.nodes ?? '', /^node\d$/);

    await takeScreenshot('jobs-view-real-jobs', { waitForSelector: `.monaco-list-row[aria-label*="${runId}"]` });
    ids = { held: heldId, run: runId, name };
  });

  let ids: { held: string; run: string; name: string } | undefined;

  test('the tree renders state groups, the jobs with their context values, and a failed job under Recently finished', async () => {
    assert.ok(ids, 'needs the previous test');
    const fail = await sshRun(`sbatch --parsable -J '${ids.name} fail' -t 2 --wrap 'exit 3'`, { bed });
    assert.equal(fail.code, 0, fail.stderr);
    const failId = fail.stdout.trim();
    submitted.push(failId);
    // Like a job submitted from VS Code: its end is reported even if it ends between two polls.
    await vscode.commands.executeCommand('slurm.revealJob', 'bundled', failId);
    const items = await waitFor('the failed job under Recently finished', async () => {
      await api.refresh();
      const rendered = (await api.jobsTreeItems?.()) ?? [];
      return rendered.some((i) => i.label.startsWith(`${failId} `) && /FAILED/.test(i.description ?? '')) ? rendered : undefined;
    });
    const labels = items.filter((i) => i.depth === 1).map((i) => i.label);
    assert.deepEqual(labels.filter((l) => ['Running', 'Pending', 'Recently finished'].includes(l)), ['Running', 'Pending', 'Recently finished']);
    const held = items.find((i) => i.label.startsWith(`${ids!.held} `));
    assert.ok(held, 'the held job is an item');
    // Id and a short name, so the label and the state after it fit the default sidebar width.
    assert.equal(held.label, `${ids.held} ${`${ids.name} held`.slice(0, 13)}…`);
    assert.equal(held.contextValue, 'job:pending cancellable held');
    assert.equal(held.description, 'PENDING · held');
    const failed = items.find((i) => i.label.startsWith(`${failId} `));
    assert.equal(failed?.description, 'FAILED · exit 3:0');
    assert.equal(failed?.contextValue, 'job:finished hasLogs');

    await vscode.commands.executeCommand('slurm.revealJob', 'bundled', failId);
    await takeScreenshot('jobs-view-groups', { waitForSelector: `.monaco-list-row[aria-label*="${failId}"]` });
  });

  test('a job item says whether its log is followed and whether it is watched, so its menu offers only what applies', async () => {
    assert.ok(ids, 'needs the first test');
    const run = ids.run;
    const itemOf = async (): Promise<string | undefined> => (await api.jobsTreeItems?.())?.find((i) => i.label.startsWith(`${run} `))?.contextValue;
    assert.equal(await itemOf(), 'job:running cancellable hasLogs');
    await api.logs?.follow('bundled', run);
    await waitFor('the item marked followed', async () => ((await itemOf())?.endsWith(' followed') ? true : undefined), 30_000);
    await vscode.commands.executeCommand('slurm.watchJob', { cluster: 'bundled', jobId: run });
    assert.equal(await waitFor('the item marked watched', async () => ((await itemOf())?.endsWith(' watched') ? itemOf() : undefined), 30_000), 'job:running cancellable hasLogs followed watched');
    await api.logs?.stopAll();
    await vscode.commands.executeCommand('slurm.unwatchJob', { cluster: 'bundled', jobId: run });
    assert.equal(await waitFor('the marks gone', async () => ((await itemOf()) === 'job:running cancellable hasLogs' ? itemOf() : undefined), 30_000), 'job:running cancellable hasLogs');
  });

  test('a cluster that cannot be reached says "unreachable", not "0 R · 0 PD"', async () => {
    const bundled = (vscode.workspace.getConfiguration('slurm').get<Record<string, unknown>[]>('profiles') ?? []).find((p) => p.name === 'bundled');
    assert.ok(bundled);
    // Port 1 on the loopback: refused at once (nothing listens there).
    await vscode.workspace.getConfiguration('slurm').update('profiles', [bundled, { ...bundled, name: 'nowhere', port: 1 }], vscode.ConfigurationTarget.Global);
    try {
      const item = await waitFor('the unreachable cluster item', async () => {
        await api.refresh().catch(() => undefined);
        return (await api.jobsTreeItems?.())?.find((i) => i.depth === 0 && i.label === 'nowhere' && i.description === 'unreachable');
      }, 60_000, 1000);
      assert.equal(item.description, 'unreachable');
      const ok = (await api.jobsTreeItems?.())?.find((i) => i.depth === 0 && i.label === 'bundled');
      assert.match(ok?.description ?? '', /^\d+ R · \d+ PD$/);
    } finally {
      await vscode.workspace.getConfiguration('slurm').update('profiles', [bundled], vscode.ConfigurationTarget.Global);
    }
  });

  test('Cancel Job from the tree cancels the real job, which then shows CANCELLED', async () => {
    assert.ok(ids, 'needs the first test');
    await vscode.commands.executeCommand('slurm.cancelJob', { cluster: 'bundled', jobId: ids.held }, undefined, { confirm: false });
    const row = await waitFor('the held job cancelled', async () => {
      await api.refresh();
      const job = api.snapshots().find((s) => s.profileName === 'bundled')?.jobs.find((j) => j.id === ids!.held);
      return job?.state === 'CANCELLED' ? job : undefined;
    });
    assert.equal(row.source, 'sacct', 'the end state is confirmed by accounting');
  });

  const bundledJobs = () => api.snapshots().find((s) => s.profileName === 'bundled')?.jobs ?? [];

  test('hold, release and cancel from the tree show without a manual refresh although the cadence is a minute', async () => {
    await vscode.workspace.getConfiguration('slurm').update('pollIntervalSeconds', 60, vscode.ConfigurationTarget.Global);
    try {
      const job = await sshRun(`sbatch --parsable -J 'wb fresh ${Date.now()}' -t 3 --begin=now+3600 --wrap 'sleep 1'`, { bed });
      assert.equal(job.code, 0, job.stderr);
      const id = job.stdout.trim();
      submitted.push(id);
      await waitFor('the job listed', async () => { await api.refresh(); return bundledJobs().find((j) => j.id === id); });
      // From here on no api.refresh(): only the polls the actions themselves ask for (the next timed one is ≥ 60 s away).
      await vscode.commands.executeCommand('slurm.holdJob', { cluster: 'bundled', jobId: id });
      await waitFor('held in the model', () => bundledJobs().find((j) => j.id === id && j.reason === 'JobHeldUser'), 20_000, 250);
      await vscode.commands.executeCommand('slurm.releaseJob', { cluster: 'bundled', jobId: id });
      await waitFor('released in the model', () => bundledJobs().find((j) => j.id === id && j.reason !== 'JobHeldUser'), 20_000, 250);
      await vscode.commands.executeCommand('slurm.cancelJob', { cluster: 'bundled', jobId: id }, undefined, { confirm: false });
      await waitFor('cancelled in the model', () => bundledJobs().find((j) => j.id === id && j.state === 'CANCELLED') ?? (bundledJobs().some((j) => j.id === id) ? undefined : true), 20_000, 250);
      const rendered = (await api.jobsTreeItems?.()) ?? [];
      assert.ok(!rendered.some((i) => i.label.startsWith(`${id} `) && /PENDING/.test(i.description ?? '')), 'the tree no longer shows it pending');
    } finally {
      await vscode.workspace.getConfiguration('slurm').update('pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('with the Jobs view hidden the status bar still follows the queue, within one slow cycle', async () => {
    // 2 s visible → 8 s hidden/unfocused (×4): a job submitted outside VS Code shows in the status bar without a refresh.
    await vscode.workspace.getConfiguration('slurm').update('pollIntervalSeconds', 2, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('workbench.view.explorer');
      const job = await sshRun(`sbatch --parsable -H -J 'wb statusbar ${Date.now()}' -t 3 --wrap 'sleep 1'`, { bed });
      assert.equal(job.code, 0, job.stderr);
      const id = job.stdout.trim();
      submitted.push(id);
      const expectText = () => statusBarLook(api.snapshots()).text;
      await waitFor('the held job in the model and the status bar agreeing', () => bundledJobs().some((j) => j.id === id) && api.statusBarText?.() === expectText() ? true : undefined, 24_000, 250);
      const pendingBefore = Number(/(\d+) PD/.exec(api.statusBarText?.() ?? '')?.[1]);
      assert.ok(pendingBefore >= 1, api.statusBarText?.());
      await sshRun(`scancel ${id}`, { bed });
      await waitFor('the cancelled job gone from the PD count', () => !bundledJobs().some((j) => j.id === id && j.state === 'PENDING') && api.statusBarText?.() === expectText() ? true : undefined, 24_000, 250);
      await takeScreenshot('status-bar-view-hidden');
    } finally {
      await vscode.workspace.getConfiguration('slurm').update('pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('Why Is This Job Pending? and Show Job Efficiency answer from the real cluster', async () => {
    const held = await sshRun(`sbatch --parsable -H -J 'wb why ${Date.now()}' -t 3 --wrap 'sleep 1'`, { bed });
    assert.equal(held.code, 0, held.stderr);
    const heldId = held.stdout.trim();
    submitted.push(heldId);
    const done = await sshRun(`sbatch --parsable -J 'wb eff ${Date.now()}' --mem=256M -t 3 --wrap 'sleep 3'`, { bed });
    assert.equal(done.code, 0, done.stderr);
    const doneId = done.stdout.trim();
    submitted.push(doneId);
    await waitFor('the held job listed', async () => { await api.refresh(); return bundledJobs().find((j) => j.id === heldId); });
    const why = await vscode.commands.executeCommand<{ code: string; summary: string; advice: { action?: string }[] }>('slurm.whyPending', { cluster: 'bundled', jobId: heldId }, undefined, { modal: false });
    assert.equal(why?.code, 'JobHeldUser');
    assert.match(why?.summary ?? '', /held/);
    assert.deepEqual(why?.advice.map((a) => a.action), ['release']);
    const rendered = (await api.jobsTreeItems?.()) ?? [];
    assert.ok(rendered.some((i) => i.label.startsWith(`${heldId} `) && /job:pending/.test(i.contextValue ?? '')), 'its menu offers Why Pending (viewItem job:pending)');

    await waitFor('the finished job confirmed by sacct', async () => { await api.refresh(); return bundledJobs().find((j) => j.id === doneId && j.state === 'COMPLETED' && j.source === 'sacct'); }, 120_000, 2000);
    const eff = await waitFor('its efficiency (accounting may lag)', async () => {
      const e = await vscode.commands.executeCommand<{ jobId: string; state: string; memory?: { requestedMb: number }; time?: { elapsedSeconds: number } }>('slurm.showEfficiency', { cluster: 'bundled', jobId: doneId }, undefined, { panel: true });
      return e?.memory ? e : undefined;
    }, 60_000, 3000);
    assert.equal(eff.jobId, doneId);
    assert.equal(eff.state, 'COMPLETED');
    assert.equal(eff.memory?.requestedMb, 256);
    assert.ok((eff.time?.elapsedSeconds ?? 0) >= 3);
    await takeScreenshot('efficiency-panel');

    // Job History for the last day: one window of sacct, the finished job with its efficiency columns.
    const rows = await vscode.commands.executeCommand<{ jobId: string; state: string }[]>('slurm.showJobHistory', 'bundled', { window: { kind: 'days', days: 1 } });
    const row = rows?.find((r) => r.jobId === doneId);
    assert.ok(row, `job ${doneId} in the 1-day history (${rows?.length ?? 0} rows)`);
    assert.equal(row.state, 'COMPLETED');
    await takeScreenshot('job-history-panel');
  });
});
