// The built-in templates (templates/*.njk): metadata, rendering, escaping, parse-back, trust gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTemplates, parseTemplate, templatesFor, type HeaderTemplate } from '../../src/templates/templateStore';
import { renderTemplate, scriptOperand, shellPath } from '../../src/templates/render';
import { checkRenderedHeader } from '../../src/submit/compose';
import { parseScript } from '../../src/submit/directives';

const builtinDir = path.resolve(__dirname, '../../templates');

async function builtins(): Promise<HeaderTemplate[]> {
  const { templates, problems } = await loadTemplates({ builtinDir, trusted: true });
  assert.deepEqual(problems, []);
  return templates;
}

test('every built-in template loads with valid metadata', async () => {
  const ids = (await builtins()).map((t) => t.id).sort();
  assert.deepEqual(ids, ['array', 'container', 'default', 'gpu', 'mpi', 'python']);
});

test('templates for a language: default first; python gets the wrapper', async () => {
  const t = await builtins();
  assert.equal(templatesFor(t, 'shellscript')[0].id, 'default');
  assert.deepEqual(templatesFor(t, 'python').map((x) => x.id), ['python']);
});

test('each header template renders only directives that parse back to the plan', async () => {
  for (const t of (await builtins()).filter((x) => x.meta.kind === 'header')) {
    const planned = [{ option: 'job-name', value: `a "quoted" $(name) #1 é` }, ...Object.entries(t.meta.defaults).map(([option, value]) => (value === null ? { option } : { option, value }))];
    const out = await renderTemplate(t, { directives: planned });
    checkRenderedHeader(out, planned, t, true);
    assert.ok(out.split('\n').filter(Boolean).every((l) => l.startsWith('#SBATCH ')), `${t.id}:\n${out}`);
  }
});

test('the python wrapper activates modules, conda and venv with quoted values, then runs the file', async () => {
  const t = (await builtins()).find((x) => x.id === 'python')!;
  const out = await renderTemplate(t, {
    directives: [{ option: 'job-name', value: 'py' }],
    python: { script: `it's $(x).py`, env: { modules: ['python/3.11', 'cuda 12'], conda: 'my env', venv: '~/venvs/a b', interpreter: 'python3 -u' } },
  });
  assert.match(out, /^#!\/bin\/bash\n#SBATCH --job-name=py\n/);
  assert.match(out, /^module load python\/3\.11$/m);
  assert.match(out, /^module load 'cuda 12'$/m);
  assert.match(out, /^conda activate 'my env'$/m);
  assert.match(out, /^source "\$HOME"\/'venvs\/a b'\/bin\/activate$/m);
  assert.match(out, /^exec python3 -u 'it'\\''s \$\(x\)\.py' "\$@"$/m);
  assert.deepEqual(parseScript(out).directives.map((d) => d.option), ['job-name']);
});

test('a python file named like an option (-c.py, -) is run as a file: ./-c.py, and bash + python3 really run it', async () => {
  const t = (await builtins()).find((x) => x.id === 'python')!;
  const render = (script: string) => renderTemplate(t, { directives: [], python: { script, env: { modules: [], interpreter: 'python3' } } });
  assert.match(await render('-'), /^exec python3 \.\/- "\$@"$/m);
  assert.match(await render('--help.py'), /^exec python3 \.\/--help\.py "\$@"$/m);
  assert.match(await render("-c print('x').py"), /^exec python3 '\.\/-c print\('\\''x'\\''\)\.py' "\$@"$/m);
  assert.equal(scriptOperand('plain.py'), 'plain.py');
  assert.equal(scriptOperand('/abs/-x.py'), '/abs/-x.py');
  // The wrapper as the job runs it: in the file's folder, with the real bash and python3.
  const dir = mkdtempSync(path.join(tmpdir(), 'swb-py-'));
  const name = "-c import sys; print('option!').py";
  writeFileSync(path.join(dir, name), 'import sys\nprint("ran", sys.argv[0], sys.argv[1:])\n');
  writeFileSync(path.join(dir, 'wrapper.sh'), await render(name));
  try {
    const out = execFileSync('bash', ['wrapper.sh', '--x'], { cwd: dir, encoding: 'utf8' });
    assert.equal(out, `ran ./${name} ['--x']\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shellPath keeps ~ working and quotes the rest', () => {
  assert.equal(shellPath('~/a b'), `"$HOME"/'a b'`);
  assert.equal(shellPath('/opt/env'), '/opt/env');
});

test('a template that writes a command or its own directive fails the parse-back check', async () => {
  const bad = parseTemplate('bad', '{#- slurm-workbench {"label": "Bad", "kind": "header", "languages": ["shellscript"]} -#}\n#SBATCH --hold\n{% for l in directives %}{{ l }}\n{% endfor %}echo hi\n', 'user', '/x/bad.njk');
  assert.ok('meta' in bad);
  const planned = [{ option: 'time', value: '5' }];
  const out = await renderTemplate(bad, { directives: planned });
  assert.throws(() => checkRenderedHeader(out, planned, bad, true), /does not match/);
});

test('metadata problems are reported with the file name', () => {
  const p = parseTemplate('x', '#SBATCH -t 5\n', 'user', '/t/x.njk');
  assert.ok(!('meta' in p) && /first line/.test(p.message));
  const q = parseTemplate('x', '{#- slurm-workbench {"label": "X", "kind": "nope", "languages": []} -#}\n', 'user', '/t/x.njk');
  assert.ok(!('meta' in q) && /kind/.test(q.message));
});

test('user templates override built-ins by file name; workspace templates are refused when untrusted', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wb-templates-'));
  writeFileSync(path.join(dir, 'default.njk'), '{#- slurm-workbench {"label": "Mine", "kind": "header", "languages": ["shellscript"]} -#}\n{% for l in directives %}{{ l }}\n{% endfor %}');
  const trusted = await loadTemplates({ builtinDir, userDir: dir, userDirInWorkspace: true, trusted: true });
  assert.equal(trusted.templates.find((t) => t.id === 'default')?.meta.label, 'Mine');
  const untrusted = await loadTemplates({ builtinDir, userDir: dir, userDirInWorkspace: true, trusted: false });
  assert.equal(untrusted.templates.find((t) => t.id === 'default')?.meta.label, 'Default');
  assert.match(untrusted.problems[0].message, /untrusted workspace/);
  const outside = await loadTemplates({ builtinDir, userDir: dir, userDirInWorkspace: false, trusted: false });
  assert.equal(outside.templates.find((t) => t.id === 'default')?.meta.label, 'Mine');
});
