// The extension's trees and pickers as activate() wires them, over the fake vscode module, with the real core,
// hub and hub-notebooks service underneath. Each user is signed in with a token of the extension's scopes:
// alice's My Notebooks lists her home; her Team shows bob and carol and bob's notebooks; dave's Team is empty;
// after carol publishes two versions of a uniquely named notebook, alice's Supported shows both with the
// current one marked, only carol is offered Roll Back, and Open Supported Notebook finds it by its purpose and
// opens the current version through the hubnb file system.
import { fake } from '../support/useFakeVscode';

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, beforeEach, test } from 'node:test';

import { checkHubUrl, type HubUrl } from '../../src/core/auth';
import { CATALOG_ROUTES } from '../../src/core/catalog/schemas';
import { extensionTokenScopes } from '../../src/service/config';
import { activate } from '../../src/vscode/extension';
import { ContextValues, ViewIds, type TreeNode } from '../../src/vscode/trees/treeNodes';
import { createFakeContext } from '../support/fakeVscode';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { seed, storedSession } from '../unit/support/authFixture';
import { look, treeOf } from '../unit/support/treeFixture';
import { adminClient, clientWithToken } from './clients';
import { recordIssuedToken } from './support/secrets';

type User = 'alice' | 'carol' | 'dave';

const run = crypto.randomBytes(4).toString('hex');
const NAME = `trees-${run}`;
const PURPOSE = `Show the trees test ${run} a purpose`;
const EXTENSION_SCOPES = extensionTokenScopes();

let hub: HubHandle;
let hubUrl: HubUrl;
let authority: string;
const tokens: Record<User, string> = { alice: '', carol: '', dave: '' };
const minted: { user: string; id: string }[] = [];
let active: { dispose(): void } | undefined;

before(async () => {
  hub = await useHub();
  const check = checkHubUrl(`${hub.url}/`);
  if (!check.ok) throw new Error(check.reason);
  hubUrl = check.url;
  authority = new URL(hub.url).host;
  const admin = adminClient(hub);
  for (const user of ['alice', 'carol', 'dave'] as const) {
    const token = await admin.createToken(user, {
      note: `hub-notebooks trees test ${run}`,
      expiresInSeconds: 3600,
      scopes: EXTENSION_SCOPES,
    });
    recordIssuedToken(token.token);
    minted.push({ user, id: token.id });
    tokens[user] = token.token;
  }
  await clientWithToken(hub, tokens.alice).startServer('alice');
  // dave's server stays stopped, so his My Notebooks shows the no-server welcome.
  if ((await admin.listServers('dave'))['']) await admin.stopServer('dave');
});

beforeEach(() => {
  active?.dispose();
  active = undefined;
  fake.reset();
  fake.views.reset();
  fake.files.reset();
});

after(async () => {
  active?.dispose();
  const admin = adminClient(hub);
  // Leave the hub as the next file expects it: alice's server stopped (this file starts it).
  await admin.stopServer('alice');
  for (const { user, id } of minted) await admin.revokeToken(user, id).catch(() => undefined);
});

/** Activates the extension signed in as `user`, the way a window with that session stored would start. */
async function activateAs(user: User): Promise<void> {
  fake.setSetting('hubNotebooks.hubs', [hubUrl]);
  const context = createFakeContext();
  await seed(context.secrets, [
    storedSession({ id: `trees-${user}`, hubUrl, user, token: tokens[user], tokenId: null }),
  ]);
  activate(context as never);
  active = { dispose: () => context.subscriptions.forEach((s) => s.dispose()) };
}

const labels = (view: string, nodes: TreeNode[]) => nodes.map((n) => look(view, n).label);
const state = (view: string) => fake.views.contextKeys.get(`${view}.state`);

/** PUT …/api/supported/publish as carol, with a notebook whose header cell names a title and purpose. */
async function publish(version: string): Promise<void> {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: [
          `# Trees test ${run}\n`,
          '\n',
          `**Purpose:** ${PURPOSE}\n`,
          `**Audience:** Testers ${version}\n`,
        ],
      },
    ],
  };
  const params = new URLSearchParams({ name: NAME, version });
  const res = await fetch(`${hub.url}/services/hub-notebooks/${CATALOG_ROUTES.publish}?${params}`, {
    method: 'PUT',
    headers: { Authorization: `token ${tokens.carol}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(notebook),
  });
  assert.equal(res.status, 201, await res.text());
}

test("alice's My Notebooks lists her home through her running server", async () => {
  await activateAs('alice');
  const top = await treeOf(ViewIds.myNotebooks).getChildren();
  const names = labels(ViewIds.myNotebooks, top);
  for (const name of ['analysis.ipynb', 'notes.ipynb', 'team-key.ipynb'])
    assert.ok(names.includes(name), name);
  const analysis = top.find((n) => look(ViewIds.myNotebooks, n).label === 'analysis.ipynb') as TreeNode;
  assert.equal(look(ViewIds.myNotebooks, analysis).uri, `hubnb://${authority}/me/analysis.ipynb`);
  assert.equal(look(ViewIds.myNotebooks, analysis).contextValue, ContextValues.myNotebook);
  assert.equal(state(ViewIds.myNotebooks), 'ready');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), true);
});

