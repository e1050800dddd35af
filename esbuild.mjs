// Bundles the extension (and the in-VS Code test suite) with esbuild.
// Modes: default = development (sourcemaps), --production (minified), --watch.
// --metafile prints what the extension bundle is made of (KB per package).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));

/** The production bundle (dist/extension.js) must stay below this; checked by the `package` stage. */
export const BUNDLE_LIMIT_BYTES = 600 * 1024;
/** The entry point (dist/activate.js), loaded at every activation, must stay below this; checked with the bundle. */
export const ENTRY_LIMIT_BYTES = 80 * 1024;

/** ssh2's optional native addons (sshcrypto.node, cpu-features) are left out: ssh2 falls back to pure JS. */
const external = ['vscode', '*.node', 'cpu-features'];

/**
 * zod's non-English error messages: `z.locales` re-exports some 40 locales (250 KB minified) that we
 * never select (`z.config(z.locales.xx())` is not called). Its index is replaced by English alone;
 * every schema, check and message we use stays as it is (zod sets English itself).
 */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: path.join(path.dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * Packages only some commands need are not in dist/extension.js but in dist/vendor/<name>.js, loaded
 * at their first use: ssh2 (with its crypto, ~330 KB) when a cluster is first reached over ssh,
 * nunjucks (~90 KB) when a header template is first rendered, yaml (~100 KB) when a workflow file is first read. In the bundle the package is a stand-in
 * whose exports are getters that load the real module. `subclassed` names classes our code extends
 * when its module loads (ssh2's BaseAgent, extended by IdentityFilteringAgent): they get a stand-in
 * class whose prototype joins the real one's when the module loads, so `instanceof` (ssh2's isAgent)
 * and the inherited methods hold.
 */
export const LAZY_PACKAGES = { ssh2: { subclassed: ['BaseAgent'] }, nunjucks: { subclassed: [] }, zod: { subclassed: [] }, yaml: { subclassed: [] } };

export function lazyVendorPlugin(packages = LAZY_PACKAGES, vendorDir = './vendor') {
  return {
    name: 'lazy-vendor',
    setup(build) {
      const names = Object.keys(packages).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) =>
        args.namespace === 'lazy-vendor' ? undefined : { path: args.path, namespace: 'lazy-vendor' });
      // The stand-in's require of the real module stays a runtime require next to the bundle.
      build.onResolve({ filter: /^\.\/vendor\// }, (args) => (args.namespace === 'lazy-vendor' ? { path: args.path, external: true } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'lazy-vendor' }, (args) => {
        const name = args.path;
        const { subclassed } = packages[name];
        const exportNames = Object.keys(require(name)).filter((k) => k !== 'default' && k !== '__esModule');
        const target = `${vendorDir}/${name}.js`;
        // The names live on the prototype of module.exports, not on it: esbuild wraps a CommonJS module in
        // `__toESM` in every file that imports it, which copies its OWN properties into a fresh object whose
        // prototype is the module's. With zod's ~400 names × 28 importing files that copying was ~15 ms of
        // every activation; this way each wrap copies nothing and finds the names through the prototype.
        const lines = [
          `// Stand-in for ${name}: the real module (${target}) is loaded at first use.`,
          'let real;',
          ...subclassed.map((c) => `class ${c} {}`),
          'function load() {',
          '  if (real) return real;',
          `  real = require(${JSON.stringify(target)});`,
          ...subclassed.map((c) => `  Object.setPrototypeOf(${c}.prototype, real.${c}.prototype);`),
          '  return real;',
          '}',
          'const names = {};',
          ...exportNames.map((k) => subclassed.includes(k)
            ? `names[${JSON.stringify(k)}] = ${k};`
            : `Object.defineProperty(names, ${JSON.stringify(k)}, { enumerable: true, get: () => load()[${JSON.stringify(k)}] });`),
          'module.exports = Object.create(names);',
        ];
        return { contents: lines.join('\n'), loader: 'js', resolveDir: root };
      });
    },
  };
}

/** dist/vendor/<name>.js: the package bundled on its own, exporting what `require(name)` does. */
export function vendorBuild(name, outdir, options) {
  return {
    ...options,
    stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, loader: 'js' },
    outfile: path.join(outdir, `${name}.js`),
    plugins: [zodEnglishOnly],
  };
}

