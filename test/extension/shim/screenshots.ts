// The screenshot service: the test suite runs in the extension host and cannot see the browser, so it
// asks for a screenshot by writing `<name>.request` into a folder this service watches. The service
// answers with `<name>.png` (written atomically) and deletes the request. A request may hold JSON
// `{ "waitForSelector": "<css>", "timeoutMs": 15000 }`: the screenshot is then taken once that element is
// visible, and if it never shows, `<name>.error` explains why (the PNG is still written, to look at).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

interface ScreenshotRequest {
  waitForSelector?: string;
  timeoutMs?: number;
}

export function clearStaleRequests(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.request') || f.endsWith('.error')) fs.rmSync(path.join(dir, f), { force: true });
  }
}

export async function takePageScreenshot(page: Page, file: string): Promise<void> {
  const partial = `${file}.partial.png`;
  await page.screenshot({ path: partial, fullPage: true, timeout: 30_000 });
  fs.renameSync(partial, file);
}

/** Polls `dir` for requests until stopped. Polling (not fs.watch) is boring and works everywhere. */
export function serveScreenshots(page: Page, dir: string, log: (msg: string) => void): { stop(): Promise<void> } {
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();

  const handle = async (name: string): Promise<void> => {
    const requestFile = path.join(dir, `${name}.request`);
    let request: ScreenshotRequest = {};
    try {
      const text = fs.readFileSync(requestFile, 'utf8').trim();
      if (text) request = JSON.parse(text) as ScreenshotRequest;
    } catch (err) {
      // a half-written request: try again on the next tick
      if (err instanceof SyntaxError) return;
      throw err;
    }
    let error: string | undefined;
    if (request.waitForSelector) {
      try {
        await page.locator(request.waitForSelector).first().waitFor({ state: 'visible', timeout: request.timeoutMs ?? 15_000 });
      } catch (err) {
        error = `element ${request.waitForSelector} did not become visible: ${(err as Error).message.split('\n')[0]}`;
      }
    }
    try {
      await takePageScreenshot(page, path.join(dir, `${name}.png`));
    } catch (err) {
      error = `${error ? `${error}; ` : ''}screenshot failed: ${(err as Error).message.split('\n')[0]}`;
    }
    if (error) fs.writeFileSync(path.join(dir, `${name}.error`), error);
    fs.rmSync(requestFile, { force: true });
    log(`screenshot ${name}.png${error ? ` (with error: ${error})` : ''}`);
  };

  const tick = async (): Promise<void> => {
    while (!stopped) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(dir).filter((f) => f.endsWith('.request')).map((f) => f.slice(0, -'.request'.length));
      } catch {
        // folder removed under us: nothing to serve
      }
      for (const name of names) {
        if (stopped) break;
        await handle(name).catch((err: Error) => log(`screenshot ${name} failed: ${err.message}`));
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  busy = tick();
  return {
    async stop() {
      stopped = true;
      await busy;
    },
  };
}
