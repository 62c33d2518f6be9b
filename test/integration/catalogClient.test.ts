// The extension's catalog client (core/catalog/catalogClient.ts) against the real hub, proxy and service:
// who the caller is, teammates, a team file byte for byte as on disk, search, supported notebooks after a
// publish by carol (a maintainer), rollback and audit, and the typed errors for refusals and a missing service.
// The team fixture is a uniquely named folder in bob's home, owned like the real notebooks, removed in `after`.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CatalogError, createCatalogClient } from '../../src/core/catalog';
import type { CatalogApi } from '../../src/core/catalog/types';
import { HubAuthError, createHubTransport } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { recordIssuedToken, traceLogger } from './support/secrets';

const ID = crypto.randomBytes(4).toString('hex');
const DIR = `h3-catalog-${ID}`;
const BOB_HOME = '/home/bob';
const WORD = `quorvex${ID}`;
const NOTEBOOK = `${DIR}/report.ipynb`;
const SUPPORTED = `h3-client-${ID}`;
const MTIME = new Date('2026-01-02T03:04:05.678Z');

let hub: HubHandle;
const minted: { user: string; id: string }[] = [];
const clients: Partial<Record<'alice' | 'carol' | 'dave', CatalogApi>> = {};
let aliceToken = '';

function client(user: 'alice' | 'carol' | 'dave'): CatalogApi {
  const c = clients[user];
  assert.ok(c, `a client for ${user}`);
  return c;
}

function catalogFor(token: string, servicePath?: string): CatalogApi {
  const transport = createHubTransport({
    baseUrl: hub.url,
    getToken: () => token,
    timeoutMs: 15_000,
    logger: traceLogger('catalog'),
  });
  return createCatalogClient({ transport, ...(servicePath ? { servicePath } : {}) });
}

