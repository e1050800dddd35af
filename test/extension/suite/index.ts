// Mocha runner for the extension tests; the extension host calls run() (extensionTestsPath).
// esbuild bundles this file and every test file into out/test/extension/suite/index.js; mocha stays
// external. Results go to a file (the workbench does not show mocha's output): one line per test and a
// final `N passed, N failed`, which test/extension/runTest.ts prints.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * Every test file of the suite. Add one line per new file. They are imported here, after mocha has
 * installed its globals (suite, test, setup, ...), because they call those globals when loaded.
 */
const testFiles: ReadonlyArray<() => Promise<unknown>> = [
  // First: it needs a window in which nothing has activated the extension yet.
  () => import('./languageOnly.test.js'),
  () => import('./activation.test.js'),
  () => import('./jobsView.test.js'),
  () => import('./profiles.test.js'),
  () => import('./logs.test.js'),
  () => import('./resources.test.js'),
  () => import('./submit.test.js'),
  () => import('./submitLimits.test.js'),
  () => import('./submitOneClick.test.js'),
  () => import('./submitForm.test.js'),
  () => import('./walkthrough.test.js'),
  () => import('./forward.test.js'),
  () => import('./workflow.test.js'),
  () => import('./terminal.test.js'),
  () => import('./interactive.test.js'),
  () => import('./remoteFs.test.js'),
];

export function resultsFile(): string {
  return process.env.SLURM_WB_TEST_RESULTS ?? path.resolve(__dirname, '../../../../test-output/extension/results.txt');
}

/** Writes each result to the results file as it happens, so a hung test still leaves a trace. */
class ResultsFileReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const file = resultsFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    const write = (line: string): void => fs.appendFileSync(file, `${line}\n`);
    let passed = 0;
    let failed = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (t) => {
      passed++;
      write(`  ok    ${t.fullTitle()} (${t.duration ?? 0} ms)`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (t, err: Error) => {
      failed++;
      write(`  FAIL  ${t.fullTitle()}\n${indent(err.stack ?? String(err))}`);
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (t) => write(`  skip  ${t.fullTitle()}`));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => write(`${passed} passed, ${failed} failed`));
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `        ${l}`).join('\n');
}

export async function run(): Promise<void> {
  // SLURM_WB_TEST_GREP=Workflows runs only the tests whose full title matches (a developer's run of one suite; unset: all).
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: ResultsFileReporter, ...(process.env.SLURM_WB_TEST_GREP ? { grep: process.env.SLURM_WB_TEST_GREP } : {}) });
  // What `mocha.loadFiles` does per file: install suite()/test() as globals before the file loads.
  mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, 'bundled', mocha);
  try {
    for (const load of testFiles) await load();
  } catch (err) {
    // Nothing ran: say why in the results file, which is all runTest.ts gets to see.
    const file = resultsFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `  FAIL  loading the test files\n${indent((err as Error).stack ?? String(err))}\n0 passed, 1 failed\n`);
    throw err;
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  const total = mocha.suite.total();
  if (failures > 0) throw new Error(`${failures} extension test(s) failed; see ${resultsFile()}`);
  if (total === 0) throw new Error('no extension tests ran');
}
