// HubKernelControllers over scripted accounts: one controller per kernel spec of each signed-in account's
// server, with stable ids and labels from the display names; cached specs while a server is stopped; affinity
// for the hub's own notebooks; the handlers run cells on NotebookKernels that closing a notebook disposes.
import { ExecutionLog, fake, HUB, kernelDeps, notebookOf, until, uriOf } from '../../support/kernelFixture';

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { EventEmitter, FakeMemento, type FakeController } from '../../../support/fakeVscode';
import {
  HubKernelControllers,
  type KernelControllersDeps,
} from '../../../../src/vscode/kernels/kernelControllers';
import { hubUrl } from '../../../support/hubUrls';
import type { HubUrl } from '../../../../src/core/auth';

type ExecuteHandler = (
  cells: vscode.NotebookCell[],
  notebook: vscode.NotebookDocument,
  controller: vscode.NotebookController,
) => Promise<void>;
type InterruptHandler = (notebook: vscode.NotebookDocument) => Promise<void>;

const PREFERRED = 2;
const HUB_B = hubUrl('https://hub-b.test:8443/jhub/');
const PYTHON = ['python3', 'Python 3 (ipykernel)', 'python'] as [string, string, string];
const R = ['ir', 'R', 'R'] as [string, string, string];
const CACHE_KEY = `hubNotebooks.kernelSpecs:${HUB}|alice`;
const SPECS = [
  { name: 'python3', displayName: 'Python 3 (ipykernel)', language: 'python' },
  { name: 'ir', displayName: 'R', language: 'R' },
];

const live: HubKernelControllers[] = [];

beforeEach(() => {
  fake.reset();
  fake.files.reset();
});

afterEach(() => {
  for (const controllers of live.splice(0)) controllers.dispose();
  // A failed test must not leave ids behind for the next one.
  fake.notebooks.controllers.clear();
});

/** A signed-in account of HubKernelControllers: its server's kernelspecs answer, undefined when it is stopped. */
interface AccountSpec {
  hubUrl: HubUrl;
  specs: unknown;
}

/** The dependencies of HubKernelControllers over signed-in accounts that `signOut()` forgets. */
function controllersDeps(accounts: AccountSpec[], globalState = new FakeMemento()) {
  const setup = kernelDeps({ specs: (hubUrl) => accounts.find((a) => a.hubUrl === hubUrl)?.specs });
  let signedIn = accounts.map((a) => a.hubUrl);
  const changed = new EventEmitter<void>();
  const deps: KernelControllersDeps = {
    ...setup.deps,
    clients: {
      ...setup.deps.clients,
      signedInAccounts: () => Promise.resolve(signedIn.map((hubUrl) => ({ hubUrl, user: setup.user }))),
      account: (hubUrl: string) => Promise.resolve(setup.accountOf(hubUrl)),
      onDidChange: changed.event,
    },
    globalState,
    workspaceState: setup.memento,
  };
  const signOut = () => {
    signedIn = [];
    changed.fire();
  };
  return { ...setup, deps, globalState, signOut };
}

/** A kernelspecs answer of a server: `[name, display name, language]`, the first being the default. */
function specsBody(...specs: [string, string, string][]) {
  return {
    default: specs[0]?.[0],
    kernelspecs: Object.fromEntries(
      specs.map(([name, display_name, language]) => [name, { name, spec: { display_name, language } }]),
    ),
  };
}

/** HubKernelControllers over the accounts, once it has built `count` controllers. */
async function build(accounts: AccountSpec[], count: number, globalState = new FakeMemento()) {
  const k = controllersDeps(accounts, globalState);
  const controllers = new HubKernelControllers(k.deps);
  live.push(controllers);
  await until(() => fake.notebooks.controllers.size === count);
  return { ...k, controllers };
}

function controller(id: string): FakeController {
  const found = fake.notebooks.controllers.get(id);
  assert.ok(found, `no controller ${id}`);
  return found;
}

/** What a controller shows in the kernel picker. */
function shown(c: FakeController) {
  const { id, notebookType, label, description, supportedLanguages, supportsExecutionOrder } = c;
  return { id, notebookType, label, description, supportedLanguages, supportsExecutionOrder };
}

/** Lets the fake controller create executions, which the fake vscode module does not do. */
function withExecutions(c: FakeController, log: ExecutionLog): vscode.NotebookController {
  Object.assign(c, { createNotebookCellExecution: log.create });
  return c as unknown as vscode.NotebookController;
}

