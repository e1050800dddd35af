// The JSON Schema contributed for *.slurm.yaml (media/schemas/slurm-workflow.schema.json, what Red
// Hat's YAML extension checks and completes with) says what the zod schema says: same fields,
// patterns, limits and enums once descriptions are set aside. No cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { WorkflowSchema } from '../../src/workflow/schema';

const root = path.resolve(__dirname, '../..');
const committed = JSON.parse(readFileSync(path.join(root, 'media/schemas/slurm-workflow.schema.json'), 'utf8')) as Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'markdownDescription', 'examples', 'default', 'oneOf']);

function structure(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(structure);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).filter(([k]) => !ANNOTATIONS.has(k)).map(([k, v]) => [k, structure(v)]));
}

test('the JSON Schema has the zod schema\'s structure (fields, patterns, limits, enums)', () => {
  const fromZod = z.toJSONSchema(WorkflowSchema, { io: 'input', unrepresentable: 'any' });
  assert.deepEqual(structure(committed), structure(fromZod));
});

test('the JSON Schema says what zod\'s refine says: a step has a script or a command, not both', () => {
  const steps = (committed.properties as Record<string, { items: { oneOf?: unknown } }>).steps;
  assert.deepEqual(steps.items.oneOf, [{ required: ['script'] }, { required: ['command'] }]);
  assert.equal(WorkflowSchema.safeParse({ steps: [{ name: 'a', script: 'a.sh', command: 'x' }] }).success, false);
});

test('every field in the JSON Schema is described for completion hovers', () => {
  const missing: string[] = [];
  const walk = (node: unknown, where: string) => {
    if (node === null || typeof node !== 'object') return;
    const props = (node as { properties?: Record<string, { description?: string }> }).properties;
    for (const [k, v] of Object.entries(props ?? {})) {
      if (!v.description) missing.push(`${where}.${k}`);
      walk(v, `${where}.${k}`);
    }
    for (const key of ['items', 'additionalProperties']) walk((node as Record<string, unknown>)[key], `${where}[]`);
    for (const alt of (node as { anyOf?: unknown[] }).anyOf ?? []) walk(alt, where);
  };
  walk(committed, '');
  assert.deepEqual(missing, []);
});

test('package.json contributes the schema for *.slurm.yaml', () => {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { yamlValidation?: { fileMatch: string | string[]; url: string }[] } };
  const entry = pkg.contributes.yamlValidation?.find((v) => v.url === './media/schemas/slurm-workflow.schema.json');
  assert.ok(entry, 'no yamlValidation entry for the workflow schema');
  assert.ok(([] as string[]).concat(entry.fileMatch).includes('*.slurm.yaml'));
});
