// Lint rules, including the import boundaries of ARCHITECTURE.md:
// renderer and shared never import main; shared imports nothing app-specific;
// only main/electron imports 'electron'; only main/process imports 'child_process'.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { floorsRule } from './build/eslint/floors.js';

const mainPatterns = ['**/main/**', '**/main', '../main/*', '../../main/*'];

/** What a file in main/ may import: electron only in main/electron, child processes only through main/process. */
function mainImports({ electron, childProcess }) {
  const paths = [];
  if (!electron)
    paths.push({
      name: 'electron',
      message: 'Only main/electron may import electron: keep the station runnable under plain Node.',
    });
  if (!childProcess)
    for (const name of ['child_process', 'node:child_process'])
      paths.push({
        name,
        message:
          'Only main/process starts processes: use its ProcessSupervisor (long-lived), runOnce (probes) or Spawner, so every child is in its own group, bounded in time and killed with the station.',
      });
  return [
    'error',
    {
      paths,
      patterns: [
        {
          group: ['react', 'react-dom', 'react/*', '**/renderer/**'],
          message: 'main never imports React or the renderer.',
        },
      ],
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'bench-results/**',
      'test/fixtures/lint/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['main/**/*.ts'],
    plugins: { local: { rules: { floors: floorsRule } } },
    rules: { 'local/floors': 'error' },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**', 'main/process/**'],
    rules: { 'no-restricted-imports': mainImports({ electron: false, childProcess: false }) },
  },
  {
    files: ['main/process/**/*.ts'],
    rules: { 'no-restricted-imports': mainImports({ electron: false, childProcess: true }) },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': mainImports({ electron: true, childProcess: false }) },
  },
  {
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer talks to main only through the bridge contract in shared/.' },
          ],
          patterns: [
            {
              group: mainPatterns,
              message: 'renderer must not import main: go through the bridge contract in shared/.',
            },
            {
              group: ['node:*', 'fs', 'path', 'child_process', 'os'],
              message: 'renderer runs in a sandboxed page: no Node modules.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared is imported by both sides: no electron.' }],
          patterns: [
            { group: mainPatterns, message: 'shared must not import main.' },
            {
              group: ['**/renderer/**', '../renderer/*', 'react', 'react-dom', 'node:*'],
              message: 'shared imports nothing app-specific or platform-specific (zod only).',
            },
          ],
        },
      ],
    },
  },
);
