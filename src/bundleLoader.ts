/**
 * Loads the full bundle, dist/extension.js, for the entry point (entry.ts) when something first needs
 * it. In an installed extension it compiles the bundle with V8's code cache, kept in the extension's
 * global storage per bundle (size + mtime): parsing half a megabyte of JavaScript is most of what
 * loading it costs (≈ 40 ms of compile without the cache; ≈ 5 ms with it). The cache is written once,
 * a second after the load, so it also holds the functions the first use compiled (later would miss
 * windows closed soon after their first use: each new window would compile again); a cache V8
 * rejects (another V8) is rewritten. While developing or testing the bundle is required plainly
 * (debugger and source maps as usual).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { BundleLoad } from './vscode/entryHost';

/** vscode.ExtensionMode.Production. */
const PRODUCTION = 1;
const CACHE_WRITE_DELAY_MS = 1_000;

function compileWithCodeCache(file: string, cacheDir: string): { bundle: unknown; codeCache: BundleLoad['codeCache'] } {
  const stat = fs.statSync(file);
  const cacheFile = path.join(cacheDir, `code-cache-${stat.size}-${Math.floor(stat.mtimeMs)}.bin`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first activation of this bundle: compiled without a cache, the cache written below
  }
  const source = fs.readFileSync(file, 'utf8');
  // The CommonJS wrapper Node itself uses, so the bundle sees the usual module variables.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module: { exports: unknown } = { exports: {} };
  const run = script.runInThisContext() as (e: object, r: NodeRequire, m: object, f: string, d: string) => void;
  // createRequire(file): `vscode` and ./vendor/* resolve as for a bundle required from dist/.
  run(module.exports as object, createRequire(file), module, file, path.dirname(file));
  const rejected = cachedData !== undefined && script.cachedDataRejected === true;
  if (!cachedData || rejected) {
    setTimeout(() => writeCache(script, cacheDir, cacheFile), CACHE_WRITE_DELAY_MS).unref();
  }
  return { bundle: module.exports, codeCache: !cachedData ? 'written' : rejected ? 'rejected' : 'used' };
}

function writeCache(script: vm.Script, cacheDir: string, cacheFile: string): void {
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData());
    fs.renameSync(temp, cacheFile);
    // Caches of earlier bundles (updates) are of no use any more.
    for (const name of fs.readdirSync(cacheDir)) {
      if (/^code-cache-.*\.bin$/.test(name) && path.join(cacheDir, name) !== cacheFile) fs.rmSync(path.join(cacheDir, name), { force: true });
    }
  } catch {
    // No cache: the next activation compiles as this one did. Nothing to tell the user.
  }
}

/**
 * Loads dist/extension.js (next to this file) and returns its exports. In an installed extension
 * (production mode) with V8's code cache kept in `cacheDir`; otherwise with a plain require, so the
 * debugger and source maps work as usual.
 */
export function loadBundle<T>(extensionMode: number, cacheDir: string): { bundle: T; load: BundleLoad } {
  const started = performance.now();
  const file = path.join(__dirname, 'extension.js');
  // A missing or unusable cache only costs the compile (V8 rejects bad cache data by itself).
  const loaded = extensionMode === PRODUCTION
    ? compileWithCodeCache(file, cacheDir)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    : { bundle: require(file) as unknown, codeCache: 'off' as const };
  return { bundle: loaded.bundle as T, load: { loadMs: performance.now() - started, codeCache: loaded.codeCache } };
}
