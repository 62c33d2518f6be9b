// Every command contributed in package.json is registered by activate(), and every registered command is
// contributed, with the category and a title. The auth commands go through VS Code's authentication API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';
// The fake must be in place before the adapter module loads `vscode`.
import { fake } from '../../support/useFakeVscode';
import { createFakeContext } from '../../support/fakeVscode';
import { activate } from '../../../src/vscode/extension';
import type { HubAuthProvider } from '../../../src/vscode/authProvider';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    authentication: { id: string; label: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const HUB = 'https://hub.example.org/';

beforeEach(() => fake.reset());

function activateWithFake() {
  const context = createFakeContext();
  activate(context as never);
  return { context, dispose: () => context.subscriptions.forEach((s) => s.dispose()) };
}

async function seedSessions(context: ReturnType<typeof createFakeContext>, users: string[]): Promise<void> {
  const sessions = users.map((user, i) => ({
    id: `s-${user}`,
    hubUrl: HUB,
    user,
    token: `secret-${user}`,
    tokenId: null,
    scopes: [],
    expiresAt: null,
    method: 'token',
    createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
  }));
  await context.secrets.store('hubNotebooks.sessions', JSON.stringify(sessions));
}

test('package.json commands and registered commands are the same set', () => {
  const { dispose } = activateWithFake();
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const registered = [...fake.registeredCommands.keys()].sort();
  assert.deepEqual(registered, contributed);
  for (const c of manifest.contributes.commands) {
    assert.equal(c.category, 'Hub Notebooks', `${c.command} has the Hub Notebooks category`);
    assert.ok(c.title.length > 0);
  }
  dispose();
  assert.equal(fake.registeredCommands.size, 0, 'disposing the extension unregisters its commands');
});

test('activate registers the Notebooks view, whose welcome contents link registered commands', () => {
  const { dispose } = activateWithFake();
  const viewIds = Object.values(manifest.contributes.views).flatMap((views) => views.map((v) => v.id));
  assert.deepEqual([...fake.treeProviders.keys()], viewIds);
  for (const id of viewIds) {
    const welcomes = manifest.contributes.viewsWelcome.filter((w) => w.view === id);
    assert.ok(welcomes.length > 0, `view ${id} has welcome content`);
    for (const welcome of welcomes) {
      for (const [, command] of welcome.contents.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(
          fake.registeredCommands.has(command ?? ''),
          `welcome links a registered command: ${command}`,
        );
      }
    }
  }
  const byWhen = new Map(manifest.contributes.viewsWelcome.map((w) => [w.when, w.contents]));
  assert.match(byWhen.get('!hubNotebooks.signedIn') ?? '', /\(command:hubNotebooks\.signIn\)/);
  assert.match(byWhen.get('!hubNotebooks.signedIn') ?? '', /\(command:hubNotebooks\.signInWithToken\)/);
  assert.match(byWhen.get('hubNotebooks.signedIn') ?? '', /next release/);
  dispose();
});

test('activate registers the authentication provider, the URI handler and the account status', () => {
  const { dispose } = activateWithFake();
  const registered = fake.authProviders.get('hub-notebooks');
  assert.equal(registered?.label, 'Hub Notebooks');
  assert.deepEqual(registered?.options, { supportsMultipleAccounts: true });
  assert.deepEqual(manifest.contributes.authentication, [{ id: 'hub-notebooks', label: 'Hub Notebooks' }]);
  assert.equal(fake.uriHandlers.length, 1);
  assert.ok(fake.statusItems.some((i) => i.id === 'hubNotebooks.account' && !i.disposed));
  for (const event of ['onStartupFinished', 'onAuthenticationRequest:hub-notebooks', 'onUri']) {
    assert.ok(manifest.activationEvents.includes(event), `activates on ${event}`);
  }
  dispose();
  assert.equal(fake.authProviders.size, 0);
  assert.equal(fake.uriHandlers.length, 0);
  assert.ok(fake.statusItems.every((i) => i.disposed));
});

test('Show Log shows the one log channel', async () => {
  const { dispose } = activateWithFake();
  const channel = fake.channels.at(-1);
  assert.ok(channel);
  assert.equal(channel.name, 'Hub Notebooks');
  assert.match(channel.lines.join('\n'), /\[extension\] Hub Notebooks 9\.9\.9 activated/);
  await fake.registeredCommands.get('hubNotebooks.showLog')?.();
  assert.equal(channel.shown, 1);
  dispose();
  assert.equal(channel.disposed, true);
});

test('Sign In asks VS Code for a session, which reaches the provider’s createSession', async () => {
  const { dispose } = activateWithFake();
  fake.answer.inputBox = () => undefined;
  await fake.registeredCommands.get('hubNotebooks.signIn')?.();
  assert.deepEqual(fake.getSessionCalls, [
    { id: 'hub-notebooks', scopes: [], options: { createIfNone: true, clearSessionPreference: true } },
  ]);
  assert.equal(fake.inputBoxes.length, 1, 'with no hub configured, the provider asked for one');
  assert.equal(fake.messages.filter((m) => m.kind === 'error').length, 0, 'a dismissed sign-in is quiet');
  dispose();
});

test('Sign Out picks among several accounts, confirms in a modal, then signs out', async () => {
  const { context, dispose } = activateWithFake();
  await seedSessions(context, ['alice', 'bob']);
  const provider = fake.authProviders.get('hub-notebooks')?.provider as unknown as HubAuthProvider;
  fake.answer.quickPick = (items) =>
    items.find((i) => (i as { label: string }).label === 'alice @ hub.example.org');
  await fake.registeredCommands.get('hubNotebooks.signOut')?.();
  assert.equal(fake.quickPicks.length, 1);
  const confirm = fake.messages.find((m) => m.modal);
  assert.equal(confirm?.message, 'Sign out of alice @ hub.example.org?');
  assert.deepEqual(confirm?.items, ['Sign Out']);
  assert.equal(
    (await provider.getSessions(undefined)).length,
    2,
    'declining the confirmation keeps the session',
  );

  fake.answer.message = (m) => (m.modal ? 'Sign Out' : undefined);
  await fake.registeredCommands.get('hubNotebooks.signOut')?.();
  assert.deepEqual(
    (await provider.getSessions(undefined)).map((s) => s.account.label),
    ['bob @ hub.example.org'],
  );
  fake.quickPicks.length = 0;
  await fake.registeredCommands.get('hubNotebooks.signOut')?.();
  assert.equal(fake.quickPicks.length, 0, 'one account needs no pick');
  assert.deepEqual(await provider.getSessions(undefined), []);
  dispose();
});
