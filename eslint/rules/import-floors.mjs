// ESLint rule: imports in src/ only run down the floors (eslint/floors.mjs). Reports an import of a
// higher floor — import, import type, export … from, import(), import x = require(), import('…')
// types — and a src/ directory that has no floor yet.
import fs from 'node:fs';
import path from 'node:path';
import { FLOORS, floorName, floorOf } from '../floors.mjs';

/** The src/ directory a file is in, found from the file's own path (…/src/<here>). */
function srcRootOf(filename) {
  const parts = path.resolve(filename).split(path.sep);
  const i = parts.lastIndexOf('src');
  return i < 0 ? undefined : parts.slice(0, i + 1).join(path.sep);
}

/** @type {import('eslint').Rule.RuleModule} */
export const importFloors = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports in src/ run down the floors of ARCHITECTURE.md (eslint/floors.mjs)' },
    schema: [],
    messages: {
      upward:
        "'{{spec}}' is on a higher floor ({{to}}) than this file ({{from}}): imports only run down (core < … < commands < entry; eslint/floors.mjs). Move the shared part down, or pass it in from above.",
      noFloor: "src/{{dir}}/ has no floor: add it to FLOORS in eslint/floors.mjs (and ARCHITECTURE.md) where everything it imports is below it.",
    },
  },
  create(context) {
    const filename = context.physicalFilename ?? context.filename;
    const srcRoot = srcRootOf(filename);
    if (!srcRoot) return {};
    const fromInSrc = path.relative(srcRoot, filename);
    const fromFloor = floorOf(fromInSrc);

    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      let target = path.resolve(path.dirname(filename), spec);
      // '../slurm' is the folder's index.ts: it lives on that folder's floor.
      if (!fs.existsSync(`${target}.ts`) && fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) target = path.join(target, 'index.ts');
      const toInSrc = path.relative(srcRoot, target);
      if (toInSrc.startsWith('..') || path.isAbsolute(toInSrc)) return;
      const toFloor = floorOf(toInSrc);
      if (toFloor < 0) return; // reported on that directory's own files
      if (toFloor > fromFloor) {
        context.report({ node, messageId: 'upward', data: { spec, from: floorName(fromInSrc), to: floorName(toInSrc) } });
      }
    };

    return {
      Program(node) {
        if (fromFloor < 0) context.report({ node, loc: { line: 1, column: 0 }, messageId: 'noFloor', data: { dir: fromInSrc.split(/[\\/]/)[0] } });
      },
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' && check(node.moduleReference, node.moduleReference.expression.value),
      TSImportType: (node) => {
        const lit = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
        if (lit?.type === 'Literal') check(node, lit.value);
      },
    };
  },
};

/** The repository's local ESLint plugin. */
export const localPlugin = { meta: { name: 'swb-local' }, rules: { 'import-floors': importFloors } };

export { FLOORS };
