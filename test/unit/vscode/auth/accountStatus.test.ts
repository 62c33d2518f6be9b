// The status bar shows the signed-in account (click: sign out) or a sign-in entry, and keeps the
// hubNotebooks.signedIn context key in step.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import {
  HUB,
  fake,
  makeProvider,
  recordingLogger,
  seed,
  storedSession,
  until,
} from '../../support/authFixture';
import { AccountStatus } from '../../../../src/vscode/auth/accountStatus';
import { createAccountItem } from '../../../../src/vscode/auth/accountItem';

beforeEach(() => fake.reset());

const contextValues = () =>
  fake.executedCommands
    .filter((c) => c.id === 'setContext' && c.args[0] === 'hubNotebooks.signedIn')
    .map((c) => c.args[1]);

test('signed out: a sign-in entry; signed in: the account, which signs out; and back', async () => {
  const w = makeProvider();
  const status = new AccountStatus(w.provider, recordingLogger().logger, createAccountItem());
  const item = fake.statusItems.at(-1);
  await status.update();
  assert.equal(item?.text, '$(sign-in) Hub Notebooks: Sign In');
  assert.equal(item?.command, 'hubNotebooks.signIn');
  assert.equal(item?.visible, true);
  assert.equal(contextValues().at(-1), false);

  await seed(w.secrets, [storedSession()]);
  await until(() => item?.text === '$(account) alice @ hub.example.org');
  assert.equal(item?.command, 'hubNotebooks.signOut');
  assert.match(item?.tooltip ?? '', new RegExp(`alice on ${HUB.replace(/[./]/g, '\\$&')}`));
  await until(() => contextValues().at(-1) === true);

  await seed(w.secrets, [
    storedSession(),
    storedSession({ id: 'b', user: 'bob', createdAt: '2026-02-01T00:00:00.000Z' }),
  ]);
  await until(() => item?.text === '$(account) bob @ hub.example.org +1');

  await w.secrets.delete('hubNotebooks.sessions');
  await until(() => item?.command === 'hubNotebooks.signIn');
  await until(() => contextValues().at(-1) === false);
  status.dispose();
  // The item is the activation bundle's, which disposes it; the status only keeps it current.
  assert.equal(item?.disposed, false);
  w.dispose();
});
