// The activation bundle: it registers everything VS Code needs at once, loads the rest only when one of those
// is first used (or a session is stored), and then relays to what the rest attached.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
// The fake must be in place before the adapter module loads `vscode`.
import { fake } from '../../../support/useFakeVscode';
import { createFakeContext } from '../../../support/fakeVscode';
import { ExtensionLog } from '../../../../src/vscode/app/log';
import { CommandIds } from '../../../../src/vscode/commands/commandIds';
import {
  ExtensionShell,
  type RestModule,
  type ShellPorts,
} from '../../../../src/vscode/shell/extensionShell';
import { ViewIds } from '../../../../src/vscode/trees/treeNodes';
import { until } from '../../support/authFixture';

beforeEach(() => fake.reset());

/** A stand-in for dist/main.js that counts its loads and attaches a command table and a view's provider. */
function fakeRest() {
  const calls: string[] = [];
  let loads = 0;
  const rest = {
    HubNotebooks: class {
      private readonly attached: { dispose(): void }[];
      constructor(_context: unknown, _log: unknown, ports: ShellPorts) {
        const table = Object.fromEntries(
          Object.values(CommandIds).map((id) => [
            id,
            (...args: unknown[]) => calls.push(`${id}(${args.map(String).join()})`),
          ]),
        );
        this.attached = [
          ports.commands(table as never),
          ports.treeData(ViewIds.team, { getTreeItem: () => ({}), getChildren: () => ['bob'] }),
          ports.authentication({
            onDidChangeSessions: () => ({ dispose: () => undefined }),
            getSessions: () => Promise.resolve([{ id: 'alice' }]),
          } as never),
        ];
      }
      dispose(): void {
        this.attached.forEach((d) => d.dispose());
      }
    },
  };
  const importRest = () => {
    loads++;
    return Promise.resolve(rest as unknown as RestModule);
  };
  return { calls, importRest, loads: () => loads };
}

function makeShell(rest: ReturnType<typeof fakeRest>) {
  const context = createFakeContext();
  const log = new ExtensionLog();
  const shell = new ExtensionShell(context as never, log, rest.importRest);
  return { context, shell, dispose: () => (shell.dispose(), log.dispose()) };
}

test('activation registers every command, the provider, the file system and the views, and loads nothing', async () => {
  const rest = fakeRest();
  const { shell, dispose } = makeShell(rest);
  shell.startup();
  for (const id of Object.values(CommandIds)) assert.ok(fake.registeredCommands.has(id), id);
  assert.ok(fake.authProviders.has('hub-notebooks'));
  assert.ok(fake.files.providers.has('hubnb'));
  for (const view of Object.values(ViewIds)) assert.ok(fake.treeProviders.has(view), view);
  // No session is stored: the status bar says Sign In, and the rest stays unloaded.
  const item = fake.statusItems.at(-1);
  await until(() => item?.text === '$(sign-in) Hub Notebooks: Sign In');
  assert.equal(rest.loads(), 0);
  dispose();
});

test('the first command loads the rest once, and runs on what it attached', async () => {
  const rest = fakeRest();
  const { dispose } = makeShell(rest);
  await Promise.all([
    fake.registeredCommands.get(CommandIds.refreshTeam)?.('a'),
    fake.registeredCommands.get(CommandIds.showLog)?.(),
  ]);
  assert.equal(rest.loads(), 1);
  assert.deepEqual(rest.calls.sort(), ['hubNotebooks.refreshTeam(a)', 'hubNotebooks.showLog()']);
  dispose();
});

test('a view asking for children loads the rest and gets its provider’s answer', async () => {
  const rest = fakeRest();
  const { dispose } = makeShell(rest);
  const tree = fake.treeProviders.get(ViewIds.team) as { getChildren(): Promise<unknown[]> };
  assert.deepEqual(await tree.getChildren(), ['bob']);
  assert.equal(rest.loads(), 1);
  dispose();
});

test('a stored session loads the rest right after activation, for the account and the hub kernels', async () => {
  const rest = fakeRest();
  const { context, shell, dispose } = makeShell(rest);
  await context.secrets.store('hubNotebooks.sessions', '[]');
  shell.startup();
  await until(() => rest.loads() === 1);
  dispose();
});

test('VS Code asking for sessions with none stored gets none, without loading the rest', async () => {
  const rest = fakeRest();
  const { context, dispose } = makeShell(rest);
  const provider = fake.authProviders.get('hub-notebooks')?.provider;
  assert.deepEqual(await provider?.getSessions(undefined, {}), []);
  assert.equal(rest.loads(), 0);
  // With one stored, the question goes to the rest's provider.
  await context.secrets.store('hubNotebooks.sessions', '[]');
  assert.deepEqual(await provider?.getSessions(undefined, {}), [{ id: 'alice' }]);
  assert.equal(rest.loads(), 1);
  dispose();
});

test('a rest that cannot load is reported, with the log a click away', async () => {
  const context = createFakeContext();
  const log = new ExtensionLog();
  const shell = new ExtensionShell(context as never, log, () =>
    Promise.reject(new Error('main.js is missing')),
  );
  await assert.rejects(
    Promise.resolve(fake.registeredCommands.get(CommandIds.signIn)?.()),
    /main\.js is missing/,
  );
  assert.ok(fake.messages.some((m) => /Hub Notebooks could not start: main\.js is missing/.test(m.message)));
  shell.dispose();
  log.dispose();
});
