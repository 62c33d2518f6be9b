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
  storedSession,
  until,
} from '../../support/authFixture';
import type * as vscode from 'vscode';

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
    storedSession({ id: 'other', hubUrl: 'https://other.example.org/', user: 'bob', token: 'secret-bob' }),
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
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(seenThere.length, 3, 'each change is announced once in the other window');
  assert.equal(seenHere.length, 3, 'and once in the window that made it');
  first.dispose();
  second.dispose();
});

test('changes to other secrets are not announced', async () => {
  const w = makeProvider();
  const events = collect(w.provider);
  await w.secrets.store('someone.else', 'x');
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(events.length, 0);
  w.dispose();
});
