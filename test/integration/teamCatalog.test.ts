// The team catalog through the real hub, proxy and service: who sees whose notebooks (hub groups and unix
// permissions), hidden and unreadable things left out, a malformed notebook listed with a warning and refused
// clearly, a 50 MB notebook served whole, a change on disk seen at the next listing, and search by header.
// Fixtures live in a uniquely named folder of bob's home, owned like the real notebooks, removed in `after`.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  type DirectoryListing,
  type SearchResponse,
  type TeamEntry,
  type TeamResponse,
} from '../../src/core/catalog/schemas';
import { DEFAULT_TOKEN_SCOPES, extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { recordIssuedToken } from './support/secrets';

const SCOPES = extensionTokenScopes();
const ID = crypto.randomBytes(4).toString('hex');
const DIR = `h2-team-${ID}`;
const BOB_HOME = '/home/bob';
const FIXTURE = path.join(BOB_HOME, DIR);
const WORD = `zorblax${ID}`;

let hub: HubHandle;
const tokens: Record<string, string> = {};
const minted: { user: string; id: string }[] = [];
let bigSha = '';
let bigSize = 0;

function notebookJson(title: string, purpose: string, extra = ''): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', metadata: {}, source: `# ${title}\n\n**Purpose:** ${purpose}\n` },
      { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: `x = 1${extra}` },
    ],
  });
}

/** Writes a file or folder owned by bob:team like the real ones (the tests run as root). */
function make(rel: string, content: string | undefined, mode: number): void {
  const abs = path.join(FIXTURE, rel);
  if (content === undefined) fs.mkdirSync(abs, { recursive: true });
  else fs.writeFileSync(abs, content);
  const team = Number(fs.statSync(BOB_HOME).gid);
  fs.chownSync(abs, fs.statSync(BOB_HOME).uid, team);
  fs.chmodSync(abs, mode);
}

async function mint(user: string, scopes: string[]): Promise<string> {
  const made = await adminClient(hub).createToken(user, {
    note: `h2 team catalog test ${ID}`,
    expiresInSeconds: 3600,
    scopes,
  });
  minted.push({ user, id: made.id });
  recordIssuedToken(made.token);
  return made.token;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  json: () => unknown;
}

async function api(
  token: string | undefined,
  route: string,
  params: Record<string, string> = {},
): Promise<Answer> {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(`${hub.url}/services/hub-notebooks/${route}${query ? `?${query}` : ''}`, {
    headers: token === undefined ? {} : { Authorization: `token ${token}` },
  });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    body,
    json: (): unknown => JSON.parse(body.toString('utf8')) as unknown,
  };
}

async function ok<T>(token: string, route: string, params: Record<string, string> = {}): Promise<T> {
  const res = await api(token, route, params);
  assert.equal(res.status, 200, `${route} ${JSON.stringify(params)}: ${res.body.toString().slice(0, 300)}`);
  return res.json() as T;
}

