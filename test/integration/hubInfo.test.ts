// Hub version, API info, the current user and tokens, against the real hub.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { HubAuthError, NotAJupyterHubError, HubUnavailableError } from '../../src/core/hub';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { startStub } from '../support/httpStub';
import { adminClient, clientWithToken, TokenJar } from './clients';

let hub: HubHandle;
let jar: TokenJar;
before(async () => {
  hub = await useHub();
  jar = new TokenJar(hub);
});
after(() => jar.revokeAll());

test('the hub reports the version of its flavour', async () => {
  const v = await clientWithToken(hub, '').getVersion();
  assert.equal(v.version, hub.version);
  assert.equal(v.major, hub.flavor === 'pypi' ? 5 : 3);
});

test('API info names the spawner and authenticator (admin token)', async () => {
  const info = await adminClient(hub).getInfo();
  assert.equal(info.version, hub.version);
  assert.match(info.spawner?.class ?? '', /LocalProcessSpawner/);
  assert.match(info.authenticator?.class ?? '', /PAMAuthenticator/);
});

test('the current user comes from the token: groups and admin flag', async () => {
  const alice = await (await jar.client('alice')).getCurrentUser();
  assert.equal(alice.name, 'alice');
  assert.deepEqual(alice.groups, ['team']);
  assert.equal(alice.admin, false);
  const carol = await (await jar.client('carol')).getCurrentUser();
  assert.equal(carol.admin, true);
  const dave = await (await jar.client('dave')).getCurrentUser();
  assert.deepEqual(dave.groups, []);
});

test('tokens: create, list, revoke; a revoked token is refused with the auth error', async () => {
  const alice = await jar.client('alice');
  const made = await alice.createToken('alice', { note: 'hub-notebooks revoke test', expiresInSeconds: 600 });
  const own = clientWithToken(hub, made.token);
  assert.equal((await own.getCurrentUser()).name, 'alice');
  const listed = await alice.listTokens('alice');
  assert.ok(listed.some((t) => t.id === made.id && t.note === 'hub-notebooks revoke test'));
  await alice.revokeToken('alice', made.id);
  assert.ok(!(await alice.listTokens('alice')).some((t) => t.id === made.id));
  await assert.rejects(own.getCurrentUser(), (err: unknown) => {
    assert.ok(err instanceof HubAuthError, String(err));
    assert.equal(err.status, 403);
    assert.ok(err.serverMessage, 'carries the hub message');
    assert.ok(!err.message.includes(made.token), 'never repeats the token');
    return true;
  });
});

test('an expired token is refused with the auth error', async () => {
  const alice = await jar.client('alice');
  const made = await alice.createToken('alice', { note: 'hub-notebooks expiry test', expiresInSeconds: 1 });
  const own = clientWithToken(hub, made.token);
  await delay(2500);
  await assert.rejects(own.getCurrentUser(), HubAuthError);
});

test('a garbage token is refused with the auth error', async () => {
  await assert.rejects(clientWithToken(hub, 'not-a-real-token-0000').getCurrentUser(), (err: unknown) => {
    assert.ok(err instanceof HubAuthError);
    assert.match(err.message, /refused the request to identify the signed-in user \(403/);
    return true;
  });
});

test('a URL that is not a JupyterHub is reported as such', async (t) => {
  const page = await startStub((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><title>Welcome</title></html>'),
  );
  t.after(() => page.close());
  await assert.rejects(clientWithToken({ ...hub, url: page.url }, 'x').getVersion(), (err: unknown) => {
    assert.ok(err instanceof NotAJupyterHubError);
    assert.match(err.message, /is not a JupyterHub: \/hub\/api answered with text\/html/);
    return true;
  });
});

test('a hub URL with nothing listening is the unavailable error', async (t) => {
  const gone = await startStub(() => undefined);
  await gone.close();
  const started = Date.now();
  await assert.rejects(clientWithToken({ ...hub, url: gone.url }, 'x').getVersion(), HubUnavailableError);
  t.diagnostic(`refused in ${Date.now() - started} ms`);
});
