// One follow-after-submit setting (issue 18, point 7): slurm.logs.followAfterSubmit is deprecated in
// the manifest, and an explicit value of it is honoured once by moving it to slurm.submit.followLog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readManifest } from './packageManifest';
import { followAfterSubmitMigration } from '../../src/config/settings';

// Texts as VS Code shows them (package.nls.json's English for each %key%).
const properties = readManifest<{ contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } }>().contributes.configuration.properties;

test('the old setting moves to the new one at its own level, unless the new one is set there', () => {
  assert.deepEqual(followAfterSubmitMigration({ globalValue: true }, {}), [{ level: 'globalValue', value: true }]);
  assert.deepEqual(followAfterSubmitMigration({ globalValue: false, workspaceValue: true }, { workspaceValue: false }), [
    { level: 'globalValue', value: false },
    { level: 'workspaceValue' },
  ]);
  assert.deepEqual(followAfterSubmitMigration({}, { globalValue: false }), []);
  // A value that is not a boolean is dropped, not copied.
  assert.deepEqual(followAfterSubmitMigration({ globalValue: 'yes' }, {}), [{ level: 'globalValue' }]);
});

test('the manifest: the old setting is deprecated towards the new one, the new one stays', () => {
  assert.match(String(properties['slurm.logs.followAfterSubmit'].markdownDeprecationMessage), /#slurm\.submit\.followLog#/);
  assert.equal(properties['slurm.submit.followLog'].default, true);
  assert.equal(properties['slurm.submit.followLog'].markdownDeprecationMessage, undefined);
});

test('slurm.profiles says where profiles can live and is found by its id and by tags', () => {
  const profiles = properties['slurm.profiles'];
  assert.match(String(profiles.markdownDescription), /slurm\.profiles/);
  assert.match(String(profiles.markdownDescription), /Remote \/ Machine/);
  assert.deepEqual(profiles.tags, ['slurm', 'cluster', 'profiles', 'ssh']);
});
