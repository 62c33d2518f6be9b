// HubSessions: transports that send the current session's token, and an operation the hub refuses being
// retried after the user signs in again, and only then.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { HUB, fake, fakeHub, makeProvider, seed, storedSession, until } from '../../support/authFixture';
import { AccountConnections } from '../../../../src/core/auth';
import { HubAuthError, HubClient } from '../../../../src/core/hub';
import { HubSessions } from '../../../../src/vscode/hub/hubSessions';

beforeEach(() => fake.reset());

const newGrant = {
  token: 'fresh-token',
  token_id: 'a2',
  expires_at: null,
  user: 'alice',
  scopes: [],
  hub_url: HUB,
};

/**
 * A hub that accepts only `fresh-token`, as after the old one was revoked; `permission-only-token` works but
 * may not read other users.
 */
function revokedHub() {
  return fakeHub((call) => {
    if (call.token === 'fresh-token') return { status: 200, body: { name: 'alice' } };
    if (call.token === 'permission-only-token' && call.path === 'hub/api/user') {
      return { status: 200, body: { name: 'alice' } };
    }
    return { status: 403, body: { message: 'Forbidden' } };
  });
}

const readAlice = (client: HubClient) => client.getUser('alice');
const callsTo = (hub: ReturnType<typeof revokedHub>, path: string) =>
  hub.calls.filter((c) => c.path === path).map((c) => c.token);

function setup() {
  const hub = revokedHub();
  let signIns = 0;
  const w = makeProvider({
    hub,
    deps: {
      signIn: () => {
        signIns++;
        return Promise.resolve(newGrant);
      },
    },
  });
  const sessions = new HubSessions(w.provider, new AccountConnections(), w.log.logger, hub.createTransport);
  return { w, hub, sessions, signIns: () => signIns };
}

test('createTransport sends the current session’s token, read at each request', async () => {
  const { w, hub, sessions } = setup();
  await seed(w.secrets, [storedSession({ token: 'fresh-token' })]);
  const client = new HubClient(sessions.createTransport('https://hub.example.org/hub/'));
  assert.equal((await client.getCurrentUser()).name, 'alice');
  assert.equal(hub.calls[0]?.token, 'fresh-token');
  assert.equal((await sessions.getSession(HUB))?.account.label, 'alice @ hub.example.org');
  assert.equal(await sessions.accountIdFor(HUB), `${HUB}|alice`);
  w.dispose();
});

test('a refused operation is retried once the user signs in again', async () => {
  const { w, hub, sessions, signIns } = setup();
  await seed(w.secrets, [storedSession({ token: 'revoked-token' })]);
  fake.answer.message = (m) => (m.items.includes('Sign In Again') ? 'Sign In Again' : undefined);
  const client = new HubClient(sessions.createTransport(HUB));
  let attempts = 0;
  const user = await sessions.run(HUB, () => {
    attempts++;
    return readAlice(client);
  });
  assert.equal(user.name, 'alice');
  assert.equal(attempts, 2);
  assert.equal(signIns(), 1);
  assert.deepEqual(callsTo(hub, 'hub/api/users/alice'), ['revoked-token', 'fresh-token']);
  assert.deepEqual(callsTo(hub, 'hub/api/user'), ['revoked-token'], 'the token was checked before asking');
  await until(() => callsTo(hub, 'services/hub-notebooks/auth/revoke').length === 1);
  assert.deepEqual(
    callsTo(hub, 'services/hub-notebooks/auth/revoke'),
    ['revoked-token'],
    'the replaced token is revoked',
  );
  const [prompt] = fake.messages;
  assert.equal(
    prompt?.message,
    'Your session on hub.example.org has expired or was revoked. Sign in again to continue; what you were doing will be retried.',
  );
  w.dispose();
});

test('dismissing the prompt gives the caller the hub’s refusal, without a retry', async () => {
  const { w, sessions, signIns } = setup();
  await seed(w.secrets, [storedSession({ token: 'revoked-token' })]);
  const client = new HubClient(sessions.createTransport(HUB));
  let attempts = 0;
  await assert.rejects(
    sessions.run(HUB, () => {
      attempts++;
      return readAlice(client);
    }),
    HubAuthError,
  );
  assert.equal(attempts, 1);
  assert.equal(signIns(), 0);
  w.dispose();
});

test('operations failing together share one prompt', async () => {
  const { w, sessions, signIns } = setup();
  await seed(w.secrets, [storedSession({ token: 'revoked-token' })]);
  let release: (pick: string) => void = () => undefined;
  fake.answer.message = () => new Promise<string>((resolve) => (release = resolve));
  const client = new HubClient(sessions.createTransport(HUB));
  const both = Promise.all([
    sessions.run(HUB, () => readAlice(client)),
    sessions.run(HUB, () => readAlice(client)),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 10));
  release('Sign In Again');
  const users = await both;
  assert.deepEqual(
    users.map((u) => u.name),
    ['alice', 'alice'],
  );
  assert.equal(fake.messages.length, 1);
  assert.equal(signIns(), 1);
  w.dispose();
});

test('a 403 for a token that still works is a permission problem: no prompt, no retry', async () => {
  const { w, hub, sessions, signIns } = setup();
  await seed(w.secrets, [storedSession({ token: 'permission-only-token' })]);
  const client = new HubClient(sessions.createTransport(HUB));
  await assert.rejects(
    sessions.run(HUB, () => client.getUser('bob')),
    HubAuthError,
  );
  assert.equal(fake.messages.length, 0);
  assert.equal(signIns(), 0);
  assert.deepEqual(callsTo(hub, 'hub/api/users/bob'), ['permission-only-token']);
  w.dispose();
});
