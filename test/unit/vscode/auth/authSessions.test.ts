// The provider's sessions: the AuthenticationSession shape, filtering by hub, dropping expired sessions, and
// keeping two windows that share one SecretStorage in sync.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  HUB,
  fake,
  fakeHub,
  makeProvider,
  seed,
  storedIn,
  settle,
  storedSession,
  until,
} from '../../support/authFixture';
import type * as vscode from 'vscode';
import { OTHER_HUB } from '../../../support/hubUrls';

beforeEach(() => fake.reset());

type ChangeEvent = vscode.AuthenticationProviderAuthenticationSessionsChangeEvent;

function collect(provider: { onDidChangeSessions: vscode.Event<ChangeEvent> }): ChangeEvent[] {
  const events: ChangeEvent[] = [];
  provider.onDidChangeSessions((e) => events.push(e));
  return events;
}

const grant = {
  token: 'secret-from-browser',
  token_id: 'a7',
  expires_at: null,
  user: 'alice',
  scopes: ['access:servers!user=alice'],
  hub_url: HUB,
};

const ids = (sessions: readonly vscode.AuthenticationSession[] | undefined) =>
  (sessions ?? []).map((s) => s.id);

test('a stored session is offered as an AuthenticationSession for its hub', async () => {
  const w = makeProvider();
  await seed(w.secrets, [
    storedSession(),
    storedSession({ id: 'other', hubUrl: OTHER_HUB, user: 'bob', token: 'secret-bob' }),
  ]);
  const [alice] = await w.provider.getSessions([`hub:${HUB}`]);
  assert.deepEqual(alice, {
    id: 'session-1',
    accessToken: 'secret-token-alice',
    account: { id: `${HUB}|alice`, label: 'alice @ hub.example.org' },
    scopes: [`hub:${HUB}`],
  });
  assert.deepEqual(ids(await w.provider.getSessions(['hub:https://hub.example.org/hub/home'])), [
    'session-1',
  ]);
  assert.deepEqual(ids(await w.provider.getSessions([])).sort(), ['other', 'session-1']);
  assert.deepEqual(await w.provider.getSessions(['hub:ftp://nope']), []);
  w.dispose();
});

test('expired sessions are dropped, removed from the store, and announced as removed', async () => {
  const w = makeProvider();
  await seed(w.secrets, [
    storedSession({ id: 'old', expiresAt: '2026-05-01T00:00:00.000Z' }),
    storedSession({ id: 'fresh', user: 'carol', expiresAt: '2026-07-01T00:00:00.000Z' }),
  ]);
  const events = collect(w.provider);
  assert.deepEqual(ids(await w.provider.getSessions(undefined)), ['fresh']);
  assert.deepEqual(
    storedIn(w.secrets).map((s) => s.id),
    ['fresh'],
  );
  await until(() => events.some((e) => ids(e.removed).includes('old')));
  w.dispose();
});

test('two windows sharing SecretStorage see each other’s sign-ins, updates and sign-outs', async () => {
  const hub = fakeHub(() => ({ status: 204 }));
  const signIn = () => Promise.resolve(grant);
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const first = makeProvider({ hub, deps: { signIn } });
  const second = makeProvider({ secrets: first.secrets, hub });
  const seenThere = collect(second.provider);
  const seenHere = collect(first.provider);

  const created = await first.provider.createSession([]);
  assert.deepEqual(ids(seenHere[0]?.added), [created.id], 'the signing-in window announces at once');
  await until(() => seenThere.length === 1);
  assert.deepEqual(ids(seenThere[0]?.added), [created.id]);
  assert.deepEqual(ids(await second.provider.getSessions([`hub:${HUB}`])), [created.id]);

  await seed(first.secrets, [{ ...storedIn(first.secrets)[0]!, scopes: ['read:users'] }]);
  await until(() => seenThere.length === 2);
  assert.deepEqual(ids(seenThere[1]?.changed), [created.id]);

  await first.provider.removeSession(created.id);
  await until(() => seenThere.length === 3);
  assert.deepEqual(ids(seenThere[2]?.removed), [created.id]);
  assert.deepEqual(await second.provider.getSessions(undefined), []);
  await settle();
  assert.equal(seenThere.length, 3, 'each change is announced once in the other window');
  assert.equal(seenHere.length, 3, 'and once in the window that made it');
  first.dispose();
  second.dispose();
});

