// My Notebooks follows what the extension does (issue 14 §6): a server started or stopped anywhere (a cell
// run's prompt, the title bar) and a file created or deleted in a home (Save a Copy, the explorer) make it list
// again, without a Refresh. Saves of existing files and changes outside a home list nothing.
import {
  fake,
  fakeHubs,
  HUB,
  contentsEntry,
  type HubData,
  look,
  recordingLogger,
  treeDeps,
  treeOf,
} from '../../support/treeFixture';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { ServerNotRunningError } from '../../../../src/core/hub';
import { settle } from '../../support/waits';
import { hubUrl } from '../../../support/hubUrls';
import { NotebookTrees } from '../../../../src/vscode/trees/notebookTrees';
import { ViewIds, type TreeNode } from '../../../../src/vscode/trees/treeNodes';

let trees: NotebookTrees | undefined;

beforeEach(() => {
  fake.reset();
  fake.views.reset();
});

afterEach(() => trees?.dispose());

type Home = Record<string, ReturnType<typeof contentsEntry>[]> | Error;

function build(home: Home) {
  const data: HubData & { home: Home } = { user: 'alice', home };
  const hubs = fakeHubs({ [HUB]: data });
  const built = treeDeps(hubs.hubs, recordingLogger().logger);
  trees = new NotebookTrees(built.deps);
  let redraws = 0;
  const provider = treeOf(ViewIds.myNotebooks) as unknown as { onDidChangeTreeData: vscode.Event<unknown> };
  provider.onDidChangeTreeData(() => redraws++);
  return {
    data,
    calls: hubs.calls,
    signOut: () => hubs.signOut(),
    servers: built.servers,
    fileChanged: built.fileChanged,
    redraws: () => redraws,
    listings: () => hubs.calls.filter((c) => c === `${HUB} list `).length,
  };
}

const Uri = () => fake.module['Uri'] as typeof vscode.Uri;
const FileChangeType = () => fake.module['FileChangeType'] as typeof vscode.FileChangeType;
const labels = (nodes: TreeNode[]) => nodes.map((n) => look(ViewIds.myNotebooks, n).label);

test('a server started elsewhere (a cell run, the title bar) makes a stopped My Notebooks list again', async () => {
  const t = build(new ServerNotRunningError('not running', { status: 424 }));
  const tree = treeOf(ViewIds.myNotebooks);
  assert.deepEqual(await tree.getChildren(), []);
  assert.equal(fake.views.contextKeys.get(`${ViewIds.myNotebooks}.state`), 'serverStopped');
  assert.equal(t.servers.get(hubUrl(HUB)), 'stopped', 'the listing told the shared states');

  t.data.home = { '': [contentsEntry('churn.ipynb')] };
  const before = t.redraws();
  t.servers.set(hubUrl(HUB), 'running');
  assert.ok(t.redraws() > before, 'the view was told to redraw');
  assert.deepEqual(labels(await tree.getChildren()), ['churn.ipynb']);
  assert.equal(t.listings(), 2, 'listed again, not served from the cache');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), true);
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverStopped'), false);
});

test('a listing that found the server stopped, answering after it was started, does not undo the start', async () => {
  const t = build(new ServerNotRunningError('not running', { status: 424 }));
  let answer = () => undefined as void;
  t.data.listGate = new Promise<void>((resolve) => (answer = resolve));
  const tree = treeOf(ViewIds.myNotebooks);
  const first = tree.getChildren();
  await settle();
  assert.equal(t.listings(), 1, 'the listing is in flight');
  // The server is started (a cell run's prompt) while the listing that found it stopped is still out.
  t.data.home = { '': [contentsEntry('churn.ipynb')] };
  delete t.data.listGate;
  t.servers.set(hubUrl(HUB), 'running');
  const before = t.redraws();
  answer();
  await first;
  assert.equal(t.servers.get(hubUrl(HUB)), 'running', 'the late answer did not record the server as stopped');
  assert.ok(t.redraws() > before, 'the view was told to redraw, since it showed an older state');
  assert.deepEqual(labels(await tree.getChildren()), ['churn.ipynb']);
  assert.equal(t.listings(), 2);
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), true);
});

test('a server stopped elsewhere flips the hub node and the title bar; the same state again lists nothing', async () => {
  const t = build({ '': [contentsEntry('churn.ipynb')] });
  const tree = treeOf(ViewIds.myNotebooks);
  await tree.getChildren();
  t.servers.set(hubUrl(HUB), 'running');
  assert.equal(t.listings(), 1, 'what the listing showed already');
  t.data.home = new ServerNotRunningError('not running', { status: 424 });
  t.servers.set(hubUrl(HUB), 'stopped');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverStopped'), true);
  assert.deepEqual(await tree.getChildren(), []);
  assert.equal(t.listings(), 2);
  assert.equal(fake.views.contextKeys.get(`${ViewIds.myNotebooks}.state`), 'serverStopped');
});

test('a file created or deleted in a home lists My Notebooks again; a save, or a team file, does not', async () => {
  const t = build({ '': [contentsEntry('churn.ipynb')] });
  const tree = treeOf(ViewIds.myNotebooks);
  await tree.getChildren();
  const { Changed, Created, Deleted } = FileChangeType();
  const uri = (path: string) => Uri().parse(`hubnb://hub.example.org${path}`);

  t.fileChanged([{ type: Changed, uri: uri('/me/churn.ipynb') }]);
  t.fileChanged([{ type: Created, uri: uri('/team/bob/notes.ipynb') }]);
  t.fileChanged([{ type: Created, uri: Uri().parse('file:///tmp/me/x.ipynb') }]);
  await tree.getChildren();
  assert.equal(t.listings(), 1, 'nothing My Notebooks shows changed');

  t.data.home = { '': [contentsEntry('churn.ipynb'), contentsEntry('churn (copy).ipynb')] };
  t.fileChanged([{ type: Created, uri: uri('/me/churn%20(copy).ipynb') }]);
  assert.deepEqual(labels(await tree.getChildren()), ['churn (copy).ipynb', 'churn.ipynb']);
  assert.equal(t.listings(), 2, 'the copy is listed without a Refresh');

  t.data.home = { '': [contentsEntry('churn.ipynb')] };
  t.fileChanged([{ type: Deleted, uri: uri('/me/churn%20(copy).ipynb') }]);
  assert.deepEqual(labels(await tree.getChildren()), ['churn.ipynb']);
  assert.equal(t.listings(), 3);
});

test('signing out forgets what was known of the servers', async () => {
  const t = build({ '': [] });
  await treeOf(ViewIds.myNotebooks).getChildren();
  assert.equal(t.servers.get(hubUrl(HUB)), 'running');
  t.signOut();
  assert.equal(t.servers.all.size, 0);
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), false);
});
