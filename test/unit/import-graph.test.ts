// Issue 22, point 2: imports in src/ only run down the floors (eslint/floors.mjs, ARCHITECTURE.md)
// and no file imports itself back through others. The floors are kept by the ESLint rule
// (eslint/rules/import-floors.mjs, run by `npm run lint`); this test proves the rule fires on an
// upward import (through the ESLint API, on snippets), and finds the cycles a per-file rule cannot
// see, over the whole graph of src/ (type-only imports and import() count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const srcRoot = join(root, 'src');

interface FloorsModule {
  FLOORS: string[];
  floorOf(pathInSrc: string): number;
}
// Imported by URL: eslint/floors.mjs is plain JavaScript without type declarations.
const loadFloors = async (): Promise<FloorsModule> => (await import(pathToFileURL(join(root, 'eslint/floors.mjs')).href)) as FloorsModule;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The .ts file a relative specifier names ('./x', '../slurm' = its index.ts), or undefined. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** src/'s import graph: file → the src files it imports (every kind of import, type-only too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(srcRoot)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.filter((r) => r.fileName.startsWith('.')).map((r) => resolveImport(file, r.fileName)).filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files around it (relative to src/). */
function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(srcRoot, f)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

test('src/ has no import cycle (type-only imports count)', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `the graph was built from src/ (${graph.size} files)`);
  const found = cycles(graph);
  assert.deepEqual(found.map((c) => c.join(' → ')), [], 'import cycles in src/');
});

test('every src/ directory has a floor, and every import in src/ runs down (the same check the lint rule makes)', async () => {
  const { FLOORS, floorOf } = await loadFloors();
  const dirs = readdirSync(srcRoot, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(dirs.filter((d) => !FLOORS.includes(d)), [], 'src/ directories without a floor in eslint/floors.mjs');
  const upward: string[] = [];
  for (const [file, targets] of importGraph()) {
    const from = relative(srcRoot, file).split(sep).join('/');
    for (const target of targets) {
      const to = relative(srcRoot, target).split(sep).join('/');
      if (floorOf(to) > floorOf(from)) upward.push(`${from} → ${to}`);
    }
  }
  assert.deepEqual(upward, [], 'imports that run up the floors');
});

test('the cycle finder names a cycle (a graph with one, built here)', () => {
  const a = join(srcRoot, 'vscode/a.ts');
  const b = join(srcRoot, 'vscode/b.ts');
  const c = join(srcRoot, 'vscode/c.ts');
  const found = cycles(new Map([[a, [b]], [b, [c]], [c, [a]]]));
  assert.deepEqual(found, [['vscode/a.ts', 'vscode/b.ts', 'vscode/c.ts', 'vscode/a.ts']]);
});

/** Lints `code` as if it were the file at `pathInSrc`, with the repository's own eslint.config.mjs. */
async function lintAs(pathInSrc: string, code: string): Promise<string[]> {
  // Snippets are not files of the TypeScript project: the type-aware rule (and its parser option) is off.
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } }, rules: { '@typescript-eslint/no-floating-promises': 'off' } },
  });
  const [result] = await eslint.lintText(code, { filePath: join(srcRoot, pathInSrc) });
  return result.messages.filter((m) => m.ruleId === 'local/import-floors').map((m) => m.message);
}

test('npm run lint (eslint.config.mjs) reports an upward import, type-only and re-exports included, and accepts a downward one', async () => {
  const upward = await lintAs('slurm/newParser.ts', "import { ClusterSession } from '../session/clusterSession';\nexport const x = ClusterSession;\n");
  assert.equal(upward.length, 1, upward.join('\n'));
  assert.match(upward[0], /'\.\.\/session\/clusterSession' is on a higher floor \(session\/\) than this file \(slurm\/\)/);

  const typeOnly = await lintAs('config/newSetting.ts', "import type { Poller } from '../poller/poller';\nexport type P = Poller;\n");
  assert.equal(typeOnly.length, 1, 'a type-only import counts');
  const reexport = await lintAs('vscode/newFeature.ts', "export { refreshCommand } from '../commands/refresh';\n");
  assert.equal(reexport.length, 1, 'export … from counts');
  const dynamic = await lintAs('core/late.ts', "export const load = () => import('../logs/tailMux');\n");
  assert.equal(dynamic.length, 1, 'import() counts');
  const folderIndex = await lintAs('transport/x.ts', "import { runCall } from '../slurm';\nexport const y = runCall;\n");
  assert.equal(folderIndex.length, 1, "'../slurm' is slurm/index.ts, on slurm's floor");

  assert.deepEqual(await lintAs('commands/newCommand.ts', "import { ClusterSession } from '../session/clusterSession';\nimport { logger } from '../core/logger';\nexport const z = [ClusterSession, logger];\n"), []);
  assert.deepEqual(await lintAs('session/x.ts', "import { sameJobRow } from './jobRow';\nexport const w = sameJobRow;\n"), [], 'the same floor is fine');
});

test('a src/ directory without a floor is reported', async () => {
  const messages = await lintAs('newfeature/thing.ts', 'export const a = 1;\n');
  assert.equal(messages.length, 1);
  assert.match(messages[0], /src\/newfeature\/ has no floor/);
});
