import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { localPlugin } from './eslint/rules/import-floors.mjs';

// The core must stay VS Code-free: only the adapter folders may import 'vscode'.
const vscodeAllowed = [
  'src/extension.ts',
  'src/entry.ts',
  'src/vscode/**',
  'src/views/**',
  'src/commands/**',
  'test/extension/**',
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', '.bed/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // A promise nobody awaits loses its rejection: await it, handle it, or say `void` on purpose.
    // Type-aware, so only for the shipped code (tests await what they start).
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // Imports only run down the floors of ARCHITECTURE.md (eslint/floors.mjs); cycles inside a floor
    // are caught by test/unit/import-graph.test.ts.
    files: ['src/**/*.ts'],
    plugins: { local: localPlugin },
    rules: { 'local/import-floors': 'error' },
  },
  {
    files: ['src/**/*.ts', 'test/unit/**/*.ts', 'test/integration/**/*.ts'],
    ignores: vscodeAllowed,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'The core is VS Code-free: put VS Code code in src/vscode, src/views or src/commands.' }] },
      ],
    },
  },
);
