// #SBATCH language help on its own (issue 23, point 2). This suite is loaded first (index.ts), so it runs
// in a fresh window: fresh user data, no earlier suite has activated the extension or shown the Slurm
// view, and the window opens on the Explorer. It checks that opening an sbatch script is enough:
// the extension activates by itself (activationEvents onLanguage:shellscript; `.sbatch` is mapped to
// shellscript by the manifest), completes `#SBATCH --par` to `--partition`, flags an unknown option,
// and connects to no cluster although a profile is configured — until something uses the sessions.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SlurmWorkbenchApi } from '../../../src/api';
import { readBed } from '../../integration/bed';
import { takeScreenshot } from './screenshot';
import { bedFile, waitFor } from './support';

const extensionId = 'slurm-workbench.slurm-workbench';
// No shebang: only the manifest's `.sbatch` mapping makes this a shell script.
const script = '#SBATCH --par\n#SBATCH --no-such-option=1\n#SBATCH --time=00:05:00\nsrun hostname\n';

/**
 * The lazily loaded packages of dist/vendor/ that this extension host has loaded, except zod: the
 * script's diagnostics validate with it, which is no cluster work.
 */
function loadedVendorFiles(): string[] {
  return Object.keys(require.cache).filter((f) => /[\\/]dist[\\/]vendor[\\/]/.test(f)).map((f) => path.basename(f)).filter((f) => f !== 'zod.js').sort();
}

/** Whether this extension host has loaded our full bundle (in tests it is required plainly, bundleLoader.ts). */
function fullBundleLoaded(): boolean {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext);
  // Built-in extensions have dist/extension.js files too: ours only.
  return require.cache[path.join(ext.extensionPath, 'dist', 'extension.js')] !== undefined;
}

suite('Language help without the Slurm view', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    // A real profile, so "no cluster work" below means something: activation must not connect to it.
    const bed = readBed(bedFile);
    await vscode.workspace.getConfiguration('slurm').update(
      'profiles',
      [{ name: 'bundled', kind: 'ssh', host: bed.sshHost, port: bed.sshPort, user: bed.user, auth: 'key', identityFile: bed.identityFile, knownHostsFile: bed.knownHostsFile }],
      vscode.ConfigurationTarget.Global,
    );
  });

  test('the extension is not active before a script is opened (fresh window, view never opened)', () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is not installed`);
    assert.equal(ext.isActive, false, 'something activated the extension before any script was opened; this check needs a fresh window');
  });

  test('opening a .sbatch script activates the extension by itself', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has no workspace folder');
    const file = path.join(folder.uri.fsPath, 'language-only.sbatch');
    fs.writeFileSync(file, script);
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'shellscript', '.sbatch is not mapped to shellscript');
    const ext = vscode.extensions.getExtension(extensionId);
    await waitFor('the extension to activate on the shell script', () => (ext?.isActive ? true : undefined), 20_000, 200);
  });

  test('#SBATCH --par completes to --partition', async () => {
    const names = await waitFor('completion items at #SBATCH --par', async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(0, '#SBATCH --par'.length));
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return labels.includes('--partition') ? labels : undefined;
    }, 20_000, 500);
    assert.ok(names.includes('--partition'));
  });

  test('an unknown option gets a diagnostic', async () => {
    const diag = await waitFor('a diagnostic for --no-such-option', () =>
      vscode.languages.getDiagnostics(doc.uri).find((d) => d.source === 'sbatch' && d.range.start.line === 1), 20_000, 250);
    assert.match(diag.message, /Unknown sbatch option --no-such-option/);
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
    await takeScreenshot('language-only-diagnostic', { waitForSelector: '.squiggly-error' });
  });

  test('no cluster work: no connection to the configured cluster while only a script is open', async () => {
    const bed = readBed(bedFile);
    // Give an eager login or poll time to show itself before looking.
    await new Promise((r) => setTimeout(r, 3000));
    // Looked at from outside (the API's snapshots() is a use and would start the sessions): this
    // extension host's TCP connections to the cluster's sshd, in any state.
    const sockets = execFileSync('ss', ['-Htnp', 'state', 'all', `( dport = :${bed.sshPort} )`], { encoding: 'utf8' });
    const ours = sockets.split('\n').filter((l) => l.includes(`pid=${process.pid},`));
    assert.deepEqual(ours, [], `the extension host connected to ${bed.sshHost}:${bed.sshPort} with only a script open`);
    // Nor is the ssh library loaded: dist/vendor/ssh2.js comes at the first connection (esbuild.mjs).
    assert.deepEqual(loadedVendorFiles(), []);
    // Nor the full bundle: the language help is the entry's own (entry.ts); the rest loads at first use.
    assert.equal(fullBundleLoaded(), false, 'dist/extension.js was loaded with only a script open');
  });

  test('the first use starts the sessions: the API lists the cluster, which then connects', async () => {
    const api = vscode.extensions.getExtension<SlurmWorkbenchApi>(extensionId)?.exports;
    assert.ok(api, 'the extension returned no API');
    assert.deepEqual(api.snapshots().map((s) => s.profileName), ['bundled']);
    assert.equal(fullBundleLoaded(), true, 'the API answered without loading dist/extension.js');
    await waitFor('the bundled cluster to connect', () => (api.snapshots()[0]?.connection.kind === 'connected' ? true : undefined), 30_000, 250);
    assert.deepEqual(loadedVendorFiles(), ['ssh2.js']);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
