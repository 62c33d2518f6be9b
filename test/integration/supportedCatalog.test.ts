// The supported catalog against the real hub and the real hub-notebooks service (built dist/service.js):
// publish with server-side output stripping, list, versions, files, search, rollback and the audit trail.
// Notebook names carry a random suffix, since the store lives as long as the hub. Refusals and the CLI are in
// supportedCatalogRefusals.test.ts.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  CATALOG_ROUTES,
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  auditResponseSchema,
  searchResponseSchema,
  supportedListResponseSchema,
  supportedNotebookSchema,
  supportedVersionSchema,
} from '../../src/core/catalog/schemas';
import type { Notebook } from '../../src/core/notebook';
import {
  SECRET,
  call,
  catalogHub,
  errorOf,
  executedNotebook,
  filesUnder,
  publish,
  run,
} from './support/supportedCatalog';

test('carol publishes: 201, outputs are stripped by the service, and the secret is nowhere in the store', async () => {
  const name = `stripped-${run}`;
  const published = await publish(
    'carol',
    name,
    '1.0.0',
    executedNotebook('Secret report', 'Shows stripping'),
  );
  assert.equal(published.status, 201, published.text);
  const version = supportedVersionSchema.parse(published.json);
  assert.equal(version.name, name);
  assert.equal(version.version, '1.0.0');
  assert.equal(version.publishedBy, 'carol');
  assert.deepEqual(version.header, {
    title: 'Secret report',
    purpose: 'Shows stripping',
    audience: `Finance analysts ${run}`,
    dataSources: 'warehouse.sales',
    parameters: ['month', 'region'],
  });

  const file = await call('alice', 'GET', CATALOG_ROUTES.supportedFile, { name });
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), IPYNB_MEDIA_TYPE);
  assert.equal(file.headers.get(LAST_MODIFIED_HEADER), version.publishedAt);
  assert.equal(crypto.createHash('sha256').update(file.text).digest('hex'), version.sha256);
  assert.equal(Buffer.byteLength(file.text), version.size);
  assert.ok(!file.text.includes(SECRET), 'the served file has no trace of the secret');
  const stored = JSON.parse(file.text) as Notebook;
  const codeCell = stored.cells[1];
  assert.deepEqual(codeCell?.outputs, []);
  assert.equal(codeCell?.execution_count, null);
  assert.deepEqual(codeCell?.metadata, { tags: ['parameters'] });
  assert.equal(stored.metadata?.['widgets'], undefined);
  assert.equal(codeCell?.source, 'month = "2026-01"\nregion = "all"\n', 'the source is kept as it was');

  const dataDir = path.join(catalogHub().stateDir, 'hub-notebooks-data');
  const blob = path.join(dataDir, 'blobs', version.sha256.slice(0, 2), version.sha256);
  assert.equal(fs.readFileSync(blob, 'utf8'), file.text);
  assert.equal(fs.statSync(blob).mode & 0o777, 0o600);
  const files = filesUnder(dataDir);
  assert.ok(
    files.some((f) => f.endsWith('catalog.sqlite')),
    files.join(', '),
  );
  for (const f of files) assert.ok(!fs.readFileSync(f).includes(SECRET), `${f} holds the secret`);
});