function notebook(title: string, output = ''): string {
  const outputs = output ? [{ output_type: 'stream', name: 'stdout', text: [output] }] : [];
  return `${JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: 'markdown',
          id: 'h',
          metadata: {},
          source: [`# ${title}\n`, '\n', `**Purpose:** ${WORD}\n`],
        },
        { cell_type: 'code', id: 'c', metadata: {}, execution_count: 1, outputs, source: ['print(1)'] },
      ],
    },
    null,
    1,
  )}\n`;
}

before(async () => {
  hub = await useHub();
  const admin = adminClient(hub);
  for (const user of ['alice', 'carol', 'dave'] as const) {
    const made = await admin.createToken(user, {
      note: `hub-notebooks catalog client test ${ID}`,
      expiresInSeconds: 3600,
      scopes: extensionTokenScopes(),
    });
    recordIssuedToken(made.token);
    minted.push({ user, id: made.id });
    clients[user] = catalogFor(made.token);
    if (user === 'alice') aliceToken = made.token;
  }
  // bob's folder and notebook, owned bob:team like the real ones (the tests run as root).
  const home = fs.statSync(BOB_HOME);
  fs.mkdirSync(path.join(BOB_HOME, DIR));
  fs.writeFileSync(path.join(BOB_HOME, NOTEBOOK), notebook(`Report ${WORD}`));
  for (const [rel, mode] of [
    [DIR, 0o2750],
    [NOTEBOOK, 0o640],
  ] as const) {
    fs.chownSync(path.join(BOB_HOME, rel), home.uid, home.gid);
    fs.chmodSync(path.join(BOB_HOME, rel), mode);
  }
  // A whole millisecond, so the ISO time the service reports can be compared exactly.
  fs.utimesSync(path.join(BOB_HOME, NOTEBOOK), MTIME, MTIME);
});

after(async () => {
  fs.rmSync(path.join(BOB_HOME, DIR), { recursive: true, force: true });
  const admin = adminClient(hub);
  for (const { user, id } of minted) await admin.revokeToken(user, id).catch(() => undefined);
});

test('me: the caller, their groups, and whether they maintain the catalog', async () => {
  const alice = await client('alice').me();
  assert.equal(alice.name, 'alice');
  assert.ok(alice.groups.includes('team'));
  assert.equal(alice.maintainer, false);
  assert.equal((await client('carol').me()).maintainer, true);
});

test('teammates, a team folder, an entry, and a file byte for byte as on disk', async () => {
  const mates = (await client('alice').listTeammates()).map((m) => m.name);
  assert.ok(mates.includes('bob') && mates.includes('carol'), mates.join(', '));
  assert.ok(!mates.includes('dave'));
  assert.deepEqual(await client('dave').listTeammates(), [], 'dave shares no group with anyone');

  const home = await client('alice').listTeamFolder('bob', '');
  assert.equal(home.user, 'bob');
  assert.equal(home.entries.find((e) => e.name === DIR)?.type, 'directory');
  const folder = await client('alice').listTeamFolder('bob', DIR);
  assert.deepEqual(
    folder.entries.map((e) => e.path),
    [NOTEBOOK],
  );

  const entry = await client('alice').statTeamEntry('bob', NOTEBOOK);
  assert.equal(entry.type, 'notebook');
  assert.equal(entry.header?.title, `Report ${WORD}`);

  const file = await client('alice').readTeamFile('bob', NOTEBOOK);
  const disk = fs.readFileSync(path.join(BOB_HOME, NOTEBOOK));
  assert.ok(disk.equals(file.bytes), 'the bytes on disk');
  assert.equal(file.lastModified, MTIME.toISOString());
});

test('search finds the team notebook by its header', async () => {
  const hits = await client('alice').search(WORD);
  assert.ok(
    hits.some((h) => h.kind === 'team' && h.owner === 'bob' && h.path === NOTEBOOK),
    JSON.stringify(hits),
  );
  assert.deepEqual(
    (await client('dave').search(WORD)).filter((h) => h.kind === 'team'),
    [],
    'dave sees no team notebooks',
  );
});

test('supported: carol publishes, everyone lists and reads, carol rolls back, the audit records it', async () => {
  const v1 = await client('carol').publish(
    SUPPORTED,
    '1.0.0',
    Buffer.from(notebook('First', `secret-${ID}`)),
  );
  assert.equal(v1.publishedBy, 'carol');
  const v2 = await client('carol').publish(SUPPORTED, '1.1.0', new TextEncoder().encode(notebook('Second')));

  const listed = (await client('alice').listSupported()).find((s) => s.name === SUPPORTED);
  assert.equal(listed?.current.version, '1.1.0');
  assert.equal(listed?.versionCount, 2);
  const current = await client('alice').readSupportedFile(SUPPORTED, undefined);
  assert.equal(crypto.createHash('sha256').update(current.bytes).digest('hex'), v2.sha256);
  const first = await client('alice').readSupportedFile(SUPPORTED, '1.0.0');
  assert.equal(crypto.createHash('sha256').update(first.bytes).digest('hex'), v1.sha256);
  assert.ok(!Buffer.from(first.bytes).toString('utf8').includes(`secret-${ID}`), 'outputs were stripped');
  assert.equal(first.lastModified, v1.publishedAt);
  assert.ok(
    (await client('alice').search(WORD)).some((h) => h.kind === 'supported' && h.owner === SUPPORTED),
  );

  const rolled = await client('carol').rollback(SUPPORTED, '1.0.0');
  assert.equal(rolled.currentVersion, '1.0.0');
  assert.deepEqual(
    rolled.versions.map((v) => v.version),
    ['1.1.0', '1.0.0'],
  );
  assert.equal((await client('alice').getSupported(SUPPORTED)).currentVersion, '1.0.0');
  const events = await client('alice').audit(SUPPORTED);
  assert.deepEqual(
    events.map((e) => [e.action, e.version, e.actor, e.fromVersion]),
    [
      ['rollback', '1.0.0', 'carol', '1.1.0'],
      ['publish', '1.1.0', 'carol', null],
      ['publish', '1.0.0', 'carol', null],
    ],
  );
});

test('refusals are typed: forbidden, not found, conflict; a bad token and a missing service too', async () => {
  const code = (expected: string) => (err: unknown) => {
    assert.ok(err instanceof CatalogError, String(err));
    assert.equal(err.code, expected, err.message);
    assert.ok(err.serviceMessage.length > 0);
    assert.ok(
      err.message.startsWith(err.serviceMessage.replace(/\.$/, '')),
      'the service message comes first',
    );
    return true;
  };
  await assert.rejects(
    client('alice').publish(`${SUPPORTED}-x`, '1.0.0', Buffer.from(notebook('No'))),
    code('forbidden'),
  );
  await assert.rejects(client('alice').rollback(SUPPORTED, '1.1.0'), code('forbidden'));
  await assert.rejects(client('dave').readTeamFile('bob', NOTEBOOK), code('not_found'));
  await assert.rejects(client('alice').readTeamFile('bob', `${DIR}/missing.ipynb`), code('not_found'));
  await assert.rejects(client('alice').getSupported(`${SUPPORTED}-none`), code('not_found'));
  await assert.rejects(
    client('carol').publish(SUPPORTED, '1.1.0', Buffer.from(notebook('Again'))),
    code('conflict'),
  );
  await assert.rejects(
    client('carol').publish(`${SUPPORTED}-bad`, '1.0.0', Buffer.from('not json')),
    code('invalid_notebook'),
  );

  await assert.rejects(catalogFor('not-a-real-token').me(), HubAuthError);
  await assert.rejects(catalogFor(aliceToken, 'services/no-such-service/').me(), code('service_missing'));
});
