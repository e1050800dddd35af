// The .vsix ships only what .vscodeignore allows (an allow-list). A media folder the code loads but the
// list forgets works in development and tests (they run from the repository) and breaks only in the
// installed extension: the workflow graph's script was missing from the package that way.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every media folder the extension loads is in the package allow-list', () => {
  const allowed = readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1).trim());
  const used = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'media',\s*'([A-Za-z0-9_-]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size >= 5, `the scan finds the webviews' media folders (found: ${[...used].join(', ')})`);
  const missing = [...used].filter((dir) => !allowed.includes(`media/${dir}/**`));
  assert.deepEqual(missing, [], `add !media/<dir>/** to .vscodeignore for: ${missing.join(', ')}`);
});