function errorOf(res: Answer): { error: string; message: string } {
  const body = res.json() as { error: string; message: string };
  assert.equal(typeof body.error, 'string');
  assert.match(body.message, /^[A-Z`].{10,}\.$/s, 'a clear sentence');
  return body;
}

before(async () => {
  hub = await useHub();
  make('', undefined, 0o2750);
  make('forecast.ipynb', notebookJson('Forecast', `Quarterly ${WORD} forecast for the board`), 0o640);
  make('private.ipynb', notebookJson('Private', 'bob only'), 0o600);
  make('closed', undefined, 0o700);
  make('closed/inside.ipynb', notebookJson('Inside', 'behind a 700 folder'), 0o640);
  make(`.hidden-${ID}.ipynb`, notebookJson('Hidden', 'never listed'), 0o640);
  make('.hiddendir', undefined, 0o2750);
  make('.hiddendir/x.ipynb', notebookJson('Hidden dir', 'never listed'), 0o640);
  make('malformed.ipynb', '{"cells": [ this is not json', 0o640);
  make('changing.ipynb', notebookJson('Changing', 'first version'), 0o640);
  // 50 MB of source in one cell: a valid notebook under the 64 MB limit.
  const big = notebookJson('Big', 'a huge notebook', `\n# ${'y'.repeat(50 * 1024 * 1024)}`);
  make('big.ipynb', big, 0o640);
  bigSha = crypto.createHash('sha256').update(big).digest('hex');
  // Over the 64 MB limit, and sparse, so it costs no disk: listed with a warning, refused with 413.
  make('huge.ipynb', '', 0o640);
  fs.truncateSync(path.join(FIXTURE, 'huge.ipynb'), 65 * 1024 * 1024);
  bigSize = Buffer.byteLength(big);
  for (const user of ['alice', 'bob', 'dave']) tokens[user] = await mint(user, SCOPES);
});

after(async () => {
  fs.rmSync(FIXTURE, { recursive: true, force: true });
  const admin = adminClient(hub);
  for (const { user, id } of minted.splice(0)) await admin.revokeToken(user, id).catch(() => undefined);
});

const t = (user: string): string => tokens[user] ?? '';

test('alice sees bob and carol with their notebooks; bob sees alice; dave sees no one', async () => {
  const alice = await ok<TeamResponse>(t('alice'), 'api/team');
  assert.deepEqual(
    alice.teammates.map((m) => m.name),
    ['bob', 'carol'],
  );
  for (const mate of alice.teammates) {
    assert.ok(mate.notebooks >= 3, `${mate.name} has the three sample notebooks`);
    assert.match(mate.lastModified ?? '', /^\d{4}-\d\d-\d\dT/);
  }
  const bobRoot = await ok<DirectoryListing>(t('alice'), 'api/team/list', { user: 'bob' });
  const names = bobRoot.entries.map((e) => e.name);
  for (const n of ['analysis.ipynb', 'notes.ipynb', 'team-key.ipynb', DIR]) assert.ok(names.includes(n), n);
  assert.ok(!names.some((n) => n.startsWith('.')), 'no hidden names');

  const bob = await ok<TeamResponse>(t('bob'), 'api/team');
  assert.deepEqual(
    bob.teammates.map((m) => m.name),
    ['alice', 'carol'],
  );
  const dave = await ok<TeamResponse>(t('dave'), 'api/team');
  assert.deepEqual(dave.teammates, []);
  for (const route of ['api/team/list', 'api/team/stat', 'api/team/file']) {
    const res = await api(t('dave'), route, { user: 'bob', path: 'analysis.ipynb' });
    assert.equal(res.status, 404, route);
    assert.equal(errorOf(res).error, 'not_found');
    assert.ok(!res.body.includes('"cells"'));
  }
});

test("alice's view of the fixture folder: 600 files, 700 folders and hidden names are left out", async () => {
  const listing = await ok<DirectoryListing>(t('alice'), 'api/team/list', { user: 'bob', path: DIR });
  assert.equal(listing.user, 'bob');
  assert.equal(listing.path, DIR);
  assert.deepEqual(listing.entries.map((e) => e.name).sort(), [
    'big.ipynb',
    'changing.ipynb',
    'forecast.ipynb',
    'huge.ipynb',
    'malformed.ipynb',
  ]);
  const forecast = listing.entries.find((e) => e.name === 'forecast.ipynb');
  assert.equal(forecast?.type, 'notebook');
  assert.equal(forecast?.path, `${DIR}/forecast.ipynb`);
  assert.equal(forecast?.header?.title, 'Forecast');
  assert.equal(forecast?.warning, undefined);

  for (const hidden of ['private.ipynb', 'closed/inside.ipynb', 'closed']) {
    for (const route of ['api/team/stat', 'api/team/file']) {
      const res = await api(t('alice'), route, { user: 'bob', path: `${DIR}/${hidden}` });
      assert.ok(res.status === 404 || res.status === 403, `${route} ${hidden}: ${res.status}`);
      assert.ok(!res.body.includes('"cells"'), 'no content');
      errorOf(res);
    }
  }
  const hiddenFile = await api(t('alice'), 'api/team/file', {
    user: 'bob',
    path: `${DIR}/.hidden-${ID}.ipynb`,
  });
  assert.equal(hiddenFile.status, 400);
  assert.equal(errorOf(hiddenFile).error, 'invalid_path');
});

test('a malformed notebook is listed with a warning, and opening it gives 422 with the reason', async () => {
  const stat = await ok<TeamEntry>(t('alice'), 'api/team/stat', {
    user: 'bob',
    path: `${DIR}/malformed.ipynb`,
  });
  assert.match(stat.warning ?? '', /not valid JSON/);
  const res = await api(t('alice'), 'api/team/file', { user: 'bob', path: `${DIR}/malformed.ipynb` });
  assert.equal(res.status, 422);
  const err = errorOf(res);
  assert.equal(err.error, 'invalid_notebook');
  assert.match(err.message, /malformed\.ipynb` cannot be opened: The file is not valid JSON/);
});

test('a notebook opens with its bytes, type, length and modification time', async () => {
  const res = await api(t('alice'), 'api/team/file', { user: 'bob', path: `${DIR}/forecast.ipynb` });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), IPYNB_MEDIA_TYPE);
  const onDisk = fs.readFileSync(path.join(FIXTURE, 'forecast.ipynb'));
  assert.ok(res.body.equals(onDisk));
  assert.equal(res.headers.get('content-length'), String(onDisk.length));
  assert.equal(
    res.headers.get(LAST_MODIFIED_HEADER),
    fs.statSync(path.join(FIXTURE, 'forecast.ipynb')).mtime.toISOString(),
  );
});

test('the 50 MB notebook is served whole', async () => {
  const res = await api(t('alice'), 'api/team/file', { user: 'bob', path: `${DIR}/big.ipynb` });
  assert.equal(res.status, 200, res.status === 200 ? '' : res.body.toString());
  assert.equal(res.body.length, bigSize);
  assert.equal(crypto.createHash('sha256').update(res.body).digest('hex'), bigSha);
});

test('a notebook over the limit is listed with a size warning and refused with 413 giving size and limit', async () => {
  const stat = await ok<TeamEntry>(t('alice'), 'api/team/stat', { user: 'bob', path: `${DIR}/huge.ipynb` });
  assert.equal(stat.size, 65 * 1024 * 1024);
  assert.match(stat.warning ?? '', /65\.0 MB, more than the 64\.0 MB/);
  const res = await api(t('alice'), 'api/team/file', { user: 'bob', path: `${DIR}/huge.ipynb` });
  assert.equal(res.status, 413);
  const err = errorOf(res);
  assert.equal(err.error, 'too_large');
  assert.match(err.message, /The notebook is 65\.0 MB, more than the 64\.0 MB the catalog serves\./);
});

test('a file changed on disk shows its new lastModified and header at the next listing', async () => {
  const before = await ok<TeamEntry>(t('alice'), 'api/team/stat', {
    user: 'bob',
    path: `${DIR}/changing.ipynb`,
  });
  assert.equal(before.header?.purpose, 'first version');
  const file = path.join(FIXTURE, 'changing.ipynb');
  fs.writeFileSync(file, notebookJson('Changing', 'second version, longer'));
  const when = new Date('2031-05-06T07:08:09.000Z');
  fs.utimesSync(file, when, when);
  const listing = await ok<DirectoryListing>(t('alice'), 'api/team/list', { user: 'bob', path: DIR });
  const changed = listing.entries.find((e) => e.name === 'changing.ipynb');
  assert.equal(changed?.lastModified, when.toISOString());
  assert.equal(changed?.header?.purpose, 'second version, longer');
  const team = await ok<TeamResponse>(t('alice'), 'api/team');
  assert.equal(team.teammates.find((m) => m.name === 'bob')?.lastModified, when.toISOString());
});

test('search finds a notebook by a word of its Purpose, for teammates only', async () => {
  const hits = (await ok<SearchResponse>(t('alice'), 'api/search', { q: `${WORD.toUpperCase()} board` }))
    .hits;
  assert.deepEqual(
    hits.filter((h) => h.kind === 'team').map((h) => `${h.owner}:${h.path}`),
    [`bob:${DIR}/forecast.ipynb`],
  );
  assert.equal(hits[0]?.header.title, 'Forecast');
  const none = (await ok<SearchResponse>(t('alice'), 'api/search', { q: `${WORD} nothing-like-this` })).hits;
  assert.deepEqual(
    none.filter((h) => h.kind === 'team'),
    [],
  );
  const dave = (await ok<SearchResponse>(t('dave'), 'api/search', { q: WORD })).hits;
  assert.deepEqual(
    dave.filter((h) => h.kind === 'team'),
    [],
  );
});

test('a token without access to the service gets 403, no token 401', async () => {
  const narrow = await mint('alice', [...DEFAULT_TOKEN_SCOPES]);
  for (const route of ['api/team', 'api/team/list', 'api/team/file']) {
    const denied = await api(narrow, route, { user: 'bob', path: 'analysis.ipynb' });
    assert.equal(denied.status, 403, route);
    assert.equal(errorOf(denied).error, 'forbidden');
    const anonymous = await api(undefined, route, { user: 'bob', path: 'analysis.ipynb' });
    assert.equal(anonymous.status, 401, route);
    assert.equal(errorOf(anonymous).error, 'unauthorized');
  }
});