/**
 * `vscode` once: esbuild wraps an external CommonJS module in `__toESM` at every file that imports it,
 * and each wrap copies every property of the API object into a fresh object (58 files × the whole API,
 * most of the bundle's start-up time before this). Here `vscode` resolves to one ES module that reads the
 * API once and re-exports the names our sources use (`vscode.X`), so all files share one namespace.
 */
export function vscodeOncePlugin(sourceDir = path.join(root, 'src')) {
  const usedNames = () => {
    const names = new Set();
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (/\.tsx?$/.test(entry.name)) for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bvscode\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
      }
    };
    walk(sourceDir);
    return [...names].sort();
  };
  return {
    name: 'vscode-once',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, (args) =>
        args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' });
      build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({
        contents: ['const api = require("vscode");', ...usedNames().map((n) => `export const ${n} = api.${n};`)].join('\n'),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

function commonOptions(production) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: !production,
    minify: production,
    external,
    logLevel: 'info',
    loader: { '.node': 'empty' },
  };
}

/** The extension's builds: dist/extension.js, dist/activate.js (the entry point) and the lazily loaded vendor files. */
export function extensionBuilds({ production, outdir = path.join(root, 'dist'), metafile = false }) {
  const common = commonOptions(production);
  return [
    { ...common, metafile, entryPoints: [path.join(root, 'src/extension.ts')], outfile: path.join(outdir, 'extension.js'), plugins: [zodEnglishOnly, lazyVendorPlugin(), vscodeOncePlugin()] },
    // The entry point (package.json main): the #SBATCH language help and stand-ins that load extension.js at first use (src/entry.ts).
    { ...common, metafile, entryPoints: [path.join(root, 'src/entry.ts')], outfile: path.join(outdir, 'activate.js'), plugins: [zodEnglishOnly, lazyVendorPlugin(), vscodeOncePlugin()] },
    ...Object.keys(LAZY_PACKAGES).map((name) => vendorBuild(name, path.join(outdir, 'vendor'), common)),
  ];
}

/** KB per package of a build's metafile, largest first. */
export function sizeByPackage(metafile) {
  const out = Object.values(metafile.outputs).find((o) => o.entryPoint);
  const byPackage = {};
  for (const [file, input] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1] : file.startsWith('lazy-vendor:') ? 'lazy stand-ins' : 'src';
    byPackage[key] = (byPackage[key] ?? 0) + input.bytesInOutput;
  }
  return { total: out.bytes, byPackage: Object.entries(byPackage).sort((a, b) => b[1] - a[1]) };
}

async function main() {
  const production = process.argv.includes('--production');
  const watch = process.argv.includes('--watch');
  /** --tests also bundles the in-VS Code test suite (never shipped in the .vsix). */
  const withTests = process.argv.includes('--tests');
  const metafile = process.argv.includes('--metafile');
  /** --check-size fails the build when dist/extension.js reaches BUNDLE_LIMIT_BYTES (`npm run package` uses it). */
  const checkSize = process.argv.includes('--check-size');

  const builds = extensionBuilds({ production, metafile });
  if (withTests) {
    const common = commonOptions(production);
    builds.push({
      ...common,
      entryPoints: ['test/extension/suite/index.ts'],
      outfile: 'out/test/extension/suite/index.js',
      external: [...external, 'mocha'],
    });
  }

  if (watch) {
    for (const b of builds) {
      const ctx = await esbuild.context(b);
      await ctx.watch();
    }
    return;
  }
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  if (metafile) {
    const { total, byPackage } = sizeByPackage(results[0].metafile);
    console.log(`dist/extension.js: ${(total / 1024).toFixed(1)} KB`);
    for (const [name, bytes] of byPackage) console.log(`  ${name.padEnd(20)} ${(bytes / 1024).toFixed(1)} KB`);
  }
  if (checkSize) {
    const limits = [
      ['dist/activate.js', ENTRY_LIMIT_BYTES, 'The entry grew past its limit: it holds the #SBATCH help and stand-ins only; anything else belongs in the full bundle (src/extension.ts).'],
      ['dist/extension.js', BUNDLE_LIMIT_BYTES, 'The bundle grew past its limit: load the new dependency lazily (LAZY_PACKAGES in esbuild.mjs) or leave it out.'],
    ];
    for (const [file, limit, advice] of limits) {
      const size = fs.statSync(path.join(root, file)).size;
      console.log(`${file}: ${(size / 1024).toFixed(1)} KB, ${size < limit ? 'below' : 'OVER'} the limit of ${limit / 1024} KB`);
      if (size >= limit) {
        console.error(advice);
        process.exitCode = 1;
      }
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
