// The import floors of src/ (ARCHITECTURE.md, issue 22): a file may import from its own floor or any
// floor below it, never from one above. One floor per src/ directory, in one fixed order, so every
// feature-to-feature import runs down and no two directories can import each other. Type-only
// imports count too. The ESLint rule (eslint/rules/import-floors.mjs) and the import-graph unit test
// (test/unit/import-graph.test.ts) both read this list.

/** Lowest first. A directory not listed here has no floor: the rule asks for it to be placed. */
export const FLOORS = [
  // primitives
  'core',
  'config',
  'transport',
  'slurm',
  // features (VS Code-free), each may import those before it
  'poller',
  'session',
  'resources',
  'templates',
  'submit',
  'language',
  'logs',
  'forward',
  'terminal',
  'remoteFs',
  'onboarding',
  'interactive',
  'workflow',
  // adapters (import vscode)
  'views',
  'vscode',
  'commands',
  // entry: src/*.ts (entry.ts, bundleLoader.ts, extension.ts, api.ts)
  '<entry>',
];

/**
 * The floor of a path relative to src/ ('session/jobTracker.ts', 'extension.ts'), as an index into
 * FLOORS; -1 when its directory has no floor.
 */
export function floorOf(pathInSrc) {
  const parts = pathInSrc.split(/[\\/]/);
  return parts.length === 1 ? FLOORS.indexOf('<entry>') : FLOORS.indexOf(parts[0]);
}

/** The floor's name as written in messages: 'session/', or 'src/*.ts (entry)'. */
export function floorName(pathInSrc) {
  const parts = pathInSrc.split(/[\\/]/);
  return parts.length === 1 ? 'src/*.ts (entry)' : `${parts[0]}/`;
}