test('list, versions and files by version or current; the header is in the list and in search', async () => {
  const name = `report-${run}`;
  const purpose1 = `Counts widgets ${run}old`;
  const purpose2 = `Sums gadgets ${run}new`;
  assert.equal(
    (await publish('carol', name, '1.0.0', executedNotebook('Gadget report', purpose1))).status,
    201,
  );
  const second = await publish('carol', name, '1.1.0', executedNotebook('Gadget report', purpose2, '# v2'));
  assert.equal(second.status, 201, second.text);

  const list = await call('alice', 'GET', CATALOG_ROUTES.supported);
  assert.equal(list.status, 200);
  const entry = supportedListResponseSchema.parse(list.json).notebooks.find((n) => n.name === name);
  assert.equal(entry?.versionCount, 2);
  assert.equal(entry?.current.version, '1.1.0');
  assert.equal(entry?.current.header.title, 'Gadget report');
  assert.equal(entry?.current.header.purpose, purpose2);

  const versions = await call('dave', 'GET', CATALOG_ROUTES.supportedVersions, { name });
  assert.equal(versions.status, 200, 'everyone who may use the service reads supported notebooks');
  const notebook = supportedNotebookSchema.parse(versions.json);
  assert.equal(notebook.currentVersion, '1.1.0');
  assert.deepEqual(
    notebook.versions.map((v) => [v.version, v.publishedBy]),
    [
      ['1.1.0', 'carol'],
      ['1.0.0', 'carol'],
    ],
  );

  const old = await call('alice', 'GET', CATALOG_ROUTES.supportedFile, { name, version: '1.0.0' });
  assert.equal(old.status, 200);
  assert.ok(old.text.includes(purpose1) && !old.text.includes('# v2'));
  const current = await call('alice', 'GET', CATALOG_ROUTES.supportedFile, { name });
  assert.ok(current.text.includes(purpose2) && current.text.includes('# v2'));

  const search = async (q: string) => {
    const res = await call('alice', 'GET', CATALOG_ROUTES.search, { q });
    assert.equal(res.status, 200, res.text);
    return searchResponseSchema.parse(res.json).hits.filter((h) => h.kind === 'supported');
  };
  assert.deepEqual(await search(`${run}NEW gadget`), [
    { kind: 'supported', owner: name, path: '1.1.0', header: entry?.current.header },
  ]);
  assert.equal((await search(`finance analysts ${run} region`)).filter((h) => h.owner === name).length, 1);
  assert.deepEqual(await search(`${run}old`), [], 'only the current version is searched');
  assert.deepEqual(await search(`${run}new nowhere-${run}`), [], 'every term must match');

  const missing = await call('alice', 'GET', CATALOG_ROUTES.supportedVersions, { name: `missing-${run}` });
  assert.equal(missing.status, 404);
  assert.equal(errorOf(missing).error, 'not_found');
  const noVersion = await call('alice', 'GET', CATALOG_ROUTES.supportedFile, { name, version: '9.9.9' });
  assert.equal(noVersion.status, 404);
  assert.match(errorOf(noVersion).message, /has no version 9\.9\.9/);
});

test('rollback moves current back; the audit records who and when for publishes and the rollback', async () => {
  const name = `rollback-${run}`;
  const started = new Date(Date.now() - 1000).toISOString();
  assert.equal((await publish('carol', name, '1.0.0', executedNotebook('R', 'first'))).status, 201);
  assert.equal((await publish('carol', name, '2.0.0', executedNotebook('R', 'second'))).status, 201);

  const rolled = await call('carol', 'POST', CATALOG_ROUTES.rollback, { name, version: '1.0.0' });
  assert.equal(rolled.status, 200, rolled.text);
  assert.equal(supportedNotebookSchema.parse(rolled.json).currentVersion, '1.0.0');
  const current = await call('alice', 'GET', CATALOG_ROUTES.supportedFile, { name });
  assert.ok(current.text.includes('**Purpose:** first'));

  const forward = await call('carol', 'POST', CATALOG_ROUTES.rollback, { name, version: '2.0.0' });
  assert.equal(forward.status, 409);
  assert.match(errorOf(forward).message, /not older than 1\.0\.0/);
  const absent = await call('carol', 'POST', CATALOG_ROUTES.rollback, { name, version: '0.5.0' });
  assert.equal(absent.status, 404);
  const unknown = await call('carol', 'POST', CATALOG_ROUTES.rollback, {
    name: `nope-${run}`,
    version: '1.0.0',
  });
  assert.equal(unknown.status, 404);
  const lower = await publish('carol', name, '1.5.0', executedNotebook('R', 'lower'));
  assert.equal(lower.status, 409, 'a new version must be greater than every published one, not just current');
  assert.match(errorOf(lower).message, /not greater than 2\.0\.0/);

  const audit = await call('alice', 'GET', CATALOG_ROUTES.audit, { name });
  assert.equal(audit.status, 200);
  const events = auditResponseSchema.parse(audit.json).events;
  assert.deepEqual(
    events.map((e) => [e.action, e.actor, e.version, e.fromVersion]),
    [
      ['rollback', 'carol', '1.0.0', '2.0.0'],
      ['publish', 'carol', '2.0.0', null],
      ['publish', 'carol', '1.0.0', null],
    ],
  );
  const now = new Date(Date.now() + 1000).toISOString();
  for (const e of events) assert.ok(e.at >= started && e.at <= now, `${e.at} in [${started}, ${now}]`);
});
