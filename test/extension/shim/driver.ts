// The test shim's driver (see ./code): runs an extension test suite inside code-server instead of a
// downloaded desktop VS Code. Flow: start code-server with the smoke-test driver enabled, open the
// workbench in Debian's chromium with the test payload (extensionDevelopmentPath + extensionTestsPath),
// wait for the workbench to report the suite's exit code through window.codeAutomationExit, serve
// screenshot requests meanwhile, then stop chromium and code-server and exit with that code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parseShimArgs } from './args';
import { processGroupsWithArg, waitForGroupsGone } from './processes';
import { startCodeServer, type RunningCodeServer } from './codeServer';
import { clearStaleRequests, serveScreenshots, takePageScreenshot } from './screenshots';
import { assertToolsInstalled, chromiumBin, repoRoot } from './tools';

const suiteTimeoutMs = Number(process.env.SLURM_WB_TEST_TIMEOUT_MS ?? 10 * 60_000);
const startedAt = Date.now();
const log = (msg: string): void => console.log(`[vscode-shim +${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${msg}`);

/** Settings every test window gets: no AI chat panel, no welcome page, nothing phoning home. */
const baseSettings: Record<string, unknown> = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // The bundled cluster's daemons listen locally: no port-forwarding pop-ups, no parent-repo prompt.
  'remote.autoForwardPorts': false,
  'git.openRepositoryInParentFolders': 'never',
  'security.workspace.trust.enabled': false,
};

function writeUserSettings(userDataDir: string): void {
  const settings = { ...baseSettings };
  const extraFile = process.env.SLURM_WB_TEST_SETTINGS;
  if (extraFile) {
    const extra: unknown = JSON.parse(fs.readFileSync(extraFile, 'utf8'));
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
      throw new Error(`SLURM_WB_TEST_SETTINGS (${extraFile}) must hold a JSON object of settings`);
    }
    Object.assign(settings, extra);
  }
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** The remote authority the workbench uses for files on the server ("remote" in 4.139). */
async function readRemoteAuthority(url: string): Promise<string> {
  const html = await (await fetch(`${url}/`)).text();
  const match = /id="vscode-workbench-web-configuration"\s+data-settings="([^"]*)"/.exec(html);
  if (match) {
    const json = match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const authority = (JSON.parse(json) as { remoteAuthority?: string }).remoteAuthority;
    if (authority) return authority;
  }
  log('could not read remoteAuthority from the workbench page; assuming "remote"');
  return 'remote';
}

async function main(): Promise<number> {
  const args = parseShimArgs(process.argv.slice(2));
  assertToolsInstalled();

  // code-server and chromium write into HOME, TMPDIR and XDG folders: give them a scratch one.
  const scratch = path.resolve(process.env.SLURM_WB_SHIM_SCRATCH ?? path.join(repoRoot, 'test-output/extension/shim'));
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const d of ['home', 'tmp', 'config', 'data', 'cache']) fs.mkdirSync(path.join(scratch, d), { recursive: true });
  const screenshotDir = path.resolve(process.env.SLURM_WB_SCREENSHOT_DIR ?? path.join(repoRoot, 'test-output/screenshots'));
  clearStaleRequests(screenshotDir);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: path.join(scratch, 'home'),
    TMPDIR: path.join(scratch, 'tmp'),
    XDG_CONFIG_HOME: path.join(scratch, 'config'),
    XDG_DATA_HOME: path.join(scratch, 'data'),
    XDG_CACHE_HOME: path.join(scratch, 'cache'),
    // The suite reads these from the extension host, which inherits code-server's environment.
    SLURM_WB_SCREENSHOT_DIR: screenshotDir,
  };
  // Playwright puts chromium's profile under os.tmpdir(), which follows this process's TMPDIR.
  process.env.TMPDIR = env.TMPDIR;

  const userDataDir = args.userDataDir ?? path.join(scratch, 'user-data');
  const extensionsDir = args.extensionsDir ?? path.join(scratch, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let screenshots: { stop(): Promise<void> } | undefined;
  let stopping = false;
  const cleanup = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // chromium's profile lives under our scratch TMPDIR: that finds its process groups.
    const browserGroups = processGroupsWithArg(path.join(scratch, 'tmp'));
    await screenshots?.stop().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    const left = await waitForGroupsGone([...browserGroups, ...(server?.pgid ? [server.pgid] : [])]);
    if (left.length > 0) log(`process groups still present after stopping: ${left.join(', ')}`);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping chromium and code-server`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    const serverLog = path.join(scratch, 'code-server.log');
    server = await startCodeServer({ userDataDir, extensionsDir, env, logFile: serverLog });
    log(`code-server ready at ${server.url} (log: ${path.relative(repoRoot, serverLog)})`);

    const authority = await readRemoteAuthority(server.url);
    const remoteUri = (p: string): string => `vscode-remote://${authority}${p}`;
    const payload = [
      ...args.extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', remoteUri(p)]),
      ['extensionTestsPath', remoteUri(args.extensionTestsPath)],
    ];
    const query = new URLSearchParams();
    if (args.folder) query.set('folder', args.folder);
    else query.set('ew', 'true');
    query.set('payload', JSON.stringify(payload));

    browser = await chromium.launch({
      executablePath: chromiumBin,
      headless: true,
      env,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleLog = fs.createWriteStream(path.join(scratch, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));

    let reportExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(Number(code)));

    await page.goto(`${server.url}/?${query.toString()}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    log('workbench page loaded; the extension test suite runs in the extension host');
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 }).then(
      () => log('workbench rendered'),
      () => log('the workbench did not render within 60 s'),
    );
    screenshots = serveScreenshots(page, screenshotDir, log);

    const serverGone = server.exited.then((reason) => ({ kind: 'server' as const, reason }));
    const timeout = new Promise<{ kind: 'timeout' }>((r) => setTimeout(() => r({ kind: 'timeout' }), suiteTimeoutMs).unref());
    const outcome = await Promise.race([exitCode.then((code) => ({ kind: 'exit' as const, code })), serverGone, timeout]);

    await screenshots.stop();
    let code: number;
    if (outcome.kind === 'exit') {
      code = outcome.code;
      log(`suite finished with exit code ${code}`);
    } else {
      code = 1;
      log(outcome.kind === 'timeout' ? `suite did not finish within ${suiteTimeoutMs / 1000} s` : `${outcome.reason} while the suite ran`);
    }
    if (code !== 0) {
      const failureShot = path.join(screenshotDir, 'failure.png');
      await takePageScreenshot(page, failureShot).then(
        () => log(`failure screenshot: ${path.relative(repoRoot, failureShot)}`),
        (err: Error) => log(`failure screenshot failed: ${err.message}`),
      );
      log(`code-server log: ${path.relative(repoRoot, serverLog)}; browser console: ${path.relative(repoRoot, path.join(scratch, 'browser-console.log'))}`);
    }
    return code;
  } finally {
    await cleanup();
    log('chromium and code-server stopped');
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`[vscode-shim] ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
