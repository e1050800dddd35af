// Screenshots from inside the extension host. The suite cannot see the browser that shows the
// workbench, so it asks the test shim (test/extension/shim/screenshots.ts) through files: it writes
// `<name>.request` into the screenshot folder and waits for `<name>.png`.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ScreenshotOptions {
  /** A CSS selector that must be visible in the workbench before the shot; if it never shows, the call fails. */
  waitForSelector?: string;
  /** How long the shim waits for that selector (default 15 s). */
  selectorTimeoutMs?: number;
  /** How long to wait for the PNG (default 60 s). */
  timeoutMs?: number;
}

/** The folder the shim serves (it passes SLURM_WB_SCREENSHOT_DIR to the extension host). */
export function screenshotDir(): string {
  // out/test/extension/suite/index.js -> the repository root is four levels up.
  return process.env.SLURM_WB_SCREENSHOT_DIR ?? path.resolve(__dirname, '../../../../test-output/screenshots');
}

/** Takes a full-page screenshot of the workbench as `<name>.png` and returns its path. */
export async function takeScreenshot(name: string, options: ScreenshotOptions = {}): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name "${name}" must be a plain file name without extension`);
  const dir = screenshotDir();
  fs.mkdirSync(dir, { recursive: true });
  const png = path.join(dir, `${name}.png`);
  const errorFile = path.join(dir, `${name}.error`);
  const requestFile = path.join(dir, `${name}.request`);
  fs.rmSync(png, { force: true });
  fs.rmSync(errorFile, { force: true });
  const request = { waitForSelector: options.waitForSelector, timeoutMs: options.selectorTimeoutMs };
  // Written under another name and renamed, so the shim never reads half a request.
  fs.writeFileSync(`${requestFile}.tmp`, JSON.stringify(request));
  fs.renameSync(`${requestFile}.tmp`, requestFile);

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (!fs.existsSync(requestFile) && fs.existsSync(png)) {
      if (fs.existsSync(errorFile)) {
        throw new Error(`screenshot ${png}: ${fs.readFileSync(errorFile, 'utf8')}`);
      }
      return png;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fs.rmSync(requestFile, { force: true });
  throw new Error(
    `no screenshot ${png} within ${(options.timeoutMs ?? 60_000) / 1000} s: is the suite running under ` +
      'the test shim (npm run test:extension), which serves screenshot requests?',
  );
}
