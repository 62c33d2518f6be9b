// The tree items' commands: Open (and the provider's error when a file cannot be opened), Open Version…,
// Copy Path, Open in Browser, Save a Copy, Roll Back (confirmed, refused), Refresh, Start Server, and
// Open Teammate's Notebook….
import {
  fake,
  fakeHubs,
  HUB,
  contentsEntry,
  recordingLogger,
  supported,
  teamEntry,
  treeOf,
  treeDeps,
} from '../../support/treeFixture';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { CatalogError } from '../../../../src/core/catalog/errors';
import { CommandIds, type CommandId } from '../../../../src/vscode/commands/commandIds';
import { notebookCommands } from '../../../../src/vscode/catalog/notebookCommands';
import { openTeammateNotebook } from '../../../../src/vscode/catalog/openTeammate';
import { serverCommands } from '../../../../src/vscode/hub/serverCommands';
import { NotebookTrees } from '../../../../src/vscode/trees/notebookTrees';
import { ViewIds, type TreeNode } from '../../../../src/vscode/trees/treeNodes';
import { reportingFailures } from '../../../../src/vscode/commands/commandFailures';

const log = recordingLogger().logger;
const disposables: { dispose(): unknown }[] = [];

beforeEach(() => {
  fake.reset();
  fake.views.reset();
});

afterEach(() => disposables.splice(0).forEach((d) => d.dispose()));

const sales = supported('sales', ['1.0.0', '1.1.0'], '1.1.0');

function setup(extra: Partial<Parameters<typeof fakeHubs>[0][string]> = {}) {
  const hubs = fakeHubs({
    [HUB]: {
      user: 'alice',
      home: { '': [contentsEntry('reports', 'directory')], reports: [contentsEntry('reports/q 1.ipynb')] },
      teammates: [{ name: 'bob', notebooks: 2, lastModified: null }],
      teamFolders: {
        'bob/': [
          teamEntry('x.ipynb', { header: { title: 'X', purpose: 'Explore x' } }),
          teamEntry('bad.ipynb'),
        ],
      },
      supported: [sales],
      maintainer: true,
      ...extra,
    },
  });
  const built = treeDeps(hubs.hubs, log);
  const trees = new NotebookTrees(built.deps);
  disposables.push(trees);
  const record = { saved: [] as string[], checks: 0, started: [] as string[] };
  const deps = {
    hubs: hubs.hubs,
    trees,
    servers: {
      startServer: (hub: string) => Promise.resolve(record.started.push(hub)),
      stopServer: () => Promise.resolve(true),
    },
    saveCopy: (uri: vscode.Uri) => Promise.resolve(record.saved.push(uri.toString())),
    remoteChanges: { checkNow: () => Promise.resolve(record.checks++) },
    log,
  };
  const unusedAccounts = {
    account: () => Promise.reject(new Error('not used')),
    useServer: () => Promise.reject(new Error('not used')),
  };
  const table = {
    ...notebookCommands(deps),
    ...serverCommands({ ...deps, states: built.servers, accounts: unusedAccounts }),
  };
  // As registerCommands wraps them, so failures are reported the one way every command reports them.
  const failures = { logger: log, showLog: () => undefined, promptSignIn: () => undefined };
  const commands = Object.fromEntries(
    Object.entries(table).map(([id, handler]) => [id, reportingFailures(id as CommandId, handler, failures)]),
  ) as Record<keyof typeof table, (...args: unknown[]) => Promise<unknown>>;
  return { hubs, trees, record, commands };
}

async function nodes(view: string, ...path: number[]): Promise<TreeNode[]> {
  let list = await treeOf(view).getChildren();
  for (const i of path) list = await treeOf(view).getChildren(list[i]);
  return list;
}

function registerProvider(readFile: (uri: vscode.Uri) => Promise<Uint8Array>) {
  const workspace = fake.module['workspace'] as typeof vscode.workspace;
  disposables.push(workspace.registerFileSystemProvider('hubnb', { readFile } as never, {}));
}

test('Open reads through the hubnb provider; a file it cannot read shows the provider’s message', async () => {
  const { commands } = setup();
  registerProvider((uri) =>
    uri.path.endsWith('bad.ipynb')
      ? Promise.reject(new Error('bad.ipynb is not a valid notebook: Unexpected end of JSON input.'))
      : Promise.resolve(new TextEncoder().encode('{}')),
  );
  const [bad, x] = await nodes(ViewIds.team, 0);
  await commands[CommandIds.open](x);
  assert.deepEqual(fake.views.shownNotebooks, ['hubnb://hub.example.org/team/bob/x.ipynb']);
  await commands[CommandIds.open](bad);
  assert.equal(fake.views.shownNotebooks.length, 1);
  assert.equal(
    fake.messages.at(-1)?.message,
    'Could not open bad.ipynb: bad.ipynb is not a valid notebook: Unexpected end of JSON input.',
  );
});

test('Copy Path copies the hubnb URI; Save a Copy hands the URI to saveCopy', async () => {
  const { commands, record } = setup();
  const [, x] = await nodes(ViewIds.team, 0);
  await commands[CommandIds.copyPath](x);
  assert.equal(fake.views.clipboard, 'hubnb://hub.example.org/team/bob/x.ipynb');
  await commands[CommandIds.saveCopy](x);
  assert.deepEqual(record.saved, ['hubnb://hub.example.org/team/bob/x.ipynb']);
});

