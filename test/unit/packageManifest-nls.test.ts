// package.json is l10n-ready (issue 23, point 4): every user-facing string is a %key% with its
// English text in package.nls.json, every key used is defined and every entry is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLACEHOLDER, mapStrings, readNls, readRawManifest } from './packageManifest';

function placeholders(): Set<string> {
  const used = new Set<string>();
  mapStrings(readRawManifest(), (s) => {
    const key = PLACEHOLDER.exec(s)?.[1];
    if (key !== undefined) used.add(key);
    return s;
  });
  return used;
}

test('every %key% in package.json has a text in package.nls.json', () => {
  const nls = readNls();
  const missing = [...placeholders()].filter((k) => typeof nls[k] !== 'string' || nls[k] === '');
  assert.deepEqual(missing, []);
});

test('every entry of package.nls.json is used by package.json', () => {
  const used = placeholders();
  const unused = Object.keys(readNls()).filter((k) => !used.has(k));
  assert.deepEqual(unused, []);
});

/** The user-facing fields of the manifest, wherever they occur: none may be a literal text. */
const USER_FACING = new Set(['displayName', 'description', 'title', 'name', 'contextualTitle', 'contents', 'category', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage', 'enumDescriptions']);

test('no user-facing text is left literal in package.json', () => {
  const manifest = readRawManifest() as Record<string, unknown>;
  const literal: string[] = [];
  const visit = (value: unknown, path: string, field: string | undefined): void => {
    if (typeof value === 'string') {
      if (field !== undefined && USER_FACING.has(field) && !PLACEHOLDER.test(value)) literal.push(`${path}: ${value.slice(0, 40)}`);
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${path}[${i}]`, field === 'enumDescriptions' ? field : undefined));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // A setting's `properties` maps setting names (which may be called `name` or `description`) to schemas.
        const isSchemaMap = k === 'properties';
        if (isSchemaMap && v && typeof v === 'object') for (const [name, schema] of Object.entries(v)) visit(schema, `${path}.properties.${name}`, undefined);
        else visit(v, `${path}.${k}`, k);
      }
    }
  };
  // Only the fields VS Code and the Marketplace show: the top-level name/description and contributes.
  visit({ displayName: manifest.displayName, description: manifest.description }, '', undefined);
  visit(manifest.capabilities, 'capabilities', undefined);
  visit(manifest.contributes, 'contributes', undefined);
  assert.deepEqual(literal, []);
});
