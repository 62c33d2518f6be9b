// The supported catalog against the real hub and the real hub-notebooks service (built dist/service.js):
// publish with server-side output stripping, list, versions, files, search, rollback, the audit trail,
// maintainers-only changes, racing publishes, bad input, and the publish CLI. Notebook names carry a random
// suffix, since the store lives as long as the hub.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  CATALOG_ROUTES,
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  MAX_NOTEBOOK_BYTES,
  auditResponseSchema,
  searchResponseSchema,
  supportedListResponseSchema,
  supportedNotebookSchema,
  supportedVersionSchema,
} from '../../src/core/catalog/protocol';
import type { Notebook } from '../../src/core/notebook';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import { MAINTAINER_GROUP, REPO_ROOT, type HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { recordIssuedToken } from './support/secrets';

const SECRET = `sk-fake-${crypto.randomBytes(12).toString('hex')}`;
const run = crypto.randomBytes(4).toString('hex');
const SERVICE = 'services/hub-notebooks/';

let hub: HubHandle;
const tokens: Record<'carol' | 'alice' | 'dave', string> = { carol: '', alice: '', dave: '' };
const minted: { user: string; id: string }[] = [];
const tempDirs: string[] = [];

before(async () => {
  hub = await useHub();
  const admin = adminClient(hub);
  for (const user of ['carol', 'alice', 'dave'] as const) {
    // The scopes of the token the extension receives at sign-in, so the test calls as the extension would.
    const created = await admin.createToken(user, {
      note: `hub-notebooks supported catalog test ${run}`,
      expiresInSeconds: 3600,
      scopes: extensionTokenScopes(),
    });
    recordIssuedToken(created.token);
    minted.push({ user, id: created.id });
    tokens[user] = created.token;
  }
});

after(async () => {
  const admin = adminClient(hub);
  for (const { user, id } of minted) await admin.revokeToken(user, id).catch(() => undefined);
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

type Body = string | Buffer | ReadableStream<Uint8Array>;

/** One catalog request with the user's token in the Authorization header, the parameters in the query. */
async function call(
  user: keyof typeof tokens,
  method: string,
  route: string,
  params: Record<string, string> = {},
  body?: Body,
): Promise<Answer> {
  const url = `${hub.url}/${SERVICE}${route}?${new URLSearchParams(params).toString()}`;
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers: { Authorization: `token ${tokens[user]}`, 'Content-Type': 'application/json' },
    redirect: 'manual',
  };
  if (body !== undefined) init.body = body as BodyInit;
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

function publish(user: keyof typeof tokens, name: string, version: string, notebook: Notebook | Body) {
  const body = typeof notebook === 'object' && 'cells' in notebook ? JSON.stringify(notebook) : notebook;
  return call(user, 'PUT', CATALOG_ROUTES.publish, { name, version }, body);
}

function errorOf(answer: Answer): { error: string; message: string } {
  return answer.json as { error: string; message: string };
}

/** A notebook with a header cell and a code cell whose outputs (and widget state) print the secret. */
function executedNotebook(title: string, purpose: string, extra = ''): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      widgets: { 'application/vnd.jupyter.widget-state+json': { state: { w: { value: SECRET } } } },
    },
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: [
          `# ${title}\n`,
          '\n',
          `**Purpose:** ${purpose}\n`,
          `**Audience:** Finance analysts ${run}\n`,
          '**Data Sources:** warehouse.sales\n',
          '\n',
          '## Parameters\n',
          '- month: the month to report\n',
          '- region: one region',
        ],
      },
      {
        cell_type: 'code',
        execution_count: 3,
        metadata: { tags: ['parameters'], execution: { 'iopub.status.idle': '2026-01-01T00:00:00Z' } },
        source: `month = "2026-01"\nregion = "all"\n${extra}`,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: [`token is ${SECRET}\n`] },
          { output_type: 'execute_result', execution_count: 3, metadata: {}, data: { 'text/plain': SECRET } },
          { output_type: 'error', ename: 'KeyError', evalue: SECRET, traceback: [SECRET] },
        ],
      },
    ],
  };
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

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

  const dataDir = path.join(hub.stateDir, 'hub-notebooks-data');
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

