// The OpenAPI document: the committed copy is the generated one, it lists every operation once with the
// right security, its schemas are JSON Schema 2020-12 (OpenAPI 3.1's dialect), and the service serves the
// same document for the prefix it runs under. Clients and fuzzers read this document, so it must be true.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../../../src/core/logger';
import { HUB_TOKEN_SCHEME, buildOpenApiDocument } from '../../../../src/service/api/openapi';
import { OPERATIONS } from '../../../../src/service/operations';
import { loadServiceConfig } from '../../../../src/service/config';
import { createServiceServer } from '../../../../src/service/server';
import {
  DOCUMENTED_PREFIX,
  OPENAPI_DOCUMENT_PATH,
  packageVersion,
  renderOpenApiDocument,
} from '../../../../scripts/openapi';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, unknown>;
interface OperationObject {
  operationId: string;
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { content?: Record<string, { schema: Json }>; headers?: Record<string, Json> }>;
}

const generated = (prefix = DOCUMENTED_PREFIX, version = packageVersion()) =>
  buildOpenApiDocument(OPERATIONS, { version, prefix });

/** Every operation object of the document with its method and path. */
function operationsOf(doc: Json): { method: string; path: string; op: OperationObject }[] {
  const out: { method: string; path: string; op: OperationObject }[] = [];
  for (const [p, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method)) out.push({ method, path: p, op: op as OperationObject });
    }
  }
  return out;
}

/** Every schema the document holds, named by where it is. */
function schemasOf(doc: Json): { where: string; schema: Json }[] {
  const out: { where: string; schema: Json }[] = [];
  for (const { method, path: p, op } of operationsOf(doc)) {
    const at = `${method.toUpperCase()} ${p}`;
    for (const param of op.parameters ?? [])
      out.push({ where: `${at} ?${param.name}`, schema: param.schema });
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      out.push({ where: `${at} body ${type}`, schema: media.schema });
    }
    for (const [status, response] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        out.push({ where: `${at} ${status} ${type}`, schema: media.schema });
      }
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        out.push({ where: `${at} ${status} header ${name}`, schema: header.schema as Json });
      }
    }
  }
  return out;
}

test('the committed docs/openapi.json is the generated document, byte for byte', () => {
  const committed = fs.readFileSync(path.join(ROOT, OPENAPI_DOCUMENT_PATH), 'utf8');
  assert.equal(committed, renderOpenApiDocument(), 'docs/openapi.json is out of date: run npm run openapi');
  assert.deepEqual(JSON.parse(committed), generated());
  assert.equal(
    loadServiceConfig({
      JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api',
      JUPYTERHUB_API_TOKEN: 't',
      JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
    }).prefix,
    DOCUMENTED_PREFIX,
    'the document is written for the prefix the service has by default',
  );
});

test('it is OpenAPI 3.1 and lists every operation exactly once, where the operation says', () => {
  const doc = generated();
  assert.equal(doc.openapi, '3.1.0');
  assert.deepEqual(doc.servers, [{ url: DOCUMENTED_PREFIX }]);
  assert.equal((doc.info as Json).version, packageVersion());
  const listed = operationsOf(doc);
  const expected = OPERATIONS.flatMap((op) => (op.head ? [op.id, `${op.id}Head`] : [op.id]));
  assert.equal(new Set(expected).size, expected.length, 'operation ids are unique');
  assert.deepEqual(listed.map((l) => l.op.operationId).sort(), [...expected].sort());
  for (const op of OPERATIONS) {
    const item = (doc.paths as Record<string, Record<string, OperationObject>>)[`/${op.path}`];
    assert.equal(item?.[op.method.toLowerCase()]?.operationId, op.id, op.id);
    assert.equal(item?.head?.operationId, op.head ? `${op.id}Head` : undefined, `${op.id} HEAD`);
  }
});

test('authenticated operations list the hubToken scheme and the others an empty security list', () => {
  const doc = generated();
  const schemes = (doc.components as { securitySchemes: Json }).securitySchemes;
  assert.deepEqual(Object.keys(schemes), [HUB_TOKEN_SCHEME]);
  const byId = new Map(operationsOf(doc).map((l) => [l.op.operationId, l.op]));
  for (const op of OPERATIONS) {
    const want = op.auth === 'none' ? [] : [{ [HUB_TOKEN_SCHEME]: [] }];
    assert.deepEqual(byId.get(op.id)?.security, want, op.id);
    if (op.head) assert.deepEqual(byId.get(`${op.id}Head`)?.security, want, `${op.id}Head`);
  }
  assert.ok(OPERATIONS.some((op) => op.auth === 'none') && OPERATIONS.some((op) => op.auth !== 'none'));
});

test('every parameter names a query parameter of its operation, with its example', () => {
  const byId = new Map(operationsOf(generated()).map((l) => [l.op.operationId, l.op]));
  for (const op of OPERATIONS.filter((o) => o.query)) {
    const params = byId.get(op.id)?.parameters ?? [];
    assert.deepEqual(params.map((p) => p.name).sort(), Object.keys(op.query?.shape ?? {}).sort(), op.id);
    for (const p of params) {
      assert.equal(p.in, 'query');
      assert.equal((p as Json).example, op.queryExamples?.[p.name], `${op.id} ?${p.name}`);
    }
  }
});

