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

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  }),
  esbuild.build({ ...common, entryPoints: ['src/service/main.ts'], outfile: 'dist/service.js' }),
]);
console.log(`built dist/extension.js and dist/service.js${production ? ' (production)' : ''}`);
