// Every command contributed in package.json is registered by activate(), and every registered command is
// contributed, with the category and a title. The auth commands go through VS Code's authentication API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { beforeEach, test, type TestContext } from 'node:test';
// The fake must be in place before the adapter module loads `vscode`.
import { fake } from '../../support/useFakeVscode';
import { createFakeContext } from '../../support/fakeVscode';
import { activate } from '../../../src/vscode/extension';
import type { HubAuthProvider } from '../../../src/vscode/auth/authProvider';
import { CommandIds } from '../../../src/vscode/commands/commandIds';
import { ContextValues, ViewIds } from '../../../src/vscode/trees/treeNodes';
import { json, startStub } from '../../support/httpStub';
import { EXAMPLE_HUB, hubUrl } from '../../support/hubUrls';
import { until } from '../support/authFixture';
import { settle } from '../support/waits';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    authentication: { id: string; label: string }[];
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string; when?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
  };
}

/** The states a view's model reports (trees/treeModel.ts ViewState) that welcome content may name. */
const VIEW_STATES = ['signedOut', 'loading', 'ready', 'empty', 'serverStopped', 'serviceMissing', 'error'];

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const HUB = EXAMPLE_HUB;

beforeEach(() => {
  fake.reset();
  fake.views.reset();
});

function activateWithFake() {
  const context = createFakeContext();
  activate(context as never);
  return { context, dispose: () => context.subscriptions.forEach((s) => s.dispose()) };
}