test('alice and dave, who are not maintainers, get 403 naming the maintainer group', async () => {
  const name = `guarded-${run}`;
  assert.equal((await publish('carol', name, '1.0.0', executedNotebook('G', 'one'))).status, 201);
  assert.equal((await publish('carol', name, '1.1.0', executedNotebook('G', 'two'))).status, 201);
  for (const user of ['alice', 'dave'] as const) {
    const pub = await publish(user, name, '2.0.0', executedNotebook('G', 'intruder'));
    assert.equal(pub.status, 403, `${user} publish`);
    assert.equal(errorOf(pub).error, 'forbidden');
    assert.match(errorOf(pub).message, new RegExp(`${MAINTAINER_GROUP}.*${user} is not one`));
    const back = await call(user, 'POST', CATALOG_ROUTES.rollback, { name, version: '1.0.0' });
    assert.equal(back.status, 403, `${user} rollback`);
    assert.match(errorOf(back).message, new RegExp(MAINTAINER_GROUP));
  }
  // A refusal sent while the proxy still forwards a big upload reaches the client as itself, not as a 503.
  const big = await publish('alice', name, '3.0.0', Buffer.alloc(40 * 1024 * 1024, 0x20));
  assert.equal(big.status, 403, big.text.slice(0, 200));
  assert.equal(errorOf(big).error, 'forbidden');
  const after = supportedNotebookSchema.parse(
    (await call('alice', 'GET', CATALOG_ROUTES.supportedVersions, { name })).json,
  );
  assert.equal(after.currentVersion, '1.1.0');
  assert.equal(after.versions.length, 2);
  const audit = auditResponseSchema.parse((await call('alice', 'GET', CATALOG_ROUTES.audit, { name })).json);
  assert.deepEqual(
    audit.events.map((e) => e.actor),
    ['carol', 'carol'],
  );
});

test('10 concurrent publishes of one new version: exactly one 201, nine 409', async () => {
  const name = `race-${run}`;
  assert.equal((await publish('carol', name, '1.0.0', executedNotebook('Race', 'base'))).status, 201);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      publish('carol', name, '1.0.1', executedNotebook('Race', `racer ${i}`)),
    ),
  );
  const statuses = answers.map((a) => a.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  for (const a of answers.filter((x) => x.status === 409)) assert.equal(errorOf(a).error, 'conflict');
  const winner = supportedVersionSchema.parse(answers.find((a) => a.status === 201)?.json);
  const stored = await call('alice', 'GET', CATALOG_ROUTES.supportedFile, { name, version: '1.0.1' });
  assert.equal(crypto.createHash('sha256').update(stored.text).digest('hex'), winner.sha256);
  assert.equal(stored.text.includes(`**Purpose:** ${winner.header.purpose ?? '?'}`), true);
  const audit = auditResponseSchema.parse((await call('alice', 'GET', CATALOG_ROUTES.audit, { name })).json);
  assert.equal(audit.events.filter((e) => e.version === '1.0.1').length, 1);
  const again = await publish('carol', name, '1.0.1', executedNotebook('Race', 'late'));
  assert.equal(again.status, 409);
  assert.match(errorOf(again).message, /already published/);
});

test('bad names, bad versions and malformed notebooks get 400; nothing is stored', async () => {
  const good = executedNotebook('Bad input', 'never stored');
  const badNames = [
    'Upper',
    '../etc',
    '..%2fetc',
    'a/b',
    '.hidden',
    '-dash',
    `x${'y'.repeat(64)}`,
    'a\u0000b',
    'é',
  ];
  for (const name of badNames) {
    const res = await publish('carol', name, '1.0.0', good);
    assert.equal(res.status, 400, name);
    assert.equal(errorOf(res).error, 'invalid_name', name);
    const read = await call('alice', 'GET', CATALOG_ROUTES.supportedVersions, { name });
    assert.equal(errorOf(read).error, 'invalid_name', name);
  }
  assert.equal(errorOf(await publish('carol', '', '1.0.0', good)).error, 'invalid_name');
  const name = `bad-${run}`;
  for (const version of ['1.0', '01.0.0', '1.0.0-beta', 'v1.0.0', '1.0.0.0', ' 1.0.0', '']) {
    const res = await publish('carol', name, version, good);
    assert.equal(res.status, 400, version);
    assert.equal(errorOf(res).error, 'invalid_version', version);
    assert.match(errorOf(res).message, /MAJOR\.MINOR\.PATCH/);
  }
  const malformed: [string, RegExp][] = [
    ['{"cells": [', /not valid JSON/],
    ['[]', /not an object/],
    ['{"metadata": {}}', /no "cells" list/],
    ['{"cells": [{"cell_type": "code"}]}', /cell 1 has no "source"/],
    ['', /empty/],
  ];
  for (const [body, reason] of malformed) {
    const res = await publish('carol', name, '1.0.0', body);
    assert.equal(res.status, 400, body);
    assert.equal(errorOf(res).error, 'invalid_notebook');
    assert.match(errorOf(res).message, reason);
  }
  assert.equal((await call('alice', 'GET', CATALOG_ROUTES.supportedVersions, { name })).status, 404);
});

