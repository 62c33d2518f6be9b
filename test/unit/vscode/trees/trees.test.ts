// The three trees over fake hubs: what each view lists and in what order, how items look and which
// contextValue drives their menus, and the context keys that pick the welcome content (signed out, server
// stopped, empty, service missing).
import {
  fake,
  fakeHubs,
  HUB,
  OTHER_HUB,
  contentsEntry,
  look,
  recordingLogger,
  supported,
  teamEntry,
  treeDeps,
  treeOf,
} from '../../support/treeFixture';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { CatalogError } from '../../../../src/core/catalog/errors';
import { HubUnavailableError, ServerNotRunningError } from '../../../../src/core/hub';
import { NotebookTrees } from '../../../../src/vscode/trees/notebookTrees';
import { ContextValues, ViewIds, type TreeNode } from '../../../../src/vscode/trees/treeNodes';

let trees: NotebookTrees | undefined;

beforeEach(() => {
  fake.reset();
  fake.views.reset();
});

afterEach(() => trees?.dispose());

function build(data: Parameters<typeof fakeHubs>[0]) {
  const hubs = fakeHubs(data);
  const built = treeDeps(hubs.hubs, recordingLogger().logger);
  trees = new NotebookTrees(built.deps);
  return { ...hubs, servers: built.servers, fileChanged: built.fileChanged };
}

const state = (view: string) => fake.views.contextKeys.get(`${view}.state`);
const labels = (view: string, nodes: TreeNode[]) => nodes.map((n) => look(view, n).label);

test('building the trees fetches nothing; each view fetches when first asked', async () => {
  const hubs = build({ [HUB]: { user: 'alice', home: { '': [] }, teammates: [], supported: [] } });
  assert.deepEqual(hubs.calls, []);
  assert.deepEqual([...fake.views.treeViews.keys()], Object.values(ViewIds));
  await treeOf(ViewIds.team).getChildren();
  assert.deepEqual(hubs.calls, [`${HUB} listTeammates`]);
});

test('Team: teammates by name, then their folders first, then notebooks; a malformed one shows its warning', async () => {
  const hubs = build({
    [HUB]: {
      user: 'alice',
      teammates: [
        { name: 'carol', notebooks: 1, lastModified: null },
        { name: 'bob', notebooks: 3, lastModified: '2026-05-01T10:00:00.000Z' },
      ],
      teamFolders: {
        'bob/': [
          teamEntry('notes.ipynb', { header: { title: 'Notes', purpose: 'Scratch' } }),
          teamEntry('broken.ipynb', { warning: 'Not a notebook: unexpected end of JSON input' }),
          teamEntry('project', { type: 'directory' }),
        ],
        'bob/project': [teamEntry('project/model.ipynb')],
      },
    },
  });
  const tree = treeOf(ViewIds.team);
  const people = await tree.getChildren();
  assert.deepEqual(labels(ViewIds.team, people), ['bob', 'carol']);
  const bob = look(ViewIds.team, people[0] as TreeNode);
  assert.equal(bob.description, '3 notebooks');
  assert.equal(bob.contextValue, ContextValues.teammate);
  assert.equal(state(ViewIds.team), 'ready');

  const home = await tree.getChildren(people[0]);
  assert.deepEqual(labels(ViewIds.team, home), ['project', 'broken.ipynb', 'notes.ipynb']);
  const [folder, broken, notes] = home.map((n) => look(ViewIds.team, n));
  assert.equal(folder?.contextValue, ContextValues.teamFolder);
  assert.equal(folder?.item.collapsibleState, 1);
  assert.equal(notes?.contextValue, ContextValues.teamNotebook);
  assert.equal(notes?.description, 'Notes');
  assert.match(notes?.tooltip ?? '', /Purpose:\*\* Scratch/);
  assert.equal(notes?.uri, 'hubnb://hub.example.org/team/bob/notes.ipynb');
  assert.deepEqual(notes?.item.command?.arguments, [home[2]]);
  assert.equal(notes?.item.command?.command, 'hubNotebooks.open');
  assert.equal(notes?.icon, 'notebook');
  assert.equal(broken?.icon, 'warning', 'a malformed notebook has a warning icon');
  assert.match(broken?.tooltip ?? '', /Warning:\*\* Not a notebook: unexpected end of JSON input/);
  assert.equal(
    broken?.contextValue,
    ContextValues.teamNotebook,
    'it is still listed, and opens with the error',
  );

  const inside = await tree.getChildren(home[0]);
  assert.equal(
    look(ViewIds.team, inside[0] as TreeNode).uri,
    'hubnb://hub.example.org/team/bob/project/model.ipynb',
  );
  await tree.getChildren(people[0]);
  assert.equal(hubs.calls.filter((c) => c.endsWith('listTeamFolder bob/')).length, 1, 'listings are cached');
  trees?.team.refresh();
  await tree.getChildren(people[0]);
  assert.equal(
    hubs.calls.filter((c) => c.endsWith('listTeamFolder bob/')).length,
    2,
    'refresh fetches again',
  );
});

