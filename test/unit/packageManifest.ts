// package.json as VS Code shows it: every %key% placeholder replaced by its English text from
// package.nls.json (as the extension host does when it reads the manifest). Tests that check the
// manifest's texts read it through here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '../..');

export const PLACEHOLDER = /^%([\w.-]+)%$/;

export function readRawManifest(): unknown {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}

export function readNls(): Record<string, string> {
  return JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
}

/** Every string value of `value`, recursively, with `visit` deciding its replacement. */
export function mapStrings(value: unknown, visit: (s: string) => string): unknown {
  if (typeof value === 'string') return visit(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, visit));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, visit)]));
  return value;
}

/** The manifest with its placeholders resolved; a placeholder without a text throws. */
export function readManifest<T = Record<string, unknown>>(): T {
  const nls = readNls();
  return mapStrings(readRawManifest(), (s) => {
    const key = PLACEHOLDER.exec(s)?.[1];
    if (key === undefined) return s;
    const text = nls[key];
    if (text === undefined) throw new Error(`package.json uses %${key}%, which package.nls.json does not define`);
    return text;
  }) as T;
}
