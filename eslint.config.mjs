// Lint: strict type-aware rules, floating promises are errors, and the VS Code-free layers stay free of VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'vscode', message: 'src/core and src/service must not depend on VS Code (see STYLE.md).' },
      ],
      patterns: [
        {
          // Relative paths into src/vscode; the bare 'vscode' module is the `paths` entry above.
          regex: '^\\.{1,2}/(.*/)?vscode(/|$)',
          message: 'src/core and src/service must not import the adapters.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'out/', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test() returns a promise the runner itself awaits.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  { files: ['src/core/**/*.ts', 'src/service/**/*.ts'], rules: noVscode },
  {
    // The adapters take VS Code's API object as it is, `import vscode = require('vscode')`: bundled, each
    // `import * as vscode` became a copy of all of the API's 400-odd names, made at load (issue 14 §4).
    files: ['src/vscode/**/*.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='vscode'][importKind='value'][specifiers.length>0]",
          message:
            "Import VS Code's API as `import vscode = require('vscode')`, so that bundling copies nothing.",
        },
      ],
    },
  },
  {
    // Length limits (issue 14): a file says one thing, a function does one thing. Blank lines and comments
    // are not counted, so explaining code never pushes it over.
    files: ['**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // The exceptions, each with its reason:
    // - the UI journeys share one code-server, one Chromium and one hub per file (about 40 s to start); a
    //   second file would pay that again on both hub flavours, for nothing but the count;
    // - the fake `vscode` module is one object literal standing for the API surface the adapters use, as VS
    //   Code declares it in one namespace; split up, each part would need the others' emitters and state.
    files: ['test/e2e/journeys.e2e.test.ts', 'test/support/fakeVscode.ts'],
    rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