test('Supported: notebooks by name, versions newest first, the current one marked; Roll Back only for maintainers', async () => {
  const header = { title: 'Monthly sales', purpose: 'Sum sales per region', audience: 'Managers' };
  const notebooks = [
    supported('sales', ['1.0.0', '1.2.0', '1.10.0'], '1.2.0', header),
    supported('etl', ['0.1.0'], '0.1.0'),
  ];
  for (const maintainer of [false, true]) {
    trees?.dispose();
    build({ [HUB]: { user: maintainer ? 'carol' : 'alice', supported: notebooks, maintainer } });
    const tree = treeOf(ViewIds.supported);
    const top = await tree.getChildren();
    assert.deepEqual(labels(ViewIds.supported, top), ['etl', 'sales']);
    const sales = look(ViewIds.supported, top[1] as TreeNode);
    assert.equal(sales.description, 'Monthly sales');
    assert.match(sales.tooltip, /Purpose:\*\* Sum sales per region/);
    assert.match(sales.tooltip, /Current version:\*\* 1\.2\.0/);
    assert.equal(sales.contextValue, ContextValues.supportedNotebook);

    const versions = (await tree.getChildren(top[1])).map((n) => look(ViewIds.supported, n));
    assert.deepEqual(
      versions.map((v) => v.label),
      ['1.10.0', '1.2.0', '1.0.0'],
    );
    const [newer, current, older] = versions;
    assert.match(current?.description ?? '', /^current · carol/);
    assert.equal(current?.icon, 'pass-filled');
    assert.equal(current?.contextValue, ContextValues.supportedVersionCurrent);
    assert.equal(current?.uri, 'hubnb://hub.example.org/supported/sales/1.2.0/sales.ipynb');
    assert.doesNotMatch(older?.description ?? '', /current/);
    assert.equal(older?.icon, 'history');
    const notCurrent = maintainer ? ContextValues.supportedVersionRollback : ContextValues.supportedVersion;
    assert.equal(older?.contextValue, notCurrent);
    assert.equal(newer?.contextValue, notCurrent);
  }
});

test('My Notebooks: folders, then every other file of the home by name; hidden ones left out; folders listed when expanded', async () => {
  const hubs = build({
    [HUB]: {
      user: 'alice',
      home: {
        '': [
          contentsEntry('zeta.ipynb'),
          contentsEntry('data.csv', 'file'),
          contentsEntry('analysis.ipynb'),
          contentsEntry('reports', 'directory'),
          contentsEntry('.secret-notes.md', 'file'),
        ],
        reports: [contentsEntry('reports/q1.ipynb')],
      },
    },
  });
  const tree = treeOf(ViewIds.myNotebooks);
  const top = await tree.getChildren();
  assert.deepEqual(labels(ViewIds.myNotebooks, top), ['reports', 'analysis.ipynb', 'data.csv', 'zeta.ipynb']);
  const csv = look(ViewIds.myNotebooks, top[2] as TreeNode);
  assert.equal(csv.contextValue, ContextValues.myFile, 'any file opens; its menus are a file’s');
  assert.deepEqual(hubs.calls, [`${HUB} list `], 'only the home is listed until a folder is expanded');
  const analysis = look(ViewIds.myNotebooks, top[1] as TreeNode);
  assert.equal(analysis.contextValue, ContextValues.myNotebook);
  assert.equal(analysis.uri, 'hubnb://hub.example.org/me/analysis.ipynb');
  assert.equal(look(ViewIds.myNotebooks, top[0] as TreeNode).contextValue, ContextValues.myFolder);
  const reports = await tree.getChildren(top[0]);
  assert.equal(
    look(ViewIds.myNotebooks, reports[0] as TreeNode).uri,
    'hubnb://hub.example.org/me/reports/q1.ipynb',
  );
  assert.equal(state(ViewIds.myNotebooks), 'ready');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), true);
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverStopped'), false);
});

test('a stopped server is reported, never started: welcome state serverStopped and Start Server in the title bar', async () => {
  const data = {
    user: 'alice',
    home: new ServerNotRunningError('not running', { status: 424 }) as Error | Record<string, never[]>,
  };
  const hubs = build({ [HUB]: data });
  assert.deepEqual(await treeOf(ViewIds.myNotebooks).getChildren(), []);
  assert.equal(state(ViewIds.myNotebooks), 'serverStopped');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverStopped'), true);
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), false);
  assert.ok(!hubs.calls.some((c) => /start/i.test(c)), 'nothing started the server');

  data.home = { '': [] };
  trees?.myNotebooks.refresh();
  assert.deepEqual(await treeOf(ViewIds.myNotebooks).getChildren(), []);
  assert.equal(state(ViewIds.myNotebooks), 'empty', 'a running server with an empty home');
  assert.equal(fake.views.contextKeys.get('hubNotebooks.serverRunning'), true);
});