test('one account: a controller per kernel spec, labelled by display name, with stable ids; specs are cached', async () => {
  const k = await build([{ hubUrl: HUB, specs: specsBody(PYTHON, R) }], 2);
  assert.deepEqual([...fake.notebooks.controllers.values()].map(shown), [
    {
      id: 'hub-notebooks:hub.test:alice:default',
      notebookType: 'jupyter-notebook',
      label: 'Hub kernel (hub: alice)',
      description: 'Python 3 (ipykernel) · hub.test',
      supportedLanguages: ['python'],
      supportsExecutionOrder: true,
    },
    {
      id: 'hub-notebooks:hub.test:alice:ir',
      notebookType: 'jupyter-notebook',
      label: 'R (hub: alice)',
      description: 'hub.test',
      supportedLanguages: ['R'],
      supportsExecutionOrder: true,
    },
  ]);
  assert.deepEqual(k.globalState.values.get(CACHE_KEY), SPECS);
  assert.deepEqual(k.transports.get(HUB)?.requests, ['GET user/alice/api/kernelspecs']);
  const all = [...fake.notebooks.controllers.values()];
  k.controllers.dispose();
  assert.deepEqual(
    all.map((c) => c.disposed),
    [true, true],
  );
});

test('the default controller resolves the default kernel when it opens a session; the others name theirs', async () => {
  const k = await build([{ hubUrl: HUB, specs: specsBody(PYTHON, R) }], 2);
  const { notebook, cells } = notebookOf(uriOf('hubnb', 'hub.test', '/me/a.ipynb'), ['x']);
  const log = new ExecutionLog();
  const byDefault = controller('hub-notebooks:hub.test:alice:default');
  const ir = controller('hub-notebooks:hub.test:alice:ir');

  const first = (byDefault.executeHandler as ExecuteHandler)(cells, notebook, withExecutions(byDefault, log));
  await until(() => k.client.sessions[0]?.runs[0] !== undefined);
  k.client.sessions[0]!.runs[0]!.done('ok', 1, 1);
  await first;
  assert.equal(k.client.opens[0]?.kernelName, 'python3');
  assert.equal(k.client.specCalls, 1);
  // A session on a server that just started lists the specs again.
  await until(() => k.transports.get(HUB)?.requests.length === 2);

  const second = (ir.executeHandler as ExecuteHandler)(cells, notebook, withExecutions(ir, log));
  await until(() => k.client.sessions[1]?.runs[0] !== undefined);
  await (ir.interruptHandler as InterruptHandler)(notebook);
  assert.deepEqual(k.client.sessions[1]!.calls, ['interrupt']);
  assert.deepEqual(k.client.sessions[0]!.calls, [], 'the other controller’s kernel is left alone');
  k.client.sessions[1]!.runs[0]!.done('ok', 1, 1);
  await second;
  assert.equal(k.client.opens[1]?.kernelName, 'ir');
  assert.equal(k.client.specCalls, 1);
  const oneRun = ['0 start', '0 clear', '0 order 1', '0 end true'];
  assert.deepEqual(log.lines, [...oneRun, ...oneRun]);
});

test('a stopped server offers the cached specs', async () => {
  const globalState = new FakeMemento();
  globalState.values.set(CACHE_KEY, SPECS);
  await build([{ hubUrl: HUB, specs: undefined }], 2, globalState);
  assert.deepEqual(
    [...fake.notebooks.controllers.values()].map((c) => [c.id, c.label]),
    [
      ['hub-notebooks:hub.test:alice:default', 'Hub kernel (hub: alice)'],
      ['hub-notebooks:hub.test:alice:ir', 'R (hub: alice)'],
    ],
  );
});

test('a stopped server that never listed its specs offers one "Hub kernel"', async () => {
  const k = await build([{ hubUrl: HUB, specs: undefined }], 1);
  assert.deepEqual(shown(controller('hub-notebooks:hub.test:alice:default')), {
    id: 'hub-notebooks:hub.test:alice:default',
    notebookType: 'jupyter-notebook',
    label: 'Hub kernel (hub: alice)',
    description: 'hub.test',
    supportedLanguages: ['python'],
    supportsExecutionOrder: true,
  });
  assert.equal(k.globalState.values.has(CACHE_KEY), false, 'nothing is cached from a stopped server');
});

