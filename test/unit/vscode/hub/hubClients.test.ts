// HubNotebookClients: per-account clients built once, forgotten when sessions change, hubnb authorities matched
// to signed-in hubs, a Sign In prompt for the others, and every call going through sessions.run. HubServers:
// the title-bar start and stop (stop only after confirmation).
import { HUB, fake, fakeHub, makeProvider, seed, storedSession, until } from '../../support/authFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { AccountConnections } from '../../../../src/core/auth';
import { HubNotebookClients, NotSignedInError, type HubAccount } from '../../../../src/vscode/hub/hubClients';
import { HubSessions } from '../../../../src/vscode/hub/hubSessions';
import { HubServers } from '../../../../src/vscode/hub/serverStart';

beforeEach(() => fake.reset());

function setup() {
  const hub = fakeHub(() => ({ status: 200, body: { name: 'alice' } }));
  const w = makeProvider({ hub });
  const sessions = new HubSessions(w.provider, new AccountConnections(), w.log.logger, hub.createTransport);
  const built: { kind: string; user?: string; root?: string; servicePath?: string }[] = [];
  const clients = new HubNotebookClients({
    auth: w.provider,
    sessions,
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
  return { w, hub, sessions, clients, built };
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
  await assert.rejects(clients.account('https://configured.example:8443/prefix/'), NotSignedInError);
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

test('run goes through sessions.run, and looks the account up again for the retry', async () => {
  const { w, sessions, clients } = setup();
  await seed(w.secrets, [storedSession()]);
  const runs: string[] = [];
  const original = sessions.run.bind(sessions);
  sessions.run = <T>(hubUrl: string, op: () => Promise<T>) => {
    runs.push(hubUrl);
    return original(hubUrl, op);
  };
  const seen: HubAccount[] = [];
  assert.equal(await clients.run(HUB, (a) => Promise.resolve(seen.push(a))), 1);
  assert.deepEqual(runs, [HUB]);
  assert.equal(seen[0]?.user, 'alice');
  clients.dispose();
  w.dispose();
});

/** HubServers over a scripted account whose hub API records what it is asked. */
function servers() {
  const calls: string[] = [];
  const account = {
    user: 'alice',
    hub: {
      startServer: (user: string, o: { onProgress?: (e: { message?: string }) => void }) => {
        calls.push(`start ${user}`);
        o.onProgress?.({ message: 'Spawning' });
        return Promise.resolve({});
      },
      stopServer: (user: string) => {
        calls.push(`stop ${user}`);
        return Promise.resolve();
      },
    },
  } as unknown as HubAccount;
  const control = new HubServers(
    { run: (_hub, op) => op(account) },
    { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  );
  return { calls, control };
}

test('stopServer asks first; declined, nothing stops; confirmed, the server stops with progress', async () => {
  const { calls, control } = servers();
  fake.answer.message = () => undefined;
  assert.equal(await control.stopServer(HUB), false);
  assert.deepEqual(calls, []);
  assert.equal(fake.messages[0]?.modal, true);
  assert.match(fake.messages[0]?.message ?? '', /Stop your server on hub\.example\.org\?/);
  fake.answer.message = () => 'Stop Server';
  assert.equal(await control.stopServer(HUB), true);
  assert.deepEqual(calls, ['stop alice']);
  assert.equal(fake.progress.length, 1);
});

test('startServer (the title-bar button) starts at once with cancellable progress; two clicks, one start', async () => {
  const { calls, control } = servers();
  // The fake's progress drops what is reported; this wrapper keeps it, to see the hub's messages shown.
  type Task = (progress: { report(v: unknown): void }, token: unknown) => unknown;
  const window = fake.module['window'] as { withProgress: (options: object, task: Task) => unknown };
  const original = window.withProgress;
  const reported: unknown[] = [];
  window.withProgress = (options, task) =>
    original(options, (_progress, token) => task({ report: (v) => reported.push(v) }, token));
  let results: boolean[];
  try {
    results = await Promise.all([control.startServer(HUB), control.startServer(HUB)]);
  } finally {
    window.withProgress = original;
  }
  assert.deepEqual(reported, [{ message: 'Spawning' }]);
  assert.deepEqual(results, [true, true]);
  assert.deepEqual(calls, ['start alice']);
  assert.equal(fake.progress.length, 1);
  assert.equal(fake.progress[0]?.cancellable, true);
  assert.equal(fake.messages.length, 0, 'the click is the consent');
});