test('empty states: no teammates, no supported notebooks', async () => {
  build({ [HUB]: { user: 'dave', teammates: [], supported: [] } });
  assert.deepEqual(await treeOf(ViewIds.team).getChildren(), []);
  assert.deepEqual(await treeOf(ViewIds.supported).getChildren(), []);
  assert.equal(state(ViewIds.team), 'empty');
  assert.equal(state(ViewIds.supported), 'empty');
});

test('service missing or down: serviceMissing; another failure: error; neither breaks the view', async () => {
  const missing = new CatalogError(
    'service_missing',
    'This hub has no hub-notebooks service',
    404,
    undefined,
  );
  build({
    [HUB]: { user: 'alice', teammates: missing, supported: new HubUnavailableError('503 from the proxy') },
  });
  assert.deepEqual(await treeOf(ViewIds.team).getChildren(), []);
  assert.deepEqual(await treeOf(ViewIds.supported).getChildren(), []);
  assert.equal(state(ViewIds.team), 'serviceMissing');
  assert.equal(state(ViewIds.supported), 'serviceMissing');
  trees?.dispose();
  build({ [HUB]: { user: 'alice', teammates: new CatalogError('server_error', 'boom', 500, undefined) } });
  assert.deepEqual(await treeOf(ViewIds.team).getChildren(), []);
  assert.equal(state(ViewIds.team), 'error');
});

test('signed out: every view is empty with state signedOut, and signing out refreshes the views', async () => {
  const hubs = build({
    [HUB]: { user: 'alice', teammates: [{ name: 'bob', notebooks: 1, lastModified: null }] },
  });
  let changes = 0;
  treeOf(ViewIds.team);
  const provider = fake.treeProviders.get(ViewIds.team) as { onDidChangeTreeData(l: () => void): unknown };
  provider.onDidChangeTreeData(() => changes++);
  assert.equal((await treeOf(ViewIds.team).getChildren()).length, 1);
  hubs.signOut();
  assert.equal(changes, 1, 'the view was asked to fetch again');
  assert.deepEqual(await treeOf(ViewIds.team).getChildren(), []);
  assert.equal(state(ViewIds.team), 'signedOut');
});

test('several hubs: one node per hub; a hub with a stopped server shows a Start Server line under it', async () => {
  build({
    [HUB]: { user: 'alice', home: { '': [contentsEntry('a.ipynb')] } },
    [OTHER_HUB]: { user: 'alice2', home: new ServerNotRunningError('not running') },
  });
  const tree = treeOf(ViewIds.myNotebooks);
  const hubsNodes = await tree.getChildren();
  assert.deepEqual(labels(ViewIds.myNotebooks, hubsNodes), ['hub.example.org', 'other.example.org']);
  assert.equal(state(ViewIds.myNotebooks), 'ready');
  assert.deepEqual(labels(ViewIds.myNotebooks, await tree.getChildren(hubsNodes[0])), ['a.ipynb']);
  const [line] = await tree.getChildren(hubsNodes[1]);
  const message = look(ViewIds.myNotebooks, line as TreeNode);
  assert.match(message.label, /server on other\.example\.org is not running/);
  assert.equal(message.item.command?.command, 'hubNotebooks.startServer');
  assert.equal(message.contextValue, ContextValues.message);
  const other = look(ViewIds.myNotebooks, hubsNodes[1] as TreeNode);
  assert.equal(other.contextValue, ContextValues.myHubStopped, 'its node offers Start Server');
  assert.match(other.description ?? '', /server stopped/);
  assert.equal(look(ViewIds.myNotebooks, hubsNodes[0] as TreeNode).contextValue, ContextValues.myHubRunning);
});

test('every contextValue the trees give is one package.json menus may name', async () => {
  build({
    [HUB]: {
      user: 'carol',
      home: { '': [contentsEntry('a.ipynb'), contentsEntry('f', 'directory')] },
      teammates: [{ name: 'bob', notebooks: 1, lastModified: null }],
      teamFolders: { 'bob/': [teamEntry('x.ipynb'), teamEntry('d', { type: 'directory' })] },
      supported: [supported('s', ['1.0.0', '2.0.0'], '2.0.0')],
      maintainer: true,
    },
  });
  const seen = new Set<string>();
  const walk = async (view: string, node?: TreeNode): Promise<void> => {
    for (const child of await treeOf(view).getChildren(node)) {
      seen.add(look(view, child).contextValue ?? '');
      if (child.kind !== 'myEntry' && child.kind !== 'teamEntry') await walk(view, child);
    }
  };
  for (const view of Object.values(ViewIds)) await walk(view);
  const known = Object.values(ContextValues) as string[];
  for (const value of seen) assert.ok(known.includes(value), `${value} is in ContextValues`);
  assert.ok(seen.has(ContextValues.supportedVersionRollback));
  assert.ok(seen.has(ContextValues.supportedVersionCurrent));
});
