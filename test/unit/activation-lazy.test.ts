// What activation loads (issue 23): activating the entry (dist/activate.js) must not load the full
// bundle (dist/extension.js, loaded at first use: src/entry.ts), and neither of them may load zod (a
// large vendor file and ≈ 20 ms of schema building): schemas are built on first use (src/core/lazySchema.ts).
// The bundle is built here (development options, so a failure can name the source file) and
// required with a stand-in for the `vscode` module — the API object does not exist outside VS Code;
// only its names are given, from @types/vscode. The vendor zod is replaced by a tripwire that says
// which source file reached for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { SETTING_KEYS, SettingsSchema } from '../../src/config/settings';
import { lazySchema } from '../../src/core/lazySchema';
import { z } from 'zod';

type Options = Parameters<typeof build>[0];
interface BuildModule { extensionBuilds(o: { production: boolean; outdir: string }): Options[] }
const requireBuilt = createRequire(__filename);

test('activating the entry loads neither the full bundle nor zod; the first use loads the bundle, and its activation with the Slurm view hidden loads no zod', async () => {
  const { extensionBuilds } = (await import(pathToFileURL(join(__dirname, '../../esbuild.mjs')).href)) as BuildModule;
  const outdir = mkdtempSync(join(tmpdir(), 'swb-lazy-zod-'));
  const Module = requireBuilt('node:module') as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = Module._resolveFilename;
  try {
    await Promise.all(extensionBuilds({ production: false, outdir }).map((b) => build({ ...b, logLevel: 'silent' })));
    const bundleFile = join(outdir, 'extension.js');
    // The stand-in `vscode`: every runtime name of the API, each a do-nothing value.
    const dts = readFileSync(requireBuilt.resolve('@types/vscode/index.d.ts'), 'utf8');
    // Hidden and untrusted where asked (a window where only a script was opened); writes are accepted.
    const hidden = new Set<PropertyKey>(['visible', 'focused', 'isTrusted']);
    const inert: object = new Proxy(function inert() {}, {
      get: (_, k) => (k === 'then' ? undefined : hidden.has(k) ? false : inert),
      set: () => true,
      apply: () => inert,
      construct: () => inert,
    });
    const api = Object.fromEntries([...dts.matchAll(/^\s*export (?:class|namespace|enum|const|function) (\w+)/gm)].map((m) => [m[1], inert]));
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
      return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
    };
    requireBuilt.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: api } as NodeJS.Module;
    const reached: string[] = [];
    const tripwire = new Proxy({}, {
      get(_, key) {
        // The first frame in a source file of ours (source maps name it; the stand-in comes first).
        const frame = (new Error().stack ?? '').split('\n').map((l) => /\((\/[^()]*\/src\/[^()]*?):(\d+):\d+\)$/.exec(l)).find((m) => m && !m[1].includes('node_modules'));
        reached.push(frame ? `${frame[1].slice(frame[1].lastIndexOf('/src/') + 1)}:${frame[2]}` : 'the bundle outside src/');
        return requireBuilt('zod')[key as 'z'];
      },
    });
    requireBuilt.cache[join(outdir, 'vendor', 'zod.js')] = { id: 'zod', filename: 'zod', loaded: true, exports: tripwire } as unknown as NodeJS.Module;
    const entry = requireBuilt(join(outdir, 'activate.js')) as { activate(context: object): Record<string, unknown> };
    const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] };
    const context = { subscriptions: [], extensionMode: 3, globalState: memento, workspaceState: memento, secrets: inert, extensionUri: inert, globalStorageUri: { fsPath: outdir }, extension: { packageJSON: { contributes: { commands: [{ command: 'slurm.refresh' }] } } } };
    const exported = entry.activate(new Proxy(context, { get: (t, k) => (k in t ? t[k as keyof typeof t] : inert) }));
    assert.equal(requireBuilt.cache[bundleFile], undefined, 'activating the entry loaded dist/extension.js');
    // Reading the API is a first use: the entry loads the full bundle and activates it.
    assert.equal(typeof exported.snapshots, 'function');
    assert.ok(requireBuilt.cache[bundleFile], 'the first use did not load dist/extension.js');
    if (process.env.SWB_LAZY_REPORT) writeFileSync(process.env.SWB_LAZY_REPORT, [...new Set(reached)].join('\n'));
    assert.deepEqual([...new Set(reached)], [], 'module-level code or activate() used zod: wrap schemas in lazySchema(() => …), read settings at first use');
  } finally {
    Module._resolveFilename = resolve;
    delete requireBuilt.cache.vscode;
    rmSync(outdir, { recursive: true, force: true });
  }
});

test('the settings key list (written out so loading its module builds no schema) names every key of the schema', () => {
  assert.deepEqual([...SETTING_KEYS].sort(), Object.keys(SettingsSchema.shape).sort());
});

test('a lazy schema is built once, on first use, and behaves as the schema (parse, instanceof, inside other schemas)', () => {
  let built = 0;
  const Name = lazySchema(() => {
    built++;
    return z.string().min(1);
  });
  const Pair = lazySchema(() => z.object({ a: Name, b: z.array(Name) }));
  assert.equal(built, 0);
  assert.deepEqual(Pair.parse({ a: 'x', b: ['y'] }), { a: 'x', b: ['y'] });
  assert.equal(Pair.safeParse({ a: '', b: [] }).success, false);
  assert.ok(Name instanceof z.ZodString);
  assert.equal(Name.optional().parse(undefined), undefined);
  assert.deepEqual(Object.keys(Pair.shape), ['a', 'b']);
  assert.equal(built, 1);
});
