// "Open My Notebooks in Explorer": the home on the chosen hub becomes a workspace folder once, named after
// the hub, and the Explorer is shown.
import { fake, hubnb, HUB_URL } from '../../support/hubnbFixture';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import type { NotebookHubs } from '../../../../src/vscode/hub/hubAccess';
import { openMyNotebooksInExplorer } from '../../../../src/vscode/files/explorerFolder';

const hubs = {
  signedInAccounts: () => Promise.resolve([{ hubUrl: HUB_URL, user: 'alice' }]),
} as unknown as NotebookHubs;

test('adds hubnb://<hub>/me as a workspace folder once, and shows the Explorer', async () => {
  const workspace = fake.module['workspace'] as typeof vscode.workspace;
  const home = await openMyNotebooksInExplorer(hubs);
  assert.equal(home.toString(), hubnb('/me').toString());
  await openMyNotebooksInExplorer(hubs);
  const folders = workspace.workspaceFolders ?? [];
  assert.equal(folders.length, 1, 'not added twice');
  assert.equal(folders[0]?.uri.toString(), hubnb('/me').toString());
  assert.match(folders[0]?.name ?? '', /^My Notebooks \(hub\.test\)$/);
  assert.ok(fake.executedCommands.some((c) => c.id === 'workbench.view.explorer'));
});
