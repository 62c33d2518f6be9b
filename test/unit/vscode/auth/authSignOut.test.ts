// Signing out: the token is revoked on the hub with that token, the account's connections are closed, the
// session is forgotten even when the hub is down, and the user is told when a token could not be revoked.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  HUB,
  fake,
  fakeHub,
  makeProvider,
  seed,
  storedIn,
  storedSession,
  until,
} from '../../support/authFixture';
import { HubUnavailableError } from '../../../../src/core/hub';

beforeEach(() => fake.reset());

/** A connection on alice's account, as a kernel websocket registers one; returns the reasons it was closed. */
async function trackConnection(w: ReturnType<typeof makeProvider>): Promise<string[]> {
  const reasons: string[] = [];
  await w.accounts.track(HUB, (reason) => reasons.push(reason));
  return reasons;
}

test('a browser session is revoked through the service with its own token, then forgotten', async () => {
  const hub = fakeHub((call) =>
    call.path === 'services/hub-notebooks/auth/revoke' ? { status: 204 } : { status: 404 },
  );
  const w = makeProvider({ hub });
  await seed(w.secrets, [
    storedSession(),
    storedSession({ id: 'bob', user: 'bob', token: 'secret-bob', tokenId: 'b1' }),
  ]);
  const closed = await trackConnection(w);
  const events: unknown[] = [];
  w.provider.onDidChangeSessions((e) => events.push(e));

  await w.provider.removeSession('session-1');

  assert.deepEqual(hub.calls, [
    {
      baseUrl: HUB,
      method: 'POST',
      path: 'services/hub-notebooks/auth/revoke',
      body: { token_id: 'a1' },
      token: 'secret-token-alice',
    },
  ]);
  assert.deepEqual(closed, ['signed out']);
  assert.deepEqual(
    storedIn(w.secrets).map((s) => s.id),
    ['bob'],
  );
  await until(() => events.length > 0);
  const logged = w.log.lines.join('\n');
  assert.match(logged, /signed out of alice @ hub\.example\.org/);
  assert.match(logged, /closed 1 connection\(s\) of alice @ hub\.example\.org: signed out/);
  assert.doesNotMatch(logged, /secret-token-alice/);
  assert.equal(fake.messages.length, 0);
  w.dispose();
});

test('a pasted token with an id is revoked with DELETE on the hub API', async () => {
  const hub = fakeHub((call) => (call.method === 'DELETE' ? { status: 204 } : { status: 404 }));
  const w = makeProvider({ hub });
  await seed(w.secrets, [storedSession({ method: 'token', tokenId: 'a9' })]);
  await w.provider.removeSession('session-1');
  assert.deepEqual(
    hub.calls.map((c) => [c.method, c.path, c.token]),
    [['DELETE', 'hub/api/users/alice/tokens/a9', 'secret-token-alice']],
  );
  assert.deepEqual(storedIn(w.secrets), []);
  w.dispose();
});

test('a pasted token without an id (JupyterHub 3.0) is forgotten with a pointer to the token page', async () => {
  const w = makeProvider();
  await seed(w.secrets, [storedSession({ method: 'token', tokenId: null })]);
  fake.answer.message = (m) => (m.items.includes('Open Token Page') ? 'Open Token Page' : undefined);
  await w.provider.removeSession('session-1');
  assert.equal(w.hub.calls.length, 0);
  const [warning] = fake.messages;
  assert.equal(warning?.kind, 'warning');
  assert.match(warning?.message ?? '', /could not revoke it.*https:\/\/hub\.example\.org\/hub\/token/);
  await until(() => fake.opened.length === 1);
  assert.deepEqual(fake.opened, [`${HUB}hub/token`]);
  assert.deepEqual(storedIn(w.secrets), []);
  w.dispose();
});

test('when the hub is down the session is still forgotten, with a warning to revoke it by hand', async () => {
  const hub = fakeHub(
    () => new HubUnavailableError('The hub at https://hub.example.org is unreachable (ECONNREFUSED).'),
  );
  const w = makeProvider({ hub });
  await seed(w.secrets, [storedSession()]);
  const closed = await trackConnection(w);
  await w.provider.removeSession('session-1');
  assert.deepEqual(storedIn(w.secrets), []);
  assert.deepEqual(closed, ['signed out']);
  const [warning] = fake.messages;
  assert.match(warning?.message ?? '', /could not revoke it on the hub: .*unreachable.*hub\/token/);
  assert.deepEqual(warning?.items, ['Open Token Page']);
  w.dispose();
});

test('a token the hub no longer accepts counts as revoked; an unknown id does nothing', async () => {
  const hub = fakeHub(() => ({ status: 401, body: { error: 'invalid_token', message: 'gone' } }));
  const w = makeProvider({ hub });
  await seed(w.secrets, [storedSession()]);
  await w.provider.removeSession('no-such-session');
  assert.equal(hub.calls.length, 0);
  await w.provider.removeSession('session-1');
  assert.deepEqual(storedIn(w.secrets), []);
  assert.equal(fake.messages.length, 0);
  assert.match(w.log.lines.join('\n'), /had already stopped accepting the token/);
  w.dispose();
});

test('signing out in another window closes this window’s connections of that account, and only those', async () => {
  const hub = fakeHub(() => ({ status: 204 }));
  const here = makeProvider({ hub });
  const there = makeProvider({ hub, secrets: here.secrets });
  await seed(here.secrets, [
    storedSession(),
    storedSession({ id: 'bob', user: 'bob', token: 'secret-bob', tokenId: 'b1' }),
  ]);
  const alice = await trackConnection(here);
  assert.equal((await there.provider.liveSessions()).length, 2);
  await there.provider.removeSession('session-1');
  await until(() => alice.length > 0);
  assert.deepEqual(alice, ['signed out']);
  assert.deepEqual(
    (await here.accounts.signedInAccounts()).map((a) => a.user),
    ['bob'],
  );
  here.dispose();
  there.dispose();
});

test('an expired session closes its connections with "session expired"', async () => {
  const w = makeProvider();
  await seed(w.secrets, [storedSession({ expiresAt: '2026-06-01T12:30:00.000Z' })]);
  const closed = await trackConnection(w);
  // The fixture's clock says 12:00; the next read after 12:30 finds it expired.
  await seed(w.secrets, [storedSession({ expiresAt: '2026-06-01T11:59:00.000Z' })]);
  await w.provider.liveSessions();
  await until(() => closed.length > 0);
  assert.deepEqual(closed, ['session expired']);
  w.dispose();
});