/** The part of Ajv's 2020-12 validator these checks use, typed here so the test does not depend on it. */
interface Ajv2020 {
  validateSchema(schema: unknown): boolean;
  compile(schema: unknown): unknown;
  errorsText(errors?: unknown): string;
  errors?: unknown;
}

/** Ajv is a transitive dependency, not ours: use it when it is there, and check structurally either way. */
async function loadAjv(): Promise<Ajv2020 | undefined> {
  const specifier = 'ajv/dist/2020';
  try {
    const mod = (await import(specifier)) as { default: new (options: Json) => Ajv2020 };
    // strict: unknown keywords and misplaced ones are errors, not silently ignored; formats are not checked.
    return new mod.default({ strict: true, validateFormats: false });
  } catch {
    return undefined;
  }
}

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SCHEMA_VALUES = ['items', 'not', 'additionalProperties', 'contains', 'propertyNames'];

/** What a 2020-12 schema must look like, as far as these documents use it; returns the problems found. */
function structuralProblems(schema: unknown, at: string): string[] {
  if (typeof schema === 'boolean') return [];
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [`${at}: not a schema`];
  const s = schema as Json;
  const out: string[] = [];
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  for (const t of types) if (!TYPES.has(t as string)) out.push(`${at}: unknown type ${String(t)}`);
  if (s.$schema !== undefined) out.push(`${at}: a nested $schema`);
  if ('definitions' in s) out.push(`${at}: definitions is draft-07; 2020-12 has $defs`);
  if (Array.isArray(s.items)) out.push(`${at}: array items is draft-07; 2020-12 has prefixItems`);
  if (
    s.required !== undefined &&
    !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string'))
  )
    out.push(`${at}: required is not a list of names`);
  for (const key of SCHEMA_LISTS) {
    if (s[key] === undefined) continue;
    if (!Array.isArray(s[key])) out.push(`${at}: ${key} is not a list`);
    else s[key].forEach((sub, i) => out.push(...structuralProblems(sub, `${at}.${key}[${i}]`)));
  }
  for (const key of SCHEMA_VALUES) {
    if (s[key] !== undefined) out.push(...structuralProblems(s[key], `${at}.${key}`));
  }
  for (const key of ['properties', '$defs', 'patternProperties']) {
    if (s[key] === undefined) continue;
    for (const [name, sub] of Object.entries(s[key] as Json)) {
      out.push(...structuralProblems(sub, `${at}.${key}.${name}`));
    }
  }
  return out;
}

test('every parameter, body, response and header schema is valid JSON Schema 2020-12', async (t) => {
  const schemas = schemasOf(generated());
  assert.ok(schemas.length > 50, `found ${schemas.length} schemas`);
  const problems = schemas.flatMap(({ where, schema }) => structuralProblems(schema, where));
  assert.deepEqual(problems, []);
  const ajv = await loadAjv();
  t.diagnostic(
    ajv ? 'checked with Ajv (2020-12, strict)' : 'Ajv is not installed: checked structurally only',
  );
  if (!ajv) return;
  for (const { where, schema } of schemas) {
    const valid = ajv.validateSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema });
    assert.ok(valid, `${where}: ${ajv.errorsText(ajv.errors)}`);
    assert.doesNotThrow(() => ajv.compile(schema), where);
  }
});

test('the structural check and Ajv refuse what is not a 2020-12 schema', async () => {
  // The check above must be able to fail: these are the mistakes a generator or a hand-written schema makes.
  assert.notDeepEqual(structuralProblems({ type: 'strnig' }, 'x'), []);
  assert.notDeepEqual(structuralProblems({ type: 'array', items: [{ type: 'string' }] }, 'x'), []);
  assert.notDeepEqual(structuralProblems({ properties: { a: { required: 'a' } } }, 'x'), []);
  assert.deepEqual(structuralProblems({ type: 'object', properties: { a: { type: 'string' } } }, 'x'), []);
  const ajv = await loadAjv();
  if (!ajv) return;
  assert.equal(ajv.validateSchema({ type: 'strnig' }), false);
  assert.throws(() => ajv.compile({ type: 'object', requried: ['a'] }), /unknown keyword/);
});

test('the service serves the generated document for the prefix and version it runs with', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openapi-test-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const config = loadServiceConfig({
    JUPYTERHUB_API_URL: 'http://127.0.0.1:9/hub/api',
    JUPYTERHUB_API_TOKEN: 'service-secret',
    JUPYTERHUB_SERVICE_PREFIX: '/jhub/services/notebooks-test/',
    JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
    HUB_NOTEBOOKS_DATA_DIR: path.join(tmp, 'data'),
    HUB_NOTEBOOKS_HOME: path.join(tmp, '{username}'),
  });
  const server = createServiceServer(config, '7.8.9', silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}${config.prefix}openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const served = (await res.json()) as Json;
  assert.deepEqual(served, generated(config.prefix, '7.8.9'));
  assert.deepEqual(served.servers, [{ url: '/jhub/services/notebooks-test/' }]);
});
