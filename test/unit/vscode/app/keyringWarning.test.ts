// The keyring warning: Linux without D-Bus only, once per install, with a Learn More link.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { fake, recordingLogger } from '../../support/authFixture';
import { FakeMemento } from '../../../support/fakeVscode';
import { KEYRING_HELP_URL, warnIfNoKeyring } from '../../../../src/vscode/app/keyringWarning';

beforeEach(() => fake.reset());

const host = (overrides: Partial<Parameters<typeof warnIfNoKeyring>[0]> = {}) => ({
  platform: 'linux' as NodeJS.Platform,
  env: {},
  remoteName: undefined,
  globalState: new FakeMemento() as never,
  ...overrides,
});

test('Linux without a D-Bus session warns once per install, and Learn More opens the guide', async () => {
  const globalState = new FakeMemento();
  fake.answer.message = () => 'Learn More';
  const log = recordingLogger();
  assert.equal(await warnIfNoKeyring(host({ globalState: globalState }), log.logger), true);
  assert.equal(await warnIfNoKeyring(host({ globalState: globalState }), log.logger), false);
  assert.equal(fake.messages.length, 1);
  assert.equal(fake.messages[0]?.kind, 'warning');
  assert.match(fake.messages[0]?.message ?? '', /weaker local encryption/);
  assert.deepEqual(fake.opened, [KEYRING_HELP_URL]);
});

test('no warning with a D-Bus session, on other platforms, or in a remote window', async () => {
  const log = recordingLogger().logger;
  assert.equal(
    await warnIfNoKeyring(host({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' } }), log),
    false,
  );
  assert.equal(await warnIfNoKeyring(host({ platform: 'darwin' }), log), false);
  assert.equal(await warnIfNoKeyring(host({ platform: 'win32' }), log), false);
  assert.equal(await warnIfNoKeyring(host({ remoteName: 'ssh-remote' }), log), false);
  assert.equal(fake.messages.length, 0);
});
