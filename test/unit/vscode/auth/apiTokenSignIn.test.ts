// The API-token fallback: the token page opens, the pasted token is checked with the hub as that token, and
// only an accepted token is stored.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { HUB, fake, fakeHub, makeProvider, seed, storedIn, storedSession } from '../../support/authFixture';
import { SignInError } from '../../../../src/core/auth';
import { HubUnavailableError } from '../../../../src/core/hub';

beforeEach(() => fake.reset());

const userModel = { name: 'alice', token_id: 'a42', scopes: ['read:users!user=alice'] };

test('a pasted token the hub accepts is stored as a token session', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const hub = fakeHub((call) =>
    call.path === 'hub/api/user' ? { status: 200, body: userModel } : { status: 404 },
  );
  const w = makeProvider({ hub });
  fake.answer.inputBox = () => '  pasted-secret \n';
  const session = await w.provider.signInWithToken();
  assert.deepEqual(fake.opened, [`${HUB}hub/token`]);
  const [input] = fake.inputBoxes;
  assert.equal(input?.password, true);
  assert.equal(input?.ignoreFocusOut, true);
  assert.match(String(input?.prompt), /https:\/\/hub\.example\.org\/hub\/token/);
  assert.deepEqual(
    hub.calls.map((c) => [c.method, c.path, c.token]),
    [['GET', 'hub/api/user', 'pasted-secret']],
  );
  assert.equal(session.account.label, 'alice @ hub.example.org');
  const [stored] = storedIn(w.secrets);
  assert.equal(stored?.method, 'token');
  assert.equal(stored?.tokenId, 'a42');
  assert.equal(stored?.expiresAt, null);
  assert.equal(stored?.token, 'pasted-secret');
  assert.doesNotMatch(w.log.lines.join('\n'), /pasted-secret/);
  w.dispose();
});

test('a token the hub refuses is reported and nothing changes', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const hub = fakeHub(() => ({ status: 403, body: { message: 'Forbidden' } }));
  const w = makeProvider({ hub });
  await seed(w.secrets, [storedSession({ id: 'existing' })]);
  const before = w.secrets.values.get('hubNotebooks.sessions');
  fake.answer.inputBox = () => 'wrong-token';
  await assert.rejects(
    w.provider.signInWithToken(),
    (e: unknown) => e instanceof SignInError && e.kind === 'invalid-token',
  );
  const [error] = fake.messages.filter((m) => m.kind === 'error');
  assert.match(error?.message ?? '', /The hub did not accept this token .*hub\/token/);
  assert.equal(w.secrets.values.get('hubNotebooks.sessions'), before, 'existing sessions are untouched');
  w.dispose();
});

test('an unreachable hub is reported too, and dismissing the input cancels quietly', async () => {
  fake.setSetting('hubNotebooks.hubs', [HUB]);
  const hub = fakeHub(() => new HubUnavailableError('The hub at https://hub.example.org is unreachable.'));
  const w = makeProvider({ hub });
  fake.answer.inputBox = () => 'some-token';
  await assert.rejects(w.provider.signInWithToken(), HubUnavailableError);
  assert.equal(fake.messages.filter((m) => m.kind === 'error').length, 1);
  fake.answer.inputBox = () => undefined;
  await assert.rejects(
    w.provider.signInWithToken(),
    (e: unknown) => e instanceof SignInError && e.kind === 'cancelled',
  );
  assert.equal(fake.messages.filter((m) => m.kind === 'error').length, 1, 'no message for a cancellation');
  assert.deepEqual(storedIn(w.secrets), []);
  w.dispose();
});
