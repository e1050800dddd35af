// The profile's `python` field: validated with the profile (clear messages naming the field), and
// turned by pythonEnvOf into what the Python wrapper template renders; package.json's JSON schema
// for slurm.profiles describes the same fields.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfile, parseProfiles } from '../../src/config/profile';
import { pythonEnvOf } from '../../src/submit/pythonEnv';

const profileWith = (python: unknown) => parseProfile({ name: 'hpc', host: 'login.example.org', python });

function messageFor(python: unknown): string {
  const r = profileWith(python);
  assert.equal(r.ok, false, `expected ${JSON.stringify(python)} to be refused`);
  return r.ok ? '' : r.problem.message;
}

test('a profile without python: the wrapper uses plain python3', () => {
  const r = parseProfile({ name: 'hpc', host: 'h' });
  assert.ok(r.ok);
  assert.equal(r.profile.python, undefined);
  assert.deepEqual(pythonEnvOf(r.profile), { modules: [], interpreter: 'python3' });
});

test('modules, conda, venv and interpreter are parsed and trimmed; one module may be a plain string', () => {
  const full = profileWith({ modules: [' python/3.11 ', 'cuda/12'], conda: 'torch', venv: '~/venvs/a b', interpreter: 'python3 -u' });
  assert.ok(full.ok);
  assert.deepEqual(pythonEnvOf(full.profile), { modules: ['python/3.11', 'cuda/12'], conda: 'torch', venv: '~/venvs/a b', interpreter: 'python3 -u' });
  const single = profileWith({ modules: 'python/3.12' });
  assert.ok(single.ok);
  assert.deepEqual(pythonEnvOf(single.profile), { modules: ['python/3.12'], interpreter: 'python3' });
});

test('pythonEnvOf hands out a copy: the parsed profile is never changed by a template', () => {
  const r = profileWith({ modules: ['a'] });
  assert.ok(r.ok);
  pythonEnvOf(r.profile).modules.push('b');
  assert.deepEqual(r.profile.python?.modules, ['a']);
});

test('mistakes are refused with a message naming the profile and the field', () => {
  assert.equal(messageFor('python3'), 'Profile "hpc": python must be an object like { "modules": ["python/3.11"], "venv": "~/venvs/x" }.');
  assert.equal(messageFor({ module: 'python/3.11' }), 'Profile "hpc": python has unknown field "module" (known: modules, conda, venv, interpreter).');
  assert.equal(messageFor({ modules: 3 }), 'Profile "hpc": python.modules must be a module name or a list of them, e.g. ["python/3.11"].');
  assert.equal(messageFor({ modules: ['ok', '  '] }), 'Profile "hpc": python.modules.1 must not be empty.');
  assert.equal(messageFor({ interpreter: '' }), 'Profile "hpc": python.interpreter must not be empty.');
  // Each value lands on a line of the wrapper script: a line break would start a new command.
  assert.equal(messageFor({ conda: 'env\nrm -rf ~' }), 'Profile "hpc": python.conda must be one line of text.');
  assert.equal(messageFor({ venv: 42 }), 'Profile "hpc": python.venv must be text.');
});

test('a broken python field is reported like any other profile problem; the other profiles stay', () => {
  const { profiles, problems } = parseProfiles([
    { name: 'good', host: 'a', python: { conda: 'x' } },
    { name: 'bad', host: 'b', python: { venv: '' } },
  ]);
  assert.deepEqual(profiles.map((p) => p.name), ['good']);
  assert.deepEqual(problems.map((p) => [p.name, p.message]), [['bad', 'Profile "bad": python.venv must not be empty.']]);
});

test("package.json's JSON schema for slurm.profiles knows exactly the python fields the zod schema accepts", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { items: { properties: Record<string, { properties: Record<string, unknown>; additionalProperties?: boolean }> } }> } };
  };
  const python = pkg.contributes.configuration.properties['slurm.profiles'].items.properties.python;
  assert.deepEqual(Object.keys(python.properties).sort(), ['conda', 'interpreter', 'modules', 'venv']);
  assert.equal(python.additionalProperties, false);
  for (const key of Object.keys(python.properties)) assert.ok(profileWith({ [key]: 'x' }).ok, `${key} accepted by zod`);
});
