// Entry of `npm run test:extension`: builds the extension and its test suite, makes sure the test
// tools are installed, and runs the suite inside a real VS Code through @vscode/test-electron's
// runTests. VS Code cannot be downloaded on our machines, so vscodeExecutablePath points at a shim
// that runs the same flow in code-server (test/extension/shim/code); pointed at a downloaded VS Code
// the same call would work unchanged. Prints the suite's results and finally `N passed, N failed`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '../..');
const outputDir = path.join(repoRoot, 'test-output/extension');
const resultsFile = path.join(outputDir, 'results.txt');

function timed<T>(label: string, step: () => T): T {
  const started = Date.now();
  let result: T;
  try {
    result = step();
  } catch {
    throw new Error(`${label} failed; its output is above`);
  }
  console.log(`[test:extension] ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** A small workspace folder for the test window to open. */
function prepareWorkspace(): string {
  const dir = path.join(outputDir, 'workspace');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'hello.sbatch'),
    '#!/bin/bash\n#SBATCH --job-name=hello\n#SBATCH --time=00:01:00\necho "hello from $(hostname)"\n',
  );
  return dir;
}

/**
 * One extension test run at a time per clone: runs share test-output/ (results file, screenshot
 * requests), so a second run waits for the first instead of answering its screenshot requests.
 */
async function acquireRunLock(): Promise<void> {
  const lock = path.join(repoRoot, 'test-output', 'extension.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      process.on('exit', () => fs.rmSync(lock, { recursive: true, force: true }));
      return;
    } catch {
      const holder = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      let alive: boolean;
      try {
        if (holder > 0) process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another extension test run (pid ${holder}) holds ${lock} for too long`);
      if (!told) console.log(`[test:extension] waiting for another extension test run (pid ${holder}) to finish`);
      told = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

async function main(): Promise<number> {
  await acquireRunLock();
  timed('build (node esbuild.mjs --tests)', () =>
    execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  timed('test tools (test/bed/vscode-tools.sh)', () =>
    execFileSync('bash', [path.join(repoRoot, 'test/bed/vscode-tools.sh')], { cwd: repoRoot, stdio: 'inherit' }),
  );
  fs.mkdirSync(outputDir, { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  // A fresh profile every run: no view layout or state left over from the previous run.
  const userDataDir = path.join(outputDir, 'user-data');
  fs.rmSync(userDataDir, { recursive: true, force: true });
  const workspace = prepareWorkspace();

  const suiteStarted = Date.now();
  let runFailure: string | undefined;
  try {
    await runTests({
      vscodeExecutablePath: path.join(repoRoot, 'test/extension/shim/code'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out/test/extension/suite/index.js'),
      launchArgs: [
        workspace,
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(outputDir, 'extensions')}`,
        '--disable-extensions',
      ],
      extensionTestsEnv: { SLURM_WB_TEST_RESULTS: resultsFile },
    });
  } catch (err) {
    runFailure = (err as Error).message;
  }
  console.log(`[test:extension] VS Code run (code-server start + suite): ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);

  const results = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8').trimEnd() : '';
  const lines = results ? results.split('\n') : [];
  const summary = lines.length > 0 ? /^(\d+) passed, (\d+) failed$/.exec(lines[lines.length - 1]) : null;
  if (lines.length > 0) console.log(`\nExtension tests (inside VS Code):\n${(summary ? lines.slice(0, -1) : lines).join('\n')}\n`);
  if (runFailure) console.log(`[test:extension] ${runFailure}`);
  const passed = summary ? Number(summary[1]) : 0;
  const failed = summary ? Number(summary[2]) : 0;
  if (!summary) console.log(`[test:extension] the suite wrote no summary to ${path.relative(repoRoot, resultsFile)}: it did not run to the end`);
  console.log(`${passed} passed, ${failed} failed`);
  return runFailure || !summary || failed > 0 || passed === 0 ? 1 : 0;
}

process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`[test:extension] ${err.message}`);
    console.log('0 passed, 0 failed');
    process.exit(1);
  },
);
