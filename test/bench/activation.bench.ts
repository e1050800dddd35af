// Load time as a user meets it (issue 23): the packaged .vsix installed into a real code-server, opened in
// Debian's chromium. Per round, a fresh window opens hello.sbatch through Quick Open (which activates the
// extension on onLanguage:shellscript), then "Developer: Show Running Extensions" gives the extension
// host's own activation time (code loading + activate call) for Slurm Workbench AND for a minimal
// extension (an empty activate, the same activation event) installed beside it: the baseline of the same
// run. Then a click on the Slurm activity-bar icon, timed until the bundled cluster's row shows its jobs
// (first tree paint: loading the full bundle, its views, the ssh login and the first squeue). Also prints the sizes.
// Needs the tools (bash test/bed/vscode-tools.sh) and the bundled cluster (npm run cluster:up).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { startCodeServer } from '../extension/shim/codeServer';
import { assertToolsInstalled, chromiumBin, codeServerEntry, node24Bin } from '../extension/shim/tools';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const GOAL_MS = 50;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MINIMAL_NAME = 'Minimal Activation Baseline';

/** The baseline: an extension that does nothing, activated by the same event as ours. */
async function packMinimalExtension(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'minimal-activation-baseline', displayName: MINIMAL_NAME, publisher: 'bench', version: '0.0.1',
    description: 'Baseline for the activation benchmark', license: 'MIT',
    repository: { type: 'git', url: 'https://example.invalid/bench.git' },
    engines: { vscode: '^1.90.0' }, activationEvents: ['onLanguage:shellscript'], main: './extension.js',
  }, null, 2));
  fs.writeFileSync(path.join(dir, 'extension.js'), 'exports.activate = function () {};\nexports.deactivate = function () {};\n');
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'MIT\n');
  fs.writeFileSync(path.join(dir, 'README.md'), '# Baseline\n');
  const vsix = path.join(dir, 'minimal.vsix');
  await run(path.join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '-o', vsix], { cwd: dir });
  return vsix;
}

async function runCommand(page: Page, title: string): Promise<void> {
  // A busy window may drop the palette's first keystrokes: close it and ask again, as a person would.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    if (await row.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => attempt >= 3 ? Promise.reject(new Error(`the palette does not offer ${title}`)) : false)) break;
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Enter');
}

async function openFile(page: Page, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ state: 'visible' });
    await page.keyboard.type(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    if (await row.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => attempt >= 4 ? Promise.reject(new Error(`Quick Open does not list ${name}`)) : false)) break;
    await page.keyboard.press('Escape');
  }
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible' });
}

/** "Activation: 12ms" (or "Startup Activation: …") of the named row in the Running Extensions editor. */
async function activationMs(page: Page, displayName: string): Promise<number> {
  const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: displayName }).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (err: unknown) => {
    const rows = await page.locator('.runtime-extensions-editor .monaco-list-row').allTextContents();
    throw new Error(`${displayName} is not among the running extensions (${rows.join(' | ')})`, { cause: err });
  });
  for (let i = 0; i < 100; i++) {
    const text = (await row.textContent()) ?? '';
    const m = /Activation:\s*(\d+)\s*ms/i.exec(text);
    if (m) return Number(m[1]);
    await page.waitForTimeout(100);
  }
  throw new Error(`no activation time in the Running Extensions row of ${displayName}`);
}

