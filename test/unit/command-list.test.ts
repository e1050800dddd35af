// Issue 22, point 3: one list of command registrations in one style. src/commands/index.ts lists
// every command (id → handler built by its own file); features build their controllers and hand
// them to the list. Read statically here (the list's module imports vscode): the ids in the list,
// every contributed command registered by it, and no other file that registers commands on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readRawManifest, repoRoot } from './packageManifest';

const src = join(repoRoot, 'src');
const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** Files that call registerCommand themselves, and why: test hooks, none a contributed command. */
const TEST_HOOKS: Record<string, string> = {
  'src/vscode/submitFormPanel.ts': 'an internal hook for the form tests, not a contributed command',
  'src/vscode/workflowGraphPanel.ts': 'an internal hook for the graph tests, not a contributed command',
  'src/entry.ts': "the entry point registers every contributed id as a stand-in that loads the full bundle and runs the list's handler",
};

const listed = [...read('src/commands/index.ts').matchAll(/^\s*\['(slurm\.[\w.]+)',/gm)].map((m) => m[1]);
const contributed = [...new Set((readRawManifest() as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command))];

test('commands/index.ts lists each command once, and each is contributed in package.json', () => {
  assert.ok(listed.length >= 40, `the list was read (${listed.length} ids)`);
  assert.deepEqual(listed.filter((id, i) => listed.indexOf(id) !== i), [], 'ids listed twice');
  assert.deepEqual(listed.filter((id) => !contributed.includes(id)), [], 'listed but not contributed');
});

test('every contributed command is in the list', () => {
  assert.deepEqual(contributed.filter((id) => !listed.includes(id)), [], 'contributed commands that the list does not register');
});

test('no other file registers a command: new commands go into commands/index.ts', () => {
  const registering = sourceFiles(src)
    .filter((f) => /\bregisterCommand\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(repoRoot, f).split('\\').join('/'))
    .filter((f) => f !== 'src/commands/index.ts');
  assert.deepEqual(registering.filter((f) => !(f in TEST_HOOKS)).sort(), [], 'files that register commands outside the list');
});
