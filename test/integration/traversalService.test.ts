// Every entry of the traversal corpus, sent raw as the `path` of api/team/list, stat and file for user bob,
// as alice, through the real hub, proxy and service; and hostile `user` values. Each must be refused with a
// 4xx JSON `{error, message}` whose message is a sentence, and no answer may carry what the path aims at:
// /etc/passwd or /etc/shadow lines, dave's notebook, the marker in /home/bobby/secret.ipynb, or any notebook.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { TRAVERSAL_CORPUS } from '../support/traversalCorpus';
import { adminClient } from './clients';
import { recordIssuedToken } from './support/secrets';

const BOB_HOME = '/home/bob';
const BOBBY_HOME = '/home/bobby';
const MARKER = `bobby-secret-${crypto.randomBytes(6).toString('hex')}`;
const ROUTES = ['api/team/list', 'api/team/stat', 'api/team/file'] as const;
/** What must never appear in an answer: passwd/shadow lines, dave's sample notebook, bobby's secret, a notebook. */
const FORBIDDEN = ['root:', 'owned by dave', MARKER, '"cells"', 'nbformat'];

let hub: HubHandle;
let token = '';
let tokenId = '';
const created: string[] = [];
let madeBobby = false;

before(async () => {
  hub = await useHub();
  const bob = fs.statSync(BOB_HOME);
  for (const c of TRAVERSAL_CORPUS) {
    if (!c.symlink) continue;
    const link = path.join(BOB_HOME, c.path.split('/')[0] ?? '');
    fs.rmSync(link, { force: true });
    fs.symlinkSync(c.symlink.target, link);
    fs.lchownSync(link, bob.uid, bob.gid);
    created.push(link);
  }
  if (!fs.existsSync(BOBBY_HOME)) {
    // A sibling whose name starts with `bob`, readable by the team: only the path rule keeps it out.
    fs.mkdirSync(BOBBY_HOME, { mode: 0o2750 });
    fs.chownSync(BOBBY_HOME, bob.uid, bob.gid);
    madeBobby = true;
  }
  const secret = path.join(BOBBY_HOME, 'secret.ipynb');
  fs.writeFileSync(secret, JSON.stringify({ nbformat: 4, metadata: {}, cells: [], marker: MARKER }));
  fs.chownSync(secret, bob.uid, bob.gid);
  fs.chmodSync(secret, 0o640);
  const made = await adminClient(hub).createToken('alice', {
    note: 'h2 traversal test',
    expiresInSeconds: 3600,
    scopes: extensionTokenScopes(),
  });
  recordIssuedToken(made.token);
  token = made.token;
  tokenId = made.id;
});

after(async () => {
  for (const link of created) fs.rmSync(link, { force: true });
  fs.rmSync(path.join(BOBBY_HOME, 'secret.ipynb'), { force: true });
  if (madeBobby) fs.rmSync(BOBBY_HOME, { recursive: true, force: true });
  if (tokenId)
    await adminClient(hub)
      .revokeToken('alice', tokenId)
      .catch(() => undefined);
});

/** Sends the parameters through URLSearchParams, so the service decodes exactly the given text once. */
async function ask(route: string, params: Record<string, string>): Promise<{ status: number; text: string }> {
  const query = new URLSearchParams(params).toString();
  const res = await fetch(`${hub.url}/services/hub-notebooks/${route}?${query}`, {
    headers: { Authorization: `token ${token}` },
  });
  return { status: res.status, text: await res.text() };
}

function assertRefused(
  what: string,
  res: { status: number; text: string },
): { error: string; message: string } {
  assert.ok(
    res.status >= 400 && res.status < 500,
    `${what}: status ${res.status}: ${res.text.slice(0, 200)}`,
  );
  for (const bad of FORBIDDEN) assert.ok(!res.text.includes(bad), `${what}: the answer contains ${bad}`);
  const body = JSON.parse(res.text) as { error?: unknown; message?: unknown };
  assert.equal(typeof body.error, 'string', what);
  assert.equal(typeof body.message, 'string', what);
  const message = body.message as string;
  assert.match(message, /^[A-Z`].{10,}\.$/s, `${what}: "${message}" is not a sentence`);
  return { error: body.error as string, message };
}

test('the corpus has at least 30 inputs, symlinks and the prefix sibling included', () => {
  assert.ok(TRAVERSAL_CORPUS.length >= 30);
  assert.ok(TRAVERSAL_CORPUS.some((c) => c.symlink?.target === BOBBY_HOME));
  assert.ok(TRAVERSAL_CORPUS.some((c) => c.path.startsWith('../bobby/')));
});

test('a control request succeeds, so the refusals below are about the paths', async () => {
  const res = await ask('api/team/stat', { user: 'bob', path: 'analysis.ipynb' });
  assert.equal(res.status, 200, res.text);
  // The fixtures exist and are readable to the team, so only the service's checks stand in the way.
  assert.ok(fs.readFileSync(path.join(BOB_HOME, 'link-to-bobby', 'secret.ipynb'), 'utf8').includes(MARKER));
});

for (const c of TRAVERSAL_CORPUS) {
  test(`refused on list, stat and file: ${c.label}`, async () => {
    for (const route of ROUTES) {
      const res = await ask(route, { user: 'bob', path: c.path });
      const { error } = assertRefused(`${route} ${c.label}`, res);
      assert.ok(['invalid_path', 'not_found', 'invalid_request'].includes(error), `${c.label}: ${error}`);
    }
  });
}

test('symlinks out of the home are refused as invalid paths, not merely missing', async () => {
  for (const c of TRAVERSAL_CORPUS.filter((x) => x.symlink)) {
    const res = await ask('api/team/file', { user: 'bob', path: c.path });
    assert.equal(res.status, 400, `${c.label}: ${res.text}`);
    assert.equal(assertRefused(c.label, res).error, 'invalid_path');
  }
});

test('hostile user names get 4xx, and names outside the team cannot be told apart from unknown ones', async () => {
  const users = ['../bob', 'bob/../dave', 'bobby', '%2e%2e', '', 'root', 'dave', 'alice', 'nosuchuser'];
  const messages = new Map<string, string>();
  for (const user of users) {
    for (const route of ROUTES) {
      const res = await ask(route, { user, path: 'analysis.ipynb' });
      const { error, message } = assertRefused(`${route} user=${JSON.stringify(user)}`, res);
      if (user === '') assert.equal(error, 'invalid_request');
      else assert.equal(error, 'not_found', `user=${user}`);
      messages.set(user, message.replace(JSON.stringify(user), '"X"'));
    }
  }
  for (const user of ['root', 'bobby', 'dave', 'alice']) {
    assert.equal(messages.get(user), messages.get('nosuchuser'), user);
  }
});
