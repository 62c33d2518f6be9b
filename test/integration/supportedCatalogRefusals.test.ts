// The supported catalog's refusals against the real hub and service: maintainers-only changes, racing
// publishes, bad input, the size limit, and the publish CLI. Notebook names carry a random suffix, since the
// store lives as long as the hub.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  CATALOG_ROUTES,
  MAX_NOTEBOOK_BYTES,
  auditResponseSchema,
  supportedNotebookSchema,
  supportedVersionSchema,
} from '../../src/core/catalog/schemas';
import { MAINTAINER_GROUP, REPO_ROOT } from '../hub/harness';
import {
  call,
  catalogHub,
  errorOf,
  executedNotebook,
  publish,
  tokens,
  run,
  tempDirs,
} from './support/supportedCatalog';

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
    catalogHub().url,
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
    HUB_NOTEBOOKS_HUB_URL: catalogHub().url,
  });
  assert.equal(rolledByAlice.code, 1);
  assert.match(rolledByAlice.err, /HTTP 403 forbidden/);
  const rolled = await cli(rollback, {
    HUB_NOTEBOOKS_TOKEN: tokens.carol,
    HUB_NOTEBOOKS_HUB_URL: catalogHub().url,
  });
  assert.equal(rolled.code, 0, rolled.err);
  assert.equal(rolled.out.trim(), `rolled back ${name} to 1.0.0`);
  const noToken = await cli(args('2.0.0'), {});
  assert.equal(noToken.code, 2);
  assert.match(noToken.err, /HUB_NOTEBOOKS_TOKEN/);
  for (const r of [ok, refused, exists, rolled]) {
    assert.ok(!`${r.out}${r.err}`.includes(tokens.carol) && !`${r.out}${r.err}`.includes(tokens.alice));
  }
});