export default async function activationBench(): Promise<void> {
  assertToolsInstalled();
  const bedFile = path.join(repoRoot, '.bed/cluster.json');
  if (!fs.existsSync(bedFile)) throw new Error('.bed/cluster.json is missing: npm run cluster:up (as root) first');
  const work = path.join(repoRoot, '.bed/bench-activation');
  fs.rmSync(work, { recursive: true, force: true });
  const dirs = Object.fromEntries(['user-data/User', 'user-data/Machine', 'extensions', 'home', 'tmp', 'workspace', 'minimal'].map((d) => [d, path.join(work, d)]));
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });

  await run('npm', ['run', '--silent', 'package'], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const bundleKb = fs.statSync(path.join(repoRoot, 'dist/extension.js')).size / 1024;
  const entryKb = fs.statSync(path.join(repoRoot, 'dist/activate.js')).size / 1024;
  const vsixKb = fs.statSync(path.join(repoRoot, 'dist/slurm-workbench.vsix')).size / 1024;
  const minimalVsix = await packMinimalExtension(dirs.minimal);
  const env = { ...process.env, HOME: dirs.home, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: path.join(work, 'config'), XDG_DATA_HOME: path.join(work, 'data'), XDG_CACHE_HOME: path.join(work, 'cache') };
  const dirArgs = ['--user-data-dir', path.join(work, 'user-data'), '--extensions-dir', dirs.extensions];
  for (const vsix of [path.join(repoRoot, 'dist/slurm-workbench.vsix'), minimalVsix]) {
    await run(node24Bin, [codeServerEntry, ...dirArgs, '--install-extension', vsix, '--force'], { env });
  }
  await run('node', ['--import', 'tsx', path.join(repoRoot, 'test/bed/demoSettings.ts'), bedFile,
    path.join(dirs['user-data/User'], 'settings.json'), path.join(dirs['user-data/Machine'], 'settings.json')], { cwd: repoRoot });
  fs.writeFileSync(path.join(dirs.workspace, 'hello.sbatch'), '#!/bin/bash\n#SBATCH --job-name=hello\n#SBATCH --time=00:01:00\necho hello\n');

  const server = await startCodeServer({ userDataDir: path.join(work, 'user-data'), extensionsDir: dirs.extensions, env, logFile: path.join(work, 'code-server.log') });
  const browser = await chromium.launch({ executablePath: chromiumBin, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const ours: number[] = [];
  const baseline: number[] = [];
  const paint: number[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.setDefaultTimeout(60_000);
    for (let round = 1; round <= ROUNDS; round++) {
      // A window the busy machine did not answer in time costs its round, not the whole run.
      try {
        await measureRound(round);
      } catch (err) {
        console.log(`  round ${round}: skipped (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
        if (ours.length < paint.length) paint.length = ours.length;
        if (round === ROUNDS && ours.length < 3) throw err;
      }
    }
    async function measureRound(round: number): Promise<void> {
      // A fresh window each round: its extension host starts anew, nothing of ours is loaded yet.
      await page.goto(`${server.url}/?folder=${encodeURIComponent(dirs.workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
      await page.keyboard.press('Control+K');
      await page.keyboard.press('W'); // close editors a previous round left open
      await page.waitForTimeout(1_000);
      await openFile(page, 'hello.sbatch');
      await runCommand(page, 'Developer: Show Running Extensions');
      // The list is virtualised (only rows on screen exist): a tall window shows every row.
      await page.setViewportSize({ width: 1400, height: 3000 });
      ours.push(await activationMs(page, 'Slurm Workbench'));
      baseline.push(await activationMs(page, MINIMAL_NAME));
      await page.setViewportSize({ width: 1400, height: 850 });
      // This workbench shows Running Extensions as a modal editor: close it before the next click.
      await page.keyboard.press('Escape');
      await page.locator('.monaco-modal-editor-block').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => page.keyboard.press('Control+W'));

      const slurm = page.locator('.activitybar .action-item a[aria-label^="Slurm"]').first();
      await slurm.waitFor({ state: 'visible' });
      const clicked = performance.now();
      await slurm.click();
      const clusterRow = page.locator('.part.sidebar .monaco-list-row', { hasText: 'bundled' }).first();
      await clusterRow.waitFor({ state: 'visible', timeout: 90_000 });
      await page.locator('.part.sidebar .monaco-list-row', { hasText: /Loading jobs|Connecting/ }).first().waitFor({ state: 'hidden', timeout: 90_000 });
      paint.push(performance.now() - clicked);
      if (round === 1) await page.screenshot({ path: path.join(work, 'first-tree-paint.png') });
      // Back to the Explorer, so the next window does not open with the Slurm view already showing.
      await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
      console.log(`  round ${round}: activation ours ${ours.at(-1)} ms, minimal ${baseline.at(-1)} ms; first tree paint ${paint.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const o = median(ours);
  const b = median(baseline);
  console.log(`entry dist/activate.js (loaded at activation): ${entryKb.toFixed(0)} KB; bundle dist/extension.js (loaded at first use): ${bundleKb.toFixed(0)} KB (limit 600 KB); vsix ${vsixKb.toFixed(0)} KiB`);
  console.log(`activation (extension host's own, median of ${ours.length} windows): Slurm Workbench ${o} ms vs minimal extension ${b} ms → ${(o / Math.max(b, 1)).toFixed(1)}× (goal < ${GOAL_MS} ms: ${o < GOAL_MS ? 'met' : 'NOT met'}); fastest window: ${Math.min(...ours)} ms vs ${Math.min(...baseline)} ms`);
  // Activation loads only the entry (entry.ts); the full bundle loads at the click on the Slurm icon, inside
  // the first tree paint: compiled in round 1, from the code cache that round wrote afterwards (bundleLoader.ts).
  // Both extensions activate in the same window and the host's clock counts time the window's start-up
  // took from them (a busy window adds tens of ms to both): the difference per window is our own cost.
  const excess = ours.map((x, i) => x - baseline[i]);
  console.log(`our own activation cost (per window: ours minus the minimal extension's, median): ${median(excess)} ms (goal < ${GOAL_MS} ms: ${median(excess) < GOAL_MS ? 'met' : 'NOT met'}); per window: ${excess.join(', ')} ms`);
  console.log(`first round (no code cache, cold disk): activation ${ours[0]} ms, first tree paint ${paint[0]?.toFixed(0)} ms`);
  console.log(`first tree paint (click on the Slurm icon → the bundled cluster's jobs listed, median of ${paint.length}): ${median(paint).toFixed(0)} ms`);
  // Where the first use's time went, as each window's extension logged it (extension.ts): bundle load vs its activate().
  for (const line of activationLogLines(path.join(work, 'user-data/logs'))) console.log(`  log: ${line}`);
}

function activationLogLines(dir: string): string[] {
  const lines: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('Slurm Workbench.log')) lines.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.includes('Slurm Workbench loaded (')).map((l) => l.replace(/^.*Slurm Workbench loaded /, '')));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return lines;
}