test('changes to other secrets are not announced', async () => {
  const w = makeProvider();
  const events = collect(w.provider);
  await w.secrets.store('someone.else', 'x');
  await settle();
  assert.equal(events.length, 0);
  w.dispose();
});

test('requests read the sessions held in memory: SecretStorage is read again only when it changes', async () => {
  const w = makeProvider();
  await seed(w.secrets, [storedSession()]);
  await w.provider.getSessions([]);
  let reads = 0;
  const get = w.secrets.get.bind(w.secrets);
  w.secrets.get = (key: string) => {
    reads++;
    return get(key);
  };
  for (let i = 0; i < 10; i++)
    assert.deepEqual(ids(await w.provider.getSessions([`hub:${HUB}`])), ['session-1']);
  assert.equal(reads, 0);
  await seed(w.secrets, [storedSession({ id: 'renewed', token: 'secret-renewed' })]);
  await until(() => reads > 0);
  const [renewed] = await w.provider.getSessions([`hub:${HUB}`]);
  assert.equal(renewed?.accessToken, 'secret-renewed');
  w.dispose();
});

test('an unreadable stored sign-in is logged, revoked with its own token, dropped, and reported once', async () => {
  const hub = fakeHub((call) =>
    call.path === 'services/hub-notebooks/auth/revoke' ? { status: 204 } : { status: 404 },
  );
  const w = makeProvider({ hub });
  const { createdAt: _dropped, ...broken } = storedSession({
    id: 'broken',
    token: 'secret-broken',
    tokenId: 'b9',
  });
  const good = storedSession({ id: 'good', user: 'carol', token: 'secret-carol' });
  await w.secrets.store('hubNotebooks.sessions', JSON.stringify([broken, good]));
  await until(() => fake.messages.length > 0);

  assert.deepEqual(ids(await w.provider.getSessions([])), ['good']);
  assert.deepEqual(
    hub.calls.map((c) => [c.path, c.token, c.body]),
    [['services/hub-notebooks/auth/revoke', 'secret-broken', { token_id: 'b9' }]],
  );
  assert.deepEqual(
    storedIn(w.secrets).map((s) => s.id),
    ['good'],
  );
  const [shown] = fake.messages;
  assert.equal(shown?.kind, 'warning');
  assert.match(
    shown?.message ?? '',
    /could not read a stored sign-in \(alice @ hub\.example\.org\), so it is signed out/,
  );
  assert.match(shown?.message ?? '', /Its token was revoked on the hub\. Sign in again/);
  assert.deepEqual(shown?.items, ['Sign In Again', 'Show Log']);
  const logged = w.log.lines.join('\n');
  assert.match(logged, /warn ignored a stored sign-in has unreadable fields: createdAt/);
  assert.doesNotMatch(logged + JSON.stringify(fake.messages), /secret-/);

  // Later reads and changes find nothing more to report.
  await seed(w.secrets, [good, storedSession({ id: 'dave', user: 'dave', token: 'secret-dave' })]);
  await until(() => storedIn(w.secrets).length === 2);
  await w.provider.getSessions([]);
  assert.equal(fake.messages.length, 1);
  w.dispose();
});

test('a store that is not JSON is emptied and reported, with a pointer to the token page', async () => {
  const w = makeProvider();
  await w.secrets.store('hubNotebooks.sessions', '{"half": ');
  await until(() => fake.messages.length > 0);
  assert.deepEqual(await w.provider.getSessions([]), []);
  assert.match(
    fake.messages[0]?.message ?? '',
    /could not read a stored sign-in, so it is signed out\. If it was still valid, its token works on the hub until it expires: revoke it on your token page/,
  );
  assert.equal(await w.secrets.get('hubNotebooks.sessions'), undefined);
  assert.match(w.log.lines.join('\n'), /warn ignored the stored sign-ins are not JSON/);
  w.dispose();
});
