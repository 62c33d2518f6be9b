// "Hub Notebooks: Open Supported Notebook": the quick pick's items carry title, purpose, audience and the
// current version, VS Code matches on all of them, and the pick opens that concrete version read-only. Signed
// out, service missing and nothing published each end in a message with a way forward, not an empty picker.
import { fake, fakeHubs, HUB, OTHER_HUB, recordingLogger, supported } from '../../support/treeFixture';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import type * as vscode from 'vscode';
import { CatalogError } from '../../../../src/core/catalog/errors';
import { openSupportedNotebook, type SupportedPickItem } from '../../../../src/vscode/catalog/openSupported';

const log = recordingLogger().logger;
const sales = supported('sales', ['1.0.0', '1.2.0', '1.3.0'], '1.2.0', {
  title: 'Monthly sales report',
  purpose: 'Sum last month’s sales per region',
  audience: 'Regional managers',
});
const etl = supported('etl-check', ['0.1.0'], '0.1.0');

beforeEach(() => {
  fake.reset();
  fake.views.reset();
});

const picked = (label: string) => (items: unknown[]) =>
  (items as SupportedPickItem[]).find((i) => i.label === label);

test('the items carry title, version, name, purpose and audience; all of them are matched', async () => {
  const { hubs } = fakeHubs({ [HUB]: { user: 'alice', supported: [sales, etl] } });
  fake.answer.quickPick = () => undefined;
  assert.equal(await openSupportedNotebook(hubs, log), undefined);
  assert.equal(fake.progress[0]?.title, 'Loading supported notebooks…', 'progress while loading');
  const [shown] = fake.quickPicks;
  assert.equal(shown?.options?.['matchOnDescription'], true);
  assert.equal(shown?.options?.['matchOnDetail'], true);
  const items = shown?.items as SupportedPickItem[];
  assert.deepEqual(
    items.map((i) => [i.label, i.description, i.detail]),
    [
      ['etl-check', '0.1.0', 'No purpose given in its header cell'],
      [
        'Monthly sales report',
        '1.2.0 · sales',
        'Sum last month’s sales per region · Audience: Regional managers',
      ],
    ],
  );
  assert.deepEqual(fake.views.shownNotebooks, [], 'dismissing the picker opens nothing');
});

test('picking a notebook opens its current version by its concrete version number', async () => {
  const { hubs } = fakeHubs({ [HUB]: { user: 'alice', supported: [sales, etl] } });
  fake.answer.quickPick = picked('Monthly sales report');
  const uri = await openSupportedNotebook(hubs, log);
  assert.equal(uri?.toString(), 'hubnb://hub.example.org/supported/sales/1.2.0/sales.ipynb');
  assert.deepEqual(fake.views.shownNotebooks, ['hubnb://hub.example.org/supported/sales/1.2.0/sales.ipynb']);
});

test('with several hubs, each item says which hub it is on and opens there', async () => {
  const { hubs } = fakeHubs({
    [HUB]: { user: 'alice', supported: [sales] },
    [OTHER_HUB]: { user: 'alice', supported: [etl] },
  });
  fake.answer.quickPick = picked('etl-check');
  const uri = await openSupportedNotebook(hubs, log);
  const items = fake.quickPicks[0]?.items as SupportedPickItem[];
  assert.deepEqual(
    items.map((i) => i.description),
    ['0.1.0 · other.example.org', '1.2.0 · sales · hub.example.org'],
  );
  assert.equal(uri?.toString(), 'hubnb://other.example.org/supported/etl-check/0.1.0/etl-check.ipynb');
});

test('signed out: a message with Sign In, which runs the Sign In command', async () => {
  const fakes = fakeHubs({});
  fakes.signOut();
  const { hubs } = fakes;
  let signedIn = 0;
  const registration = (fake.module['commands'] as typeof vscode.commands).registerCommand(
    'hubNotebooks.signIn',
    () => signedIn++,
  );
  fake.answer.message = (m) => (m.items.includes('Sign In') ? 'Sign In' : undefined);
  try {
    assert.equal(await openSupportedNotebook(hubs, log), undefined);
    assert.match(fake.messages[0]?.message ?? '', /Sign in to your hub/);
    assert.equal(signedIn, 1);
    assert.equal(fake.quickPicks.length, 0);
  } finally {
    registration.dispose();
  }
});

test('service missing: an error naming the hub, with Show Log, and no picker', async () => {
  const missing = new CatalogError(
    'service_missing',
    'This hub has no hub-notebooks service',
    404,
    undefined,
  );
  const { hubs } = fakeHubs({ [HUB]: { user: 'alice', supported: missing } });
  assert.equal(await openSupportedNotebook(hubs, log), undefined);
  const [message] = fake.messages;
  assert.equal(message?.kind, 'error');
  assert.match(message?.message ?? '', /hub-notebooks service is not available on hub\.example\.org/);
  assert.deepEqual(message?.items, ['Show Log']);
  assert.equal(fake.quickPicks.length, 0);
});

test('nothing published yet: says so and how to publish, with no picker', async () => {
  const { hubs } = fakeHubs({ [HUB]: { user: 'alice', supported: [] } });
  assert.equal(await openSupportedNotebook(hubs, log), undefined);
  assert.match(fake.messages[0]?.message ?? '', /^No supported notebooks yet\.[^]*publish/);
  assert.equal(fake.quickPicks.length, 0);
});
