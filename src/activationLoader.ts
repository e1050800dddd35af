/**
 * The extension's entry point (package.json `main`: dist/activate.js), a few hundred bytes. It loads
 * the real bundle, dist/extension.js, at activation. In an installed extension it compiles the bundle
 * with V8's code cache, kept in the extension's global storage per bundle (size + mtime): parsing
 * half a megabyte of JavaScript was the largest part of the activation time (≈ 40 ms of compile on
 * every window; ≈ 5 ms with the cache). The cache is written once, a few seconds after activation, so
 * it also holds the functions activation compiled; a cache V8 rejects (another V8) is rewritten.
 * While developing or testing the bundle is required plainly (debugger and source maps as usual).
 * It deliberately imports nothing of ours: anything imported here would be loaded twice.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type * as vscode from 'vscode';

/** How the bundle was loaded, for the activation line in the log (extension.ts). */
export interface BundleLoad {
  /** Compiling and evaluating dist/extension.js, in ms. */
  loadMs: number;
  codeCache: 'used' | 'written' | 'rejected' | 'off';
}

interface Bundle {
  activate(context: vscode.ExtensionContext, load?: BundleLoad): unknown;
  deactivate?(): void;
}

/** vscode.ExtensionMode.Production, without loading the API here. */
const PRODUCTION = 1;
const CACHE_WRITE_DELAY_MS = 3_000;
let bundle: Bundle | undefined;

function compileWithCodeCache(file: string, cacheDir: string): { bundle: Bundle; codeCache: BundleLoad['codeCache'] } {
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
  const module = { exports: {} as Bundle };
  const run = script.runInThisContext() as (e: object, r: NodeRequire, m: object, f: string, d: string) => void;
  // createRequire(file): `vscode` and ./vendor/* resolve as for a bundle required from dist/.
  run(module.exports, createRequire(file), module, file, path.dirname(file));
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

export function activate(context: vscode.ExtensionContext): unknown {
  const started = performance.now();
  const file = path.join(__dirname, 'extension.js');
  // A missing or unusable cache only costs the compile (V8 rejects bad cache data by itself).
  const loaded = context.extensionMode === PRODUCTION
    ? compileWithCodeCache(file, path.join(context.globalStorageUri.fsPath, 'code-cache'))
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    : { bundle: require(file) as Bundle, codeCache: 'off' as const };
  bundle = loaded.bundle;
  return bundle.activate(context, { loadMs: performance.now() - started, codeCache: loaded.codeCache });
}

export function deactivate(): void {
  bundle?.deactivate?.();
}