test("alice's Team shows bob and carol, and opening bob's notebook reads it through the service", async () => {
  await activateAs('alice');
  const tree = treeOf(ViewIds.team);
  const people = await tree.getChildren();
  const names = labels(ViewIds.team, people);
  assert.ok(names.includes('bob') && names.includes('carol'), names.join(', '));
  assert.ok(!names.includes('dave'), 'dave shares no group with alice');
  assert.equal(state(ViewIds.team), 'ready');
  const bob = people[names.indexOf('bob')] as TreeNode;
  const files = await tree.getChildren(bob);
  const fileNames = labels(ViewIds.team, files);
  for (const name of ['analysis.ipynb', 'notes.ipynb'])
    assert.ok(fileNames.includes(name), fileNames.join(', '));
  const analysis = look(ViewIds.team, files[fileNames.indexOf('analysis.ipynb')] as TreeNode);
  assert.equal(analysis.uri, `hubnb://${authority}/team/bob/analysis.ipynb`);
  assert.equal(analysis.contextValue, ContextValues.teamNotebook);

  const args: unknown[] = analysis.item.command?.arguments ?? [];
  await fake.registeredCommands.get('hubNotebooks.open')?.(...args);
  assert.deepEqual(fake.views.shownNotebooks, [`hubnb://${authority}/team/bob/analysis.ipynb`]);
  const opened = fake.views.openedNotebooks[0]?.bytes;
  assert.ok(opened, 'VS Code read the notebook through the hubnb provider');
  assert.equal((JSON.parse(Buffer.from(opened).toString('utf8')) as { nbformat: number }).nbformat, 4);
});

test("dave's Team is empty and his My Notebooks says his server is stopped", async () => {
  await activateAs('dave');
  assert.deepEqual(await treeOf(ViewIds.team).getChildren(), []);
  assert.equal(state(ViewIds.team), 'empty');
  assert.deepEqual(await treeOf(ViewIds.myNotebooks).getChildren(), []);
  assert.equal(state(ViewIds.myNotebooks), 'serverStopped');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverStopped'), true);
});

test('Supported after two publishes: both versions, the current one marked, Roll Back offered to carol only', async () => {
  await publish('1.0.0');
  await publish('1.1.0');
  for (const user of ['alice', 'carol'] as const) {
    active?.dispose();
    fake.views.reset();
    await activateAs(user);
    const tree = treeOf(ViewIds.supported);
    const top = await tree.getChildren();
    const mine = top.find((n) => look(ViewIds.supported, n).label === NAME);
    assert.ok(mine, `${user} sees ${NAME}`);
    assert.equal(look(ViewIds.supported, mine).description, `Trees test ${run}`);
    const versions = (await tree.getChildren(mine)).map((n) => look(ViewIds.supported, n));
    assert.deepEqual(
      versions.map((v) => v.label),
      ['1.1.0', '1.0.0'],
    );
    assert.match(versions[0]?.description ?? '', /^current · carol/);
    assert.equal(versions[0]?.contextValue, ContextValues.supportedVersionCurrent);
    assert.equal(versions[0]?.uri, `hubnb://${authority}/supported/${NAME}/1.1.0/${NAME}.ipynb`);
    const older = user === 'carol' ? ContextValues.supportedVersionRollback : ContextValues.supportedVersion;
    assert.equal(versions[1]?.contextValue, older, `${user}'s older version`);
  }
});

test('Open Supported Notebook for alice finds the notebook by its purpose and opens the current version', async () => {
  await activateAs('alice');
  let offered: { label: string; description?: string; detail?: string }[] = [];
  fake.answer.quickPick = (items) => {
    offered = items as typeof offered;
    return offered.find((i) => i.detail?.includes(PURPOSE));
  };
  await fake.registeredCommands.get('hubNotebooks.openSupportedNotebook')?.();
  assert.equal(fake.quickPicks[0]?.options?.['matchOnDetail'], true);
  const item = offered.find((i) => i.detail?.includes(PURPOSE));
  assert.ok(item, 'the purpose is in the detail line');
  assert.equal(item.label, `Trees test ${run}`);
  assert.equal(item.description, `1.1.0 · ${NAME}`);
  assert.match(item.detail ?? '', /Audience: Testers 1\.1\.0/);
  const uri = `hubnb://${authority}/supported/${NAME}/1.1.0/${NAME}.ipynb`;
  assert.deepEqual(fake.views.shownNotebooks, [uri]);
  const bytes = fake.views.openedNotebooks[0]?.bytes;
  assert.ok(bytes);
  assert.match(Buffer.from(bytes).toString('utf8'), /Testers 1\.1\.0/);
});
