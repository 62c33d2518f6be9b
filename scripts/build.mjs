// Builds the two deployables: the extension bundle (vscode stays external) and the hub service bundle.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

/** @type {{ version: string }} */
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  define: { HUB_NOTEBOOKS_VERSION: JSON.stringify(version) },
};

/**
 * axios (with the MIME database form-data brings) is three quarters of the extension bundle and is needed only
 * at the first hub request, so it ships as dist/axios.js and the transport's `import('axios')` loads it then.
 * Activation reads a 71 KB bundle instead of 343 KB (about 11 ms to require instead of 18 ms, measured here).
 */
const axiosApart = {
  name: 'axios-apart',
  setup(build) {
    build.onResolve({ filter: /^axios$/ }, () => ({ path: './axios.js', external: true }));
  },
};

/**
 * @jupyterlab/services (with Yjs, which its notebook model brings) is needed only when the first cell runs, so
 * it ships as dist/jupyterlab.js, required by the kernel layer when that is first imported. Only the library is
 * apart: the kernel layer itself stays in the main bundle, so its errors are the same classes the extension
 * checks with `instanceof`.
 */
const jupyterlabApart = {
  name: 'jupyterlab-apart',
  setup(build) {
    build.onResolve({ filter: /^@jupyterlab\/services$/ }, () => ({
      path: './jupyterlab.js',
      external: true,
    }));
  },
};

/** ws, needed from the first kernel connection on, ships as dist/ws.js (authSocket.ts imports it lazily). */
const wsApart = {
  name: 'ws-apart',
  setup(build) {
    build.onResolve({ filter: /^ws$/ }, () => ({ path: './ws.js', external: true }));
  },
};

/**
 * secretlint (its core and the recommended preset, about half of what the rest would weigh) is needed only
 * when the first notebook is linted, so it ships as dist/secretlint.js. The lint itself is imported with
 * `import()`, so esbuild wraps it in a lazy initialiser and the require runs on that first lint.
 */
const secretlintApart = {
  name: 'secretlint-apart',
  setup(build) {
    build.onResolve({ filter: /^@secretlint\/(core|secretlint-rule-preset-recommend)$/ }, () => ({
      path: './secretlint.js',
      external: true,
    }));
  },
};

/**
 * The activation bundle (dist/extension.js) holds only the shell: the registrations VS Code needs from
 * activation on (src/vscode/shell/). The rest of the extension, hubNotebooks.ts and all it imports, ships as
 * dist/main.js, which the shell's `import('./hubNotebooks')` loads on first use. The shell and the rest share
 * no class that anything checks with `instanceof`: the core's errors live only in dist/main.js.
 */
const restApart = {
  name: 'rest-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/hubNotebooks$/ }, (args) =>
      args.importer.endsWith('src/vscode/extension.ts') ? { path: './main.js', external: true } : undefined,
    );
  },
};

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [restApart],
  }),
  esbuild.build({
    ...common,
    entryPoints: ['src/vscode/hubNotebooks.ts'],
    outfile: 'dist/main.js',
    external: ['vscode'],
    plugins: [axiosApart, jupyterlabApart, wsApart, secretlintApart],
  }),
  esbuild.build({
    ...common,
    entryPoints: ['node_modules/@jupyterlab/services/lib/index.js'],
    outfile: 'dist/jupyterlab.js',
    // ws's optional native speed-ups are not installed; leave their requires to fail softly at run time.
    external: ['bufferutil', 'utf-8-validate'],
  }),
  esbuild.build({ ...common, entryPoints: ['node_modules/axios/index.js'], outfile: 'dist/axios.js' }),
  esbuild.build({ ...common, entryPoints: ['scripts/secretlintEntry.mjs'], outfile: 'dist/secretlint.js' }),
  esbuild.build({
    ...common,
    entryPoints: ['node_modules/ws/index.js'],
    outfile: 'dist/ws.js',
    external: ['bufferutil', 'utf-8-validate'],
  }),
  // better-sqlite3 is a native addon: it is loaded from node_modules next to dist/, never bundled.
  esbuild.build({
    ...common,
    entryPoints: ['src/service/main.ts'],
    outfile: 'dist/service.js',
    external: ['better-sqlite3'],
  }),
]);
console.log(
  `built dist/extension.js, dist/main.js, dist/axios.js, dist/ws.js, dist/jupyterlab.js, dist/secretlint.js and dist/service.js${production ? ' (production)' : ''}`,
);
