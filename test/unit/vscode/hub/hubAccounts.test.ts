// HubAccounts: per-account clients built once and forgotten when sessions change, the token served from the
// provider's memory, hubnb authorities matched to signed-in hubs, a Sign In prompt for the others, and an
// operation the hub refuses being retried after the user signs in again, and only then.
// First: it installs the fake vscode module that the sources below import.
import { HUB, fake, fakeHub, makeProvider, seed, storedSession, until } from '../../support/authFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type { HubClient } from '../../../../src/core/hub';
import { HubAuthError } from '../../../../src/core/hub';
import { HubAccounts } from '../../../../src/vscode/hub/hubAccounts';
import { NotSignedInError } from '../../../../src/vscode/hub/notSignedInError';
import { hubUrl } from '../../../support/hubUrls';

beforeEach(() => fake.reset());

function setup() {
  const hub = fakeHub(() => ({ status: 200, body: { name: 'alice' } }));
  const w = makeProvider({ hub });
  const built: { kind: string; user?: string; root?: string; servicePath?: string }[] = [];
  const clients = new HubAccounts({
    auth: w.provider,
    makeTransport: hub.createTransport,
    settings: w.settings,
    logger: w.log.logger,
    createContents: (o) => {
      built.push({ kind: 'contents', user: o.user, ...(o.root === undefined ? {} : { root: o.root }) });
      return {} as never;
    },
    createCatalog: (o) => {
      built.push({ kind: 'catalog', ...(o.servicePath === undefined ? {} : { servicePath: o.servicePath }) });
      return {} as never;
    },
  });
  return { w, hub, clients, built };
}

test('clients are built once per account, rooted at the user’s home, and rebuilt after a session change', async () => {
  const { w, clients, built } = setup();
  fake.setSetting('hubNotebooks.servicePath', 'services/nb/');
  await seed(w.secrets, [storedSession()]);
  const first = await clients.account(HUB);
  assert.equal(first.user, 'alice');
  assert.equal(await clients.account(HUB), first, 'cached');
  assert.deepEqual(built, [
    { kind: 'contents', user: 'alice', root: 'alice' },
    { kind: 'catalog', servicePath: 'services/nb/' },
  ]);
  let changes = 0;
  clients.onDidChange(() => changes++);
  await seed(w.secrets, [storedSession({ id: 'session-2', user: 'bob', token: 't-bob' })]);
  await until(() => changes > 0);
  const second = await clients.account(HUB);
  assert.equal(second.user, 'bob');
  assert.notEqual(second, first);
  assert.deepEqual(await clients.signedInAccounts(), [{ hubUrl: HUB, user: 'bob' }]);
  clients.dispose();
  w.dispose();
});

test('a hubnb authority resolves to the signed-in hub; others fail with NotSignedInError', async () => {
  const { w, clients } = setup();
  fake.setSetting('hubNotebooks.hubs', ['https://configured.example:8443/prefix/']);
  await seed(w.secrets, [storedSession()]);
  assert.equal(await clients.hubForAuthority('HUB.example.org'), HUB);
  await assert.rejects(clients.hubForAuthority('configured.example:8443'), (err: NotSignedInError) => {
    assert.equal(err.hubUrl, 'https://configured.example:8443/prefix/');
    assert.match(err.message, /not signed in to configured\.example:8443/);
    return true;
  });
  await assert.rejects(clients.hubForAuthority('nowhere.example'), (err: NotSignedInError) => {
    assert.equal(err.hubUrl, undefined);
    assert.match(err.message, /not one of your hubs/);
    return true;
  });
  await assert.rejects(clients.account(hubUrl('https://configured.example:8443/prefix/')), NotSignedInError);
  clients.dispose();
  w.dispose();
});