async function seedSessions(
  context: ReturnType<typeof createFakeContext>,
  users: string[],
  hubUrl = HUB,
): Promise<void> {
  const sessions = users.map((user, i) => ({
    id: `s-${user}`,
    hubUrl,
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

test('activate registers the three views, whose welcome contents link registered commands', () => {
  const { dispose } = activateWithFake();
  const viewIds = Object.values(manifest.contributes.views).flatMap((views) => views.map((v) => v.id));
  assert.deepEqual(viewIds, Object.values(ViewIds));
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
      // A state named in a `when` is one the view's model sets.
      for (const [, view, state] of (welcome.when ?? '').matchAll(/([\w.]+)\.state == (\w+)/g)) {
        assert.equal(view, id, `${id}'s welcome tests its own state`);
        assert.ok(VIEW_STATES.includes(state ?? ''), `${state} is a state of ${id}`);
      }
    }
    const signedOut = welcomes.find((w) => w.when === '!hubNotebooks.signedIn');
    assert.match(signedOut?.contents ?? '', /\(command:hubNotebooks\.signIn\)/, `${id} links Sign In`);
  }
  const welcome = (view: string, state: string) =>
    manifest.contributes.viewsWelcome.find((w) => w.view === view && w.when?.endsWith(`.state == ${state}`))
      ?.contents ?? '';
  const my = manifest.contributes.viewsWelcome.find(
    (w) => w.view === ViewIds.myNotebooks && w.when === '!hubNotebooks.signedIn',
  );
  assert.match(my?.contents ?? '', /\(command:hubNotebooks\.signInWithToken\)/);
  assert.match(welcome(ViewIds.myNotebooks, 'serverStopped'), /\(command:hubNotebooks\.startServer\)/);
  assert.match(welcome(ViewIds.myNotebooks, 'empty'), /no notebooks yet/);
  assert.match(welcome(ViewIds.team, 'empty'), /No teammates share a group with you/);
  assert.match(welcome(ViewIds.supported, 'empty'), /No supported notebooks yet[^]*publish/);
  for (const view of [ViewIds.team, ViewIds.supported]) {
    assert.match(
      welcome(view, 'serviceMissing'),
      /service is not available[^]*\(command:hubNotebooks\.showLog\)/,
    );
    assert.match(welcome(view, 'error'), /\(command:hubNotebooks\.showLog\)/);
  }
  dispose();
  assert.equal(fake.treeProviders.size, 0, 'disposing the extension disposes its views');
});

test('menus name contributed commands, existing views, and context values the trees produce', () => {
  const { dispose } = activateWithFake();
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const views = new Set<string>(Object.values(ViewIds));
  const contextValues = Object.values(ContextValues) as string[];
  const menus = manifest.contributes.menus;
  for (const [menu, entries] of Object.entries(menus)) {
    for (const entry of entries) {
      assert.ok(contributed.has(entry.command), `${menu}: ${entry.command} is contributed`);
      assert.ok(fake.registeredCommands.has(entry.command), `${menu}: ${entry.command} is registered`);
      const when = entry.when ?? '';
      for (const [, view] of when.matchAll(/\bview == ([\w.]+)/g)) {
        assert.ok(views.has(view ?? ''), `${menu}: ${view} is a view`);
      }
      for (const [, value] of when.matchAll(/\bviewItem [!=]= (\w+)/g)) {
        assert.ok(contextValues.includes(value ?? ''), `${menu}: ${value} is a contextValue`);
      }
      for (const [, source] of when.matchAll(/\bviewItem =~ \/(.+?)\/(?=\s|$)/g)) {
        const re = new RegExp(source ?? '');
        assert.ok(
          contextValues.some((v) => re.test(v)),
          `${menu}: /${source}/ matches a contextValue`,
        );
      }
    }
  }
  const itemMenus = menus['view/item/context'] ?? [];
  const offered = (command: string, value: string) =>
    itemMenus.some((m) => {
      if (m.command !== command) return false;
      const when = m.when ?? '';
      if (new RegExp(`viewItem == ${value}\\b`).test(when)) return true;
      const regex = /viewItem =~ \/(.+?)\//.exec(when)?.[1];
      return regex !== undefined && new RegExp(regex).test(value);
    });
  // Roll Back only on the maintainers' value; Open in Browser never on supported notebooks.
  assert.deepEqual(
    contextValues.filter((v) => offered(CommandIds.rollback, v)),
    [ContextValues.supportedVersionRollback],
  );
  assert.deepEqual(
    contextValues.filter((v) => offered(CommandIds.openInBrowser, v) && v.startsWith('supported')),
    [],
  );
  for (const value of [
    ContextValues.myNotebook,
    ContextValues.teamNotebook,
    ContextValues.supportedVersion,
  ]) {
    assert.ok(offered(CommandIds.open, value), `Open on ${value}`);
    assert.ok(offered(CommandIds.copyPath, value), `Copy Path on ${value}`);
  }
  assert.ok(offered(CommandIds.saveCopy, ContextValues.teamNotebook));
  assert.ok(offered(CommandIds.openVersion, ContextValues.supportedNotebook));
  const titles = (menus['view/title'] ?? []).map((m) => `${m.command} ${m.when ?? ''}`);
  for (const [command, view] of [
    [CommandIds.refreshMyNotebooks, ViewIds.myNotebooks],
    [CommandIds.refreshTeam, ViewIds.team],
    [CommandIds.refreshSupported, ViewIds.supported],
    [CommandIds.startServer, ViewIds.myNotebooks],
    [CommandIds.stopServer, ViewIds.myNotebooks],
  ]) {
    assert.ok(
      titles.some((t) => t.startsWith(`${command} `) && t.includes(`view == ${view}`)),
      `${command} in ${view}'s title bar`,
    );
  }
  // Internal commands are hidden from the palette; the two pickers are in it.
  const palette = new Map((menus.commandPalette ?? []).map((m) => [m.command, m.when]));
  for (const id of [CommandIds.open, CommandIds.copyPath, CommandIds.openInBrowser, CommandIds.rollback]) {
    assert.equal(palette.get(id), 'false', `${id} is hidden from the palette`);
  }
  assert.notEqual(palette.get(CommandIds.openSupportedNotebook), 'false');
  assert.notEqual(palette.get(CommandIds.openTeammateNotebook), 'false');
  dispose();
});

test('activate registers the hubnb file system and talks to no hub until a view asks for its items', async (t) => {
  const stub = await startStub((_req, res) => json(res, 424, { message: 'server not running' }));
  const { context, dispose } = activateWithFake();
  try {
    assert.ok(manifest.activationEvents.includes('onFileSystem:hubnb'));
    assert.deepEqual(fake.files.providers.get('hubnb')?.options, { isCaseSensitive: true });
    // A request dials its socket as it starts: counting dials needs no wait for one to reach the stub.
    const dials = countDials(t);
    await seedSessions(context, ['alice'], hubUrl(stub.url));
    await settle(20);
    assert.equal(dials.count, 0, 'nothing was fetched at activation or sign-in');
    const tree = fake.treeProviders.get(ViewIds.myNotebooks) as { getChildren(): Promise<unknown[]> };
    assert.deepEqual(await tree.getChildren(), []);
    assert.ok(dials.count > 0 && stub.seen.length > 0, 'the view fetched when asked, and the count saw it');
    assert.equal(fake.views.contextKeys.get('hubNotebooks.myNotebooks.state'), 'serverStopped');
  } finally {
    dispose();
    await stub.close();
  }
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

test('Sign Out and Stop Server stops the server before the token goes, then offers the browser logout', async () => {
  const stub = await startStub((req, res) => {
    if (req.method === 'DELETE' && req.url === '/hub/api/users/alice/server') return json(res, 204, {});
    if (req.url?.startsWith('/services/hub-notebooks/auth/revoke')) return json(res, 204, {});
    return json(res, 404, { message: 'no' });
  });
  const { context, dispose } = activateWithFake();
  try {
    await seedSessions(context, ['alice'], hubUrl(stub.url));
    fake.answer.message = (m) =>
      m.modal
        ? 'Sign Out and Stop Server'
        : m.items.includes('Log Out in Browser')
          ? 'Log Out in Browser'
          : undefined;
    await fake.registeredCommands.get('hubNotebooks.signOut')?.();
    const stop = stub.seen.find((r) => r.method === 'DELETE' && r.url === '/hub/api/users/alice/server');
    assert.ok(stop, 'the server was stopped');
    assert.equal(stop.headers.authorization, 'token secret-alice', 'with the token, before it was revoked');
    const provider = fake.authProviders.get('hub-notebooks')?.provider as unknown as HubAuthProvider;
    assert.deepEqual(await provider.getSessions(undefined), [], 'and then signed out');
    const offer = fake.messages.find((m) => m.items.includes('Log Out in Browser'));
    assert.match(
      offer?.message ?? '',
      /Your browser is still logged in to 127\.0\.0\.1:\d+: log out there too/,
    );
    await until(() => fake.opened.length > 0);
    assert.deepEqual(fake.opened, [`${stub.url}hub/logout`]);
  } finally {
    dispose();
    await stub.close();
  }
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
  assert.deepEqual(confirm?.items, ['Sign Out', 'Sign Out and Stop Server']);
  assert.match(confirm?.detail ?? '', /Your server on hub\.example\.org and its kernels keep running/);
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

/** Counts the TCP connections this process opens until the test ends. */
function countDials(t: TestContext): { count: number } {
  const dials = { count: 0 };
  const proto = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => net.Socket };
  const original = Object.getOwnPropertyDescriptor(proto, 'connect');
  const connect = original?.value as (...args: unknown[]) => net.Socket;
  proto.connect = function (this: net.Socket, ...args: unknown[]) {
    dials.count++;
    return connect.apply(this, args);
  };
  t.after(() => {
    if (original) Object.defineProperty(proto, 'connect', original);
  });
  return dials;
}
