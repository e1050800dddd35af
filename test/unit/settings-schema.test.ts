// The one settings schema (src/config/settings.ts) against what package.json contributes: every
// `slurm.*` setting a user can set is validated, with the same default, enum and bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SYNC_EXCLUDE, parseSection, parseSettings, SETTING_KEYS, sectionOf, SettingsSchema } from '../../src/config/settings';

interface Contributed { type?: string; default?: unknown; enum?: unknown[]; minimum?: number; maximum?: number; deprecationMessage?: string; markdownDeprecationMessage?: string }
const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Contributed> } | { properties: Record<string, Contributed> }[] } };
const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
const contributed = Object.fromEntries(sections.flatMap((s) => Object.entries(s.properties)));
// Profiles have their own schema (config/profile.ts); deprecated settings are only migrated, never read.
const validated = Object.entries(contributed).filter(([k, v]) => k !== 'slurm.profiles' && !v.deprecationMessage && !v.markdownDeprecationMessage);

test('every contributed slurm.* setting (but profiles and deprecated ones) is in the schema, and nothing else', () => {
  assert.deepEqual(validated.map(([k]) => k.replace(/^slurm\./, '')).sort(), [...SETTING_KEYS].sort());
});

test("the schema's defaults are package.json's defaults", () => {
  const { settings } = parseSettings({});
  for (const [key, spec] of validated) assert.deepEqual(settings[key.replace(/^slurm\./, '') as keyof typeof settings], spec.default, key);
  assert.deepEqual(settings['submit.syncExclude'], DEFAULT_SYNC_EXCLUDE);
});

test("each enum value package.json offers is accepted, and a value outside the enum or the bounds is refused", () => {
  const shape = SettingsSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  for (const [key, spec] of validated) {
    const field = shape[key.replace(/^slurm\./, '')];
    for (const v of spec.enum ?? []) assert.ok(field.safeParse(v).success, `${key} = ${JSON.stringify(v)}`);
    if (spec.enum) assert.equal(field.safeParse('not-an-option').success, false, key);
    if (spec.minimum !== undefined) assert.equal(field.safeParse(spec.minimum - 1).success, false, `${key} below its minimum`);
    if (spec.maximum !== undefined) assert.equal(field.safeParse(spec.maximum + 1).success, false, `${key} above its maximum`);
  }
});

test('a bad value falls back to its default alone, and the problem names the setting, the value and the fallback', () => {
  const { settings, problems } = parseSettings({ pollIntervalSeconds: 1, 'logs.stderr': 'both', 'jobs.historyDays': 7, 'submit.followLog': null });
  assert.equal(settings.pollIntervalSeconds, 15);
  assert.equal(settings['logs.stderr'], 'interleave');
  assert.equal(settings['jobs.historyDays'], 7);
  assert.equal(settings['submit.followLog'], true);
  assert.equal(problems.length, 2);
  assert.equal(problems[0]?.setting, 'slurm.pollIntervalSeconds');
  assert.match(problems[0]?.message ?? '', /\(got 1\); using 15$/);
});

test('a section is its keys without the prefix, parsed the same way', () => {
  const { settings } = parseSettings({ 'logs.maxFollowed': 3 });
  assert.deepEqual(sectionOf(settings, 'logs'), { maxFollowed: 3, stderr: 'interleave', bigFileKb: 2048, tailLines: 1000, maxFinishedChannels: 5 });
  const r = parseSection('remoteFiles', { maxFileSizeMB: 0, watchIntervalSeconds: 30 });
  assert.deepEqual(r.settings, { maxFileSizeMB: 50, watchIntervalSeconds: 30 });
  assert.match(r.problems[0] ?? '', /^slurm\.remoteFiles\.maxFileSizeMB: .*using 50$/);
});