test('the default kernel keeps its name when its server first lists the specs', async () => {
  const account: AccountSpec = { hubUrl: HUB, specs: undefined };
  const k = await build([account], 1);
  const before = controller('hub-notebooks:hub.test:alice:default');
  assert.equal(before.label, 'Hub kernel (hub: alice)');
  account.specs = specsBody(PYTHON, R);
  k.controllers.refresh();
  await until(() => fake.notebooks.controllers.size === 2);
  const after = controller('hub-notebooks:hub.test:alice:default');
  assert.equal(after, before, 'the same controller');
  assert.equal(after.label, 'Hub kernel (hub: alice)');
  assert.equal(after.description, 'Python 3 (ipykernel) · hub.test');
});

test('two accounts on two hubs: labels name the user at the host', async () => {
  await build(
    [
      { hubUrl: HUB, specs: specsBody(PYTHON) },
      { hubUrl: HUB_B, specs: specsBody(PYTHON) },
    ],
    2,
  );
  assert.deepEqual(
    [...fake.notebooks.controllers.values()].map((c) => [c.id, c.label, c.description]),
    [
      [
        'hub-notebooks:hub.test:alice:default',
        'Hub kernel (hub: alice@hub.test)',
        'Python 3 (ipykernel) · hub.test',
      ],
      [
        'hub-notebooks:hub-b.test:8443:alice:default',
        'Hub kernel (hub: alice@hub-b.test:8443)',
        'Python 3 (ipykernel) · hub-b.test:8443',
      ],
    ],
  );
});

test('a hub notebook is preferred by its hub’s default controller; local and other notebooks by none', async () => {
  const alreadyOpen = notebookOf(uriOf('hubnb', 'hub-b.test:8443', '/me/b.ipynb'), []).notebook;
  fake.files.notebookDocuments.push(alreadyOpen as never);
  await build(
    [
      { hubUrl: HUB, specs: specsBody(PYTHON, R) },
      { hubUrl: HUB_B, specs: specsBody(PYTHON) },
    ],
    3,
  );
  const mine = notebookOf(uriOf('hubnb', 'hub.test', '/team/bob/a.ipynb'), []).notebook;
  const local = notebookOf(uriOf('file', '', '/home/me/local.ipynb'), []).notebook;
  // Another scheme at the hub's authority is not a hub notebook either.
  const other = notebookOf(uriOf('vscode-vfs', 'hub.test', '/me/a.ipynb'), []).notebook;
  for (const notebook of [mine, local, other]) fake.notebooks.opened.fire(notebook);
  assert.deepEqual(
    [...fake.notebooks.controllers.values()].map((c) => [c.id, [...c.affinity]]),
    [
      ['hub-notebooks:hub.test:alice:default', [[mine.uri.toString(), PREFERRED]]],
      ['hub-notebooks:hub.test:alice:ir', []],
      ['hub-notebooks:hub-b.test:8443:alice:default', [[alreadyOpen.uri.toString(), PREFERRED]]],
    ],
  );
});

test('signing out of every account disposes the controllers', async () => {
  const k = await build([{ hubUrl: HUB, specs: specsBody(PYTHON, R) }], 2);
  const all = [...fake.notebooks.controllers.values()];
  k.signOut();
  await until(() => fake.notebooks.controllers.size === 0);
  assert.deepEqual(
    all.map((c) => c.disposed),
    [true, true],
  );
});

test('closing a notebook disposes its kernel; running it again opens a new session', async () => {
  const k = await build([{ hubUrl: HUB, specs: specsBody(PYTHON) }], 1);
  const { notebook, cells } = notebookOf(uriOf('hubnb', 'hub.test', '/me/a.ipynb'), ['x']);
  const c = controller('hub-notebooks:hub.test:alice:default');
  const handler = c.executeHandler as ExecuteHandler;
  const vsController = withExecutions(c, new ExecutionLog());
  const runOnce = async (n: number) => {
    const running = handler(cells, notebook, vsController);
    await until(() => k.client.sessions[n]?.runs[0] !== undefined);
    k.client.sessions[n]!.runs[0]!.done('ok', 1, 1);
    await running;
  };
  await runOnce(0);
  assert.equal(k.client.sessions[0]!.disposed, false);
  fake.notebooks.closed.fire(notebook);
  assert.equal(k.client.sessions[0]!.disposed, true);
  await runOnce(1);
  assert.equal(k.client.opens.length, 2);
});
