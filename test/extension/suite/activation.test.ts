// The extension inside a real VS Code (code-server): it is installed, activates, registers its
// commands and its Slurm view, and the view shows in the workbench (checked in the DOM and screenshotted).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { takeScreenshot } from './screenshot';

const extensionId = 'slurm-workbench.slurm-workbench';
const manifestCommands = ['slurm.refresh', 'slurm.addProfile', 'slurm.openSettings', 'slurm.showLog'];

suite('Extension activation', () => {
  test('the extension is installed from the development path', () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is not among the installed extensions`);
    assert.equal(ext.packageJSON.name, 'slurm-workbench');
  });

  test('it activates', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('its commands are registered', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const missing = manifestCommands.filter((c) => !commands.has(c));
    assert.deepEqual(missing, [], `commands not registered after activation: ${missing.join(', ')}`);
  });

  test('its view container and Jobs view open in the workbench', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    // VS Code generates these for the contributed container and view; their presence proves both exist.
    assert.ok(commands.has('workbench.view.extension.slurm'), 'the "slurm" activity-bar container is not registered');
    assert.ok(commands.has('slurm.jobs.focus'), 'the "slurm.jobs" view is not registered');
    await vscode.commands.executeCommand('workbench.view.extension.slurm');
    await vscode.commands.executeCommand('slurm.jobs.focus');

    const png = await takeScreenshot('workbench-slurm-view', {
      // The side bar's title names the Slurm container ("Slurm: Jobs" while Jobs is its only view).
      waitForSelector: '.part.sidebar .title-label h2:has-text("Slurm")',
    });
    assert.ok(fs.statSync(png).size > 10_000, `${png} is suspiciously small for a workbench screenshot`);
  });
});