test('the sign-in prompt is shown once per hub at a time and signs in to that hub', async () => {
  const { w, clients } = setup();
  let answer: (pick: string | undefined) => void = () => undefined;
  fake.answer.message = () => new Promise((resolve) => (answer = resolve));
  const err = new NotSignedInError('hub.example.org', HUB);
  clients.promptSignIn(err);
  clients.promptSignIn(err);
  assert.equal(fake.messages.length, 1);
  assert.deepEqual(fake.messages[0]?.items, ['Sign In']);
  answer('Sign In');
  await until(() => fake.getSessionCalls.length > 0);
  assert.deepEqual(fake.getSessionCalls[0]?.scopes, [`hub:${HUB}`]);
  assert.equal(fake.getSessionCalls[0]?.options['createIfNone'], true);
  clients.dispose();
  w.dispose();
});

test('the token comes from the session in memory: requests read no SecretStorage and follow a new sign-in', async () => {
  const { w, hub, clients } = setup();
  await seed(w.secrets, [storedSession()]);
  const account = await clients.account(HUB);
  let reads = 0;
  const get = w.secrets.get.bind(w.secrets);
  w.secrets.get = (key: string) => (reads++, get(key));
  for (let i = 0; i < 5; i++) await account.hub.getCurrentUser();
  assert.equal(reads, 0, 'a request read SecretStorage');
  assert.deepEqual(
    hub.calls.map((c) => c.token),
    Array(5).fill('secret-token-alice'),
  );
  await seed(w.secrets, [storedSession({ id: 'session-2', token: 'secret-token-new' })]);
  assert.equal(await account.getToken(), 'secret-token-new');
  clients.dispose();
  w.dispose();
});

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

function reauthSetup() {
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
  const sessions = new HubAccounts({
    auth: w.provider,
    settings: w.settings,
    logger: w.log.logger,
    makeTransport: hub.createTransport,
  });
  return { w, hub, sessions, signIns: () => signIns };
}

test('a refused operation is retried once the user signs in again', async () => {
  const { w, hub, sessions, signIns } = reauthSetup();
  await seed(w.secrets, [storedSession({ token: 'revoked-token' })]);
  fake.answer.message = (m) => (m.items.includes('Sign In Again') ? 'Sign In Again' : undefined);
  let attempts = 0;
  const user = await sessions.run(HUB, ({ hub: client }) => {
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
  sessions.dispose();
  w.dispose();
});

test('dismissing the prompt gives the caller the hub’s refusal, without a retry', async () => {
  const { w, sessions, signIns } = reauthSetup();
  await seed(w.secrets, [storedSession({ token: 'revoked-token' })]);
  let attempts = 0;
  await assert.rejects(
    sessions.run(HUB, ({ hub: client }) => {
      attempts++;
      return readAlice(client);
    }),
    HubAuthError,
  );
  assert.equal(attempts, 1);
  assert.equal(signIns(), 0);
  sessions.dispose();
  w.dispose();
});

test('operations failing together share one prompt', async () => {
  const { w, sessions, signIns } = reauthSetup();
  await seed(w.secrets, [storedSession({ token: 'revoked-token' })]);
  let release: (pick: string) => void = () => undefined;
  fake.answer.message = () => new Promise<string>((resolve) => (release = resolve));
  const both = Promise.all([
    sessions.run(HUB, ({ hub: client }) => readAlice(client)),
    sessions.run(HUB, ({ hub: client }) => readAlice(client)),
  ]);
  await until(() => fake.messages.length === 1);
  release('Sign In Again');
  const users = await both;
  assert.deepEqual(
    users.map((u) => u.name),
    ['alice', 'alice'],
  );
  assert.equal(fake.messages.length, 1);
  assert.equal(signIns(), 1);
  sessions.dispose();
  w.dispose();
});

test('a 403 for a token that still works is a permission problem: no prompt, no retry', async () => {
  const { w, hub, sessions, signIns } = reauthSetup();
  await seed(w.secrets, [storedSession({ token: 'permission-only-token' })]);
  await assert.rejects(
    sessions.run(HUB, ({ hub: client }) => client.getUser('bob')),
    HubAuthError,
  );
  assert.equal(fake.messages.length, 0);
  assert.equal(signIns(), 0);
  assert.deepEqual(callsTo(hub, 'hub/api/users/bob'), ['permission-only-token']);
  sessions.dispose();
  w.dispose();
});