test('Open in Browser opens JupyterLab on the hub for own and team files, never with a token', async () => {
  const { commands } = setup();
  const [q1] = await nodes(ViewIds.myNotebooks, 0);
  await commands[CommandIds.openInBrowser](q1);
  const [, x] = await nodes(ViewIds.team, 0);
  await commands[CommandIds.openInBrowser](x);
  assert.deepEqual(fake.opened, [
    'https://hub.example.org/user/alice/lab/tree/alice/reports/q%201.ipynb',
    'https://hub.example.org/user/alice/lab/tree/bob/x.ipynb',
  ]);
  const [version] = await nodes(ViewIds.supported, 0);
  await commands[CommandIds.openInBrowser](version);
  assert.equal(fake.opened.length, 2, 'supported notebooks have no JupyterLab page');
  assert.match(fake.messages.at(-1)?.message ?? '', /no page in JupyterLab/);
});

test('Open Version… lists the versions newest first with the current one marked, and opens the pick', async () => {
  const { commands } = setup();
  const [notebook] = await nodes(ViewIds.supported);
  fake.answer.quickPick = (items) => items[1];
  await commands[CommandIds.openVersion](notebook);
  const items = fake.quickPicks[0]?.items as { label: string; description: string }[];
  assert.deepEqual(
    items.map((i) => [i.label, i.description]),
    [
      ['1.1.0', 'current'],
      ['1.0.0', ''],
    ],
  );
  assert.deepEqual(fake.views.shownNotebooks, ['hubnb://hub.example.org/supported/sales/1.0.0/sales.ipynb']);
});

test('Roll Back asks in a modal, rolls back, tells the result and refreshes Supported', async () => {
  const rolled: string[] = [];
  const { commands, hubs } = setup({
    rollback: (name, version) => {
      rolled.push(`${name}@${version}`);
      return Promise.resolve({ ...sales, currentVersion: version });
    },
  });
  const [, older] = await nodes(ViewIds.supported, 0);
  await commands[CommandIds.rollback](older);
  const confirm = fake.messages[0];
  assert.equal(confirm?.modal, true);
  assert.equal(confirm?.message, 'Roll sales back to version 1.0.0?');
  assert.deepEqual(rolled, [], 'declining rolls nothing back');

  fake.answer.message = (m) => (m.modal ? 'Roll Back' : undefined);
  const listed = hubs.calls.filter((c) => c.endsWith('listSupported')).length;
  await commands[CommandIds.rollback](older);
  assert.deepEqual(rolled, ['sales@1.0.0']);
  assert.equal(fake.messages.at(-1)?.message, 'sales is now at version 1.0.0.');
  await nodes(ViewIds.supported);
  assert.equal(
    hubs.calls.filter((c) => c.endsWith('listSupported')).length,
    listed + 1,
    'Supported was refreshed',
  );
});

test('Roll Back refused by the service shows the service’s message', async () => {
  const refusal = new CatalogError('forbidden', 'Only notebook maintainers may roll back', 403, undefined);
  const { commands } = setup({ rollback: () => Promise.reject(refusal) });
  const [, older] = await nodes(ViewIds.supported, 0);
  fake.answer.message = (m) => (m.modal ? 'Roll Back' : undefined);
  await commands[CommandIds.rollback](older);
  const error = fake.messages.at(-1);
  assert.equal(error?.kind, 'error');
  assert.match(
    error?.message ?? '',
    /^Hub Notebooks could not roll back: Only notebook maintainers may roll back\./,
  );
});

test('Refresh lists the view again and checks open files for remote changes', async () => {
  const { commands, hubs, record } = setup();
  await nodes(ViewIds.team);
  await commands[CommandIds.refreshTeam]();
  await nodes(ViewIds.team);
  assert.equal(hubs.calls.filter((c) => c.endsWith('listTeammates')).length, 2);
  assert.equal(record.checks, 1);
});

test('Start Server with one hub starts it there; My Notebooks lists again only when the state changed', async () => {
  const { commands, record, hubs } = setup();
  await nodes(ViewIds.myNotebooks);
  await commands[CommandIds.startServer]();
  assert.deepEqual(record.started, [HUB]);
  await nodes(ViewIds.myNotebooks);
  // The fake start changes no server state (the listing already saw it running), so nothing is listed again;
  // trees.test.ts shows the listing that follows a change of state.
  assert.equal(hubs.calls.filter((c) => c.endsWith('list ')).length, 1);
});

test("Open Teammate's Notebook… picks a teammate, then a notebook matched on title and purpose", async () => {
  const { hubs } = setup();
  fake.answer.quickPick = (items) =>
    (items as { label: string }[]).find((i) => i.label === 'bob' || i.label.endsWith('x.ipynb'));
  const uri = await openTeammateNotebook(hubs.hubs, log);
  assert.equal(uri?.toString(), 'hubnb://hub.example.org/team/bob/x.ipynb');
  const files = fake.quickPicks[1];
  assert.equal(files?.options?.['matchOnDetail'], true);
  assert.deepEqual(
    (files?.items as { label: string; description?: string; detail?: string }[]).map((i) => [
      i.label,
      i.description,
      i.detail,
    ]),
    [
      ['$(notebook) bad.ipynb', undefined, undefined],
      ['$(notebook) x.ipynb', 'X', 'Explore x'],
    ],
  );
});
