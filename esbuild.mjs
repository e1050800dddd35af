// Bundles the extension (and the in-VS Code test suite) with esbuild.
// Modes: default = development (sourcemaps), --production (minified), --watch.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** --tests also bundles the in-VS Code test suite (never shipped in the .vsix). */
const withTests = process.argv.includes('--tests');

/** ssh2's optional native addons (sshcrypto.node, cpu-features) are left out: ssh2 falls back to pure JS. */
const external = ['vscode', '*.node', 'cpu-features'];

const common = {
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

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
];
if (withTests) {
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
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
