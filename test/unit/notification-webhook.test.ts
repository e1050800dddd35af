// The job-notification webhook URL moves from the old setting into secret storage once: which
// scopes are moved, which are left alone (untrusted workspace, not a URL), and that the URL never
// appears in what the user is told. Settings and secret storage are an in-memory stand-in for
// VS Code's (there is no VS Code in unit tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateWebhookSetting, planWebhookMigration, type SettingScope, type WebhookSettingValues } from '../../src/session/notificationWebhook';

const url = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN';

function memory(values: WebhookSettingValues, workspaceTrusted: boolean) {
  const state = { values: { ...values }, secret: undefined as string | undefined, cleared: [] as SettingScope[] };
  return {
    state,
    io: {
      read: () => ({ ...state.values }),
      clear: async (scope: SettingScope) => {
        state.cleared.push(scope);
        delete state.values[scope];
      },
      store: async (u: string) => void (state.secret = u),
      workspaceTrusted,
    },
  };
}

test('a user-settings URL is stored as the secret and removed from settings; running again does nothing', async () => {
  const m = memory({ global: url }, true);
  const note = await migrateWebhookSetting(m.io);
  assert.equal(m.state.secret, url);
  assert.deepEqual(m.state.cleared, ['global']);
  assert.match(note ?? '', /webhook \(hooks\.slack\.com\) now lives in VS Code's secret storage/);
  assert.ok(!note?.includes('SECRETTOKEN'), 'the URL is never in the message');
  assert.equal(await migrateWebhookSetting(m.io), undefined, 'once: the setting is gone');
  assert.equal(m.state.secret, url);
});

test('a trusted workspace value is moved too (the most specific wins, every moved scope is cleared)', () => {
  assert.deepEqual(planWebhookMigration({ global: url, workspace: 'https://ntfy.sh/mine' }, true), { move: 'https://ntfy.sh/mine', clear: ['global', 'workspace'], untrusted: [], invalid: [] });
});

test('an untrusted workspace\'s URL is neither stored nor removed, and the user hears it is ignored', async () => {
  const m = memory({ workspace: 'https://evil.example/collect', workspaceFolder: 'https://evil.example/2' }, false);
  const note = await migrateWebhookSetting(m.io);
  assert.equal(m.state.secret, undefined);
  assert.deepEqual(m.state.cleared, []);
  assert.match(note ?? '', /untrusted workspace's settings is ignored/);
  assert.ok(!note?.includes('evil.example'));
  // The user's own value still moves in an untrusted window.
  assert.deepEqual(planWebhookMigration({ global: url, workspace: 'https://evil.example/c' }, false), { move: url, clear: ['global'], untrusted: ['workspace'], invalid: [] });
});

test('empty values are nothing to move; a value that is not an http(s) URL is left in place and reported', async () => {
  assert.equal(await migrateWebhookSetting(memory({ global: '', workspace: '  ' }, true).io), undefined);
  const m = memory({ global: 'ftp://x/y' }, true);
  const note = await migrateWebhookSetting(m.io);
  assert.equal(m.state.secret, undefined);
  assert.deepEqual(m.state.cleared, []);
  assert.match(note ?? '', /not an http\(s\) URL; it was left in place/);
});
