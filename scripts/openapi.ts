// Writes the service's OpenAPI document to docs/openapi.json, so readers and client generators can see the
// API without running the service. The document is generated from the operations (src/service/api), never
// edited by hand; `--check` fails when the committed copy no longer matches them, and a unit test
// (test/unit/service/api/openapi.test.ts) does the same, so a change to an operation cannot forget the copy.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../src/service/api/openapi';
import { OPERATIONS } from '../src/service/operations';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..');

/** Where the committed copy lives, relative to the repository. */
export const OPENAPI_DOCUMENT_PATH = 'docs/openapi.json';

/** The prefix JupyterHub gives the service by default (config.ts's JUPYTERHUB_SERVICE_PREFIX default). */
export const DOCUMENTED_PREFIX = '/services/hub-notebooks/';

/** The package's version, which the document states as the API's. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

/** The document as the committed file holds it: 2-space indent and a final newline, so diffs stay readable. */
export function renderOpenApiDocument(): string {
  const document = buildOpenApiDocument(OPERATIONS, { version: packageVersion(), prefix: DOCUMENTED_PREFIX });
  return `${JSON.stringify(document, null, 2)}\n`;
}

function readCommitted(): string | undefined {
  try {
    return readFileSync(join(ROOT, OPENAPI_DOCUMENT_PATH), 'utf8');
  } catch {
    return undefined;
  }
}

function main(args: readonly string[]): number {
  const text = renderOpenApiDocument();
  if (args.includes('--check')) {
    if (readCommitted() === text) {
      console.log(`${OPENAPI_DOCUMENT_PATH} is up to date.`);
      return 0;
    }
    console.error(`${OPENAPI_DOCUMENT_PATH} is out of date: run npm run openapi`);
    return 1;
  }
  writeFileSync(join(ROOT, OPENAPI_DOCUMENT_PATH), text);
  console.log(`wrote ${OPENAPI_DOCUMENT_PATH}`);
  return 0;
}

// Run only as a script: the unit test imports renderOpenApiDocument without writing anything.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
