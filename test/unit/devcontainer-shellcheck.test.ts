// Every shell script of the repository passes shellcheck (Debian's `shellcheck`, installed by
// test/bed/vscode-tools.sh): the *.sh files, the sample job scripts, and extension-less scripts with a
// sh/bash shebang (.ci/run, the VS Code test shim). Sourced files are followed (-x).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './devcontainer-helpers';

const skipDirs = new Set(['node_modules', '.git', '.tools', '.bed', 'test-output', 'dist', 'out']);

function shellScripts(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name)) shellScripts(file, found);
    } else if (entry.isFile()) {
      if (/\.(sh|sbatch)$/.test(entry.name)) found.push(file);
      else if (!entry.name.includes('.') && statSync(file).size < 1_000_000 && /^#!\s*\S*(\/|env )(ba)?sh\b/.test(readFileSync(file, 'utf8').slice(0, 100))) found.push(file);
    }
  }
  return found;
}

test('shellcheck passes on every shell script of the repository', () => {
  const version = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
  assert.equal(version.status, 0, 'shellcheck is not installed: apt-get install shellcheck (test/bed/vscode-tools.sh installs it)');
  const scripts = shellScripts(repoRoot).map((f) => path.relative(repoRoot, f)).sort();
  for (const expected of ['.devcontainer/cluster/lib.sh', '.devcontainer/cluster/entrypoint.sh', '.devcontainer/cluster/up.sh', 'test/run-all.sh', '.ci/run', 'media/samples/hello.sbatch']) {
    assert.ok(scripts.includes(expected), `${expected} was not found among the scripts`);
  }
  const run = spawnSync('shellcheck', ['-x', '--format=gcc', ...scripts], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(run.status, 0, `shellcheck found problems in ${scripts.length} scripts:\n${run.stdout}${run.stderr}`);
});