test('a body over the size limit is refused with 413, announced or streamed', async () => {
  const name = `huge-${run}`;
  const announced = await publish('carol', name, '1.0.0', Buffer.alloc(MAX_NOTEBOOK_BYTES + 1, 0x20));
  assert.equal(announced.status, 413, announced.text);
  assert.equal(errorOf(announced).error, 'too_large');
  assert.match(errorOf(announced).message, /larger than the 64 MB the catalog accepts/);
  // Without a Content-Length the service counts while it reads, and stops buffering at the limit.
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > MAX_NOTEBOOK_BYTES) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.length;
      }
    },
  });
  const streamed = await publish('carol', name, '1.0.0', stream);
  assert.equal(streamed.status, 413, streamed.text);
  assert.equal(errorOf(streamed).error, 'too_large');
  assert.equal((await call('alice', 'GET', CATALOG_ROUTES.supportedVersions, { name })).status, 404);
});

/** Runs the built service bundle's CLI with only the environment given (no token inherited). */
function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'service.js'), ...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

test('the publish CLI: carol publishes and rolls back, alice is refused with the 403 message', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supported-cli-'));
  tempDirs.push(dir);
  const file = path.join(dir, 'report.ipynb');
  fs.writeFileSync(file, JSON.stringify(executedNotebook('CLI report', `From CI ${run}`)));
  const name = `cli-${run}`;
  const args = (version: string) => [
    'publish',
    file,
    '--name',
    name,
    '--version',
    version,
    '--hub-url',
    hub.url,
  ];

  const ok = await cli(args('1.0.0'), { HUB_NOTEBOOKS_TOKEN: tokens.carol });
  assert.equal(ok.code, 0, ok.err);
  const printed = /^published (\S+) (\S+) \(sha256 ([0-9a-f]{64})\)$/m.exec(ok.out);
  assert.deepEqual(printed?.slice(1, 3), [name, '1.0.0'], ok.out);
  const versions = supportedNotebookSchema.parse(
    (await call('alice', 'GET', CATALOG_ROUTES.supportedVersions, { name })).json,
  );
  assert.equal(versions.versions[0]?.sha256, printed?.[3]);
  assert.equal(versions.versions[0]?.publishedBy, 'carol');
  assert.equal(versions.versions[0]?.header.purpose, `From CI ${run}`);

  const refused = await cli(args('1.1.0'), { HUB_NOTEBOOKS_TOKEN: tokens.alice });
  assert.equal(refused.code, 1);
  assert.match(
    refused.err,
    new RegExp(`publish failed: Only members of the hub group ${MAINTAINER_GROUP}.*HTTP 403 forbidden`),
  );
  const exists = await cli(args('1.0.0'), { JUPYTERHUB_API_TOKEN: tokens.carol });
  assert.equal(exists.code, 1);
  assert.match(exists.err, /already published.*HTTP 409 conflict/);

  assert.equal(
    (await cli(args('1.1.0'), { HUB_NOTEBOOKS_TOKEN: tokens.carol, HUB_NOTEBOOKS_HUB_URL: 'ignored' })).code,
    0,
  );
  const rollback = ['rollback', '--name', name, '--version', '1.0.0'];
  const rolledByAlice = await cli(rollback, {
    HUB_NOTEBOOKS_TOKEN: tokens.alice,
    HUB_NOTEBOOKS_HUB_URL: hub.url,
  });
  assert.equal(rolledByAlice.code, 1);
  assert.match(rolledByAlice.err, /HTTP 403 forbidden/);
  const rolled = await cli(rollback, { HUB_NOTEBOOKS_TOKEN: tokens.carol, HUB_NOTEBOOKS_HUB_URL: hub.url });
  assert.equal(rolled.code, 0, rolled.err);
  assert.equal(rolled.out.trim(), `rolled back ${name} to 1.0.0`);
  const noToken = await cli(args('2.0.0'), {});
  assert.equal(noToken.code, 2);
  assert.match(noToken.err, /HUB_NOTEBOOKS_TOKEN/);
  for (const r of [ok, refused, exists, rolled]) {
    assert.ok(!`${r.out}${r.err}`.includes(tokens.carol) && !`${r.out}${r.err}`.includes(tokens.alice));
  }
});
