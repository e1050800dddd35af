// The production bundle stays small (issue 23, point 1): dist/extension.js below BUNDLE_LIMIT_BYTES
// (600 KB; it was 1.16 MB), with ssh2 and nunjucks in dist/vendor/ loaded at first use and zod
// without its unused locales. Built here into a temporary folder with esbuild.mjs's own options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

// The bundles under test are CommonJS files built at run time: loaded with a plain require.
const requireBuilt = createRequire(__filename);

interface BuildModule {
  BUNDLE_LIMIT_BYTES: number;
  ENTRY_LIMIT_BYTES: number;
  extensionBuilds(o: { production: boolean; outdir: string; metafile?: boolean }): Parameters<typeof build>[0][];
  lazyVendorPlugin(): NonNullable<Parameters<typeof build>[0]['plugins']>[number];
  vendorBuild(name: string, outdir: string, options: Parameters<typeof build>[0]): Parameters<typeof build>[0];
}
// Imported by URL: esbuild.mjs is plain JavaScript without type declarations; BuildModule says what is used.
const loadBuildModule = async (): Promise<BuildModule> => (await import(pathToFileURL(join(__dirname, '../../esbuild.mjs')).href)) as BuildModule;

test('the production dist/extension.js and the entry dist/activate.js stay below their limits; ssh2 and nunjucks are in neither', async () => {
  const { BUNDLE_LIMIT_BYTES, ENTRY_LIMIT_BYTES, extensionBuilds } = await loadBuildModule();
  const outdir = mkdtempSync(join(tmpdir(), 'swb-bundle-'));
  try {
    const results = await Promise.all(extensionBuilds({ production: true, outdir, metafile: true }).map((b) => build({ ...b, logLevel: 'silent' })));
    const size = statSync(join(outdir, 'extension.js')).size;
    assert.ok(size < BUNDLE_LIMIT_BYTES, `dist/extension.js is ${(size / 1024).toFixed(1)} KB, the limit is ${BUNDLE_LIMIT_BYTES / 1024} KB`);
    const entrySize = statSync(join(outdir, 'activate.js')).size;
    assert.ok(entrySize < ENTRY_LIMIT_BYTES, `dist/activate.js (loaded at every activation) is ${(entrySize / 1024).toFixed(1)} KB, the limit is ${ENTRY_LIMIT_BYTES / 1024} KB`);
    const entryInputs = Object.keys(results[1].metafile!.inputs);
    assert.deepEqual(entryInputs.filter((f) => /node_modules\//.test(f) || /src\/(session|transport|poller)\//.test(f)), [], 'the entry holds no package and no session, transport or poller code');
    const inputs = Object.keys(results[0].metafile!.inputs);
    assert.deepEqual(inputs.filter((f) => /node_modules\/(ssh2|nunjucks|tweetnacl)\//.test(f)), []);
    assert.deepEqual(inputs.filter((f) => !f.startsWith('zod-locales:') && /zod\/v4\/locales\/(?!en\.js)/.test(f)), [], 'only zod\'s English locale is bundled');
    for (const vendor of ['ssh2', 'nunjucks']) assert.ok(statSync(join(outdir, 'vendor', `${vendor}.js`)).size > 10_000, `vendor/${vendor}.js missing`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});

test('ssh2 behind its stand-in: loaded at first use only; a class extending BaseAgent is still an ssh2 agent', async () => {
  const { lazyVendorPlugin, vendorBuild } = await loadBuildModule();
  const outdir = mkdtempSync(join(tmpdir(), 'swb-lazy-'));
  try {
    const entry = join(outdir, 'entry.ts');
    // What src/transport does: a class extending BaseAgent when its module loads, utils and Client later.
    writeFileSync(entry, "import { BaseAgent, utils, Client } from 'ssh2';\nexport class Filtering extends BaseAgent {}\nexport const later = () => ({ utils, Client });\n");
    const options = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node20', external: ['*.node', 'cpu-features'], loader: { '.node': 'empty' as const }, logLevel: 'silent' as const };
    await build({ ...options, entryPoints: [entry], outfile: join(outdir, 'out.js'), plugins: [lazyVendorPlugin()] });
    await build({ ...vendorBuild('ssh2', join(outdir, 'vendor'), options), logLevel: 'silent' });
    const vendorPath = join(outdir, 'vendor', 'ssh2.js');
    const bundle = requireBuilt(join(outdir, 'out.js')) as { Filtering: new () => object; later(): { utils: { parseKey: unknown }; Client: unknown } };
    assert.equal(requireBuilt.cache[vendorPath], undefined, 'loading the bundle (and defining the subclass) loaded ssh2');
    const agent = new bundle.Filtering();
    const { utils, Client } = bundle.later();
    assert.equal(typeof utils.parseKey, 'function');
    assert.equal(typeof Client, 'function');
    assert.ok(requireBuilt.cache[vendorPath], 'ssh2 was not loaded by its first use');
    const real = requireBuilt(vendorPath) as { BaseAgent: new () => object };
    assert.ok(agent instanceof real.BaseAgent, "an instance of the subclass is not instanceof ssh2's BaseAgent (isAgent would refuse it)");
    assert.equal(typeof (agent as { getIdentities?: unknown }).getIdentities, 'function', "BaseAgent's methods are inherited");
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
