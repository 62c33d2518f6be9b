// The VS Code adapter over the real hub and service: the Accounts-menu provider (run against the recording
// fake of the vscode module, with the real core underneath) signs in through the loopback listener and
// through the URI handler, signs in with a pasted API token, and signs out with the token revoked.
import { fake } from '../support/useFakeVscode';

import assert from 'node:assert/strict';
import { before, beforeEach, test } from 'node:test';

import { signInWithBrowser, startLoopbackReceiver } from '../../src/core/auth';
import { HubAuthError, createHubTransport } from '../../src/core/hub';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { makeProvider, storedIn } from '../unit/support/authFixture';
import { TokenJar, adminClient, clientWithToken } from './clients';
import { HubBrowser } from './support/hubBrowser';
import { recordIssuedToken } from './support/secrets';
import { hubUrl } from '../support/hubUrls';

let hub: HubHandle;
const realCore = {
  signIn: signInWithBrowser,
  createTransport: createHubTransport,
  startLoopback: startLoopbackReceiver,
};

before(async () => {
  hub = await useHub();
});

beforeEach(() => {
  fake.reset();
  fake.setSetting('hubNotebooks.hubs', [`${hub.url}/`]);
});

async function loggedInBrowser(user: 'alice' | 'bob'): Promise<HubBrowser> {
  const browser = new HubBrowser(hub.url);
  await browser.login(user, hub.passwords[user]);
  return browser;
}

test('loopback mode: sign in through the real hub, use the token, sign out, and the token is dead', async () => {
  fake.setSetting('hubNotebooks.signIn.callback', 'loopback');
  const browser = await loggedInBrowser('alice');
  const walks: Promise<unknown>[] = [];
  fake.answer.openExternal = (url) => {
    walks.push(browser.walk(url));
    return true;
  };
  const w = makeProvider({ deps: realCore });
  try {
    const session = await w.provider.createSession([]);
    recordIssuedToken(session.accessToken);
    await Promise.all(walks);
    assert.match(session.account.label, /^alice @ 127\.0\.0\.1:\d+$/);
    assert.equal((await clientWithToken(hub, session.accessToken).getCurrentUser()).name, 'alice');
    assert.deepEqual(
      (await w.provider.getSessions()).map((s) => s.id),
      [session.id],
    );
    assert.ok(!JSON.stringify([...fake.settings]).includes(session.accessToken), 'no token in settings');
    assert.ok(!w.log.lines.join('\n').includes(session.accessToken), 'no token in the log');

    await w.provider.removeSession(session.id);
    await assert.rejects(clientWithToken(hub, session.accessToken).getCurrentUser(), HubAuthError);
    assert.deepEqual(storedIn(w.secrets), []);
    assert.deepEqual(await w.provider.getSessions(), []);
  } finally {
    w.dispose();
  }
});

test("URI-handler mode: the service's page returns to vscode://…, and the handler completes the sign-in", async () => {
  fake.setSetting('hubNotebooks.signIn.callback', 'uri');
  const browser = await loggedInBrowser('bob');
  const handedOff: string[] = [];
  fake.answer.openExternal = (url) => {
    void browser.walk(url, { stopAt: (u) => u.protocol === 'vscode:' }).then((landing) => {
      // The browser hands vscode:// links to the editor, which calls the extension's URI handler.
      handedOff.push(landing.url);
      const Uri = fake.module['Uri'] as { parse(s: string): unknown };
      for (const handler of fake.uriHandlers) void handler.handleUri(Uri.parse(landing.url) as never);
    });
    return true;
  };
  const w = makeProvider({ deps: realCore });
  try {
    const session = await w.provider.createSession([]);
    recordIssuedToken(session.accessToken);
    assert.equal(handedOff.length, 1);
    assert.match(handedOff[0] ?? '', /^vscode:\/\/hub-notebooks\.hub-notebooks\/auth-callback\?code=/);
    assert.equal((await clientWithToken(hub, session.accessToken).getCurrentUser()).name, 'bob');
    await w.provider.removeSession(session.id);
    await assert.rejects(clientWithToken(hub, session.accessToken).getCurrentUser(), HubAuthError);
  } finally {
    w.dispose();
  }
});

test('API-token fallback: an invalid paste stores nothing; a valid one signs in and is revoked at sign-out', async () => {
  const jar = new TokenJar(hub);
  const w = makeProvider({ deps: realCore });
  try {
    fake.answer.inputBox = () => 'not-a-real-token';
    await assert.rejects(w.provider.signInWithToken([]), /did not accept this token/);
    assert.deepEqual(storedIn(w.secrets), []);
    assert.ok(
      fake.opened.some((u) => u.endsWith('/hub/token')),
      'the token page was opened',
    );

    const client = await jar.client('alice');
    const pasted = (await client.transport.request({ method: 'GET', path: 'hub/api/user' })).status;
    assert.equal(pasted, 200);
    const created = await client.createToken('alice', { note: 'pasted by the test', expiresInSeconds: 600 });
    recordIssuedToken(created.token);
    fake.answer.inputBox = () => created.token;
    const session = await w.provider.signInWithToken([]);
    assert.equal(session.account.label.split(' @ ')[0], 'alice');
    await w.provider.removeSession(session.id);
    const revoked = clientWithToken(hub, created.token).getCurrentUser();
    if (hub.flavor === 'pypi') await assert.rejects(revoked, HubAuthError);
    else {
      // 3.0 does not say which token is calling, so the user is told to revoke it on the token page.
      assert.equal((await revoked).name, 'alice');
      assert.ok(
        fake.messages.some((m) => /\/hub\/token/.test(m.message)),
        'the user is told where to revoke it',
      );
    }
  } finally {
    w.dispose();
    await jar.revokeAll();
  }
});

test('a token revoked on the hub: the next call offers to sign in again, then the same operation succeeds', async () => {
  fake.setSetting('hubNotebooks.signIn.callback', 'loopback');
  const browser = await loggedInBrowser('alice');
  fake.answer.openExternal = (url) => {
    void browser.walk(url);
    return true;
  };
  const w = makeProvider({ deps: realCore });
  const sessions = w.accounts;
  try {
    const first = await w.provider.createSession([]);
    recordIssuedToken(first.accessToken);
    const firstId = storedIn(w.secrets)[0]?.tokenId;
    assert.ok(firstId);
    await adminClient(hub).revokeToken('alice', firstId);
    fake.answer.message = (m) => (m.items.includes('Sign In Again') ? 'Sign In Again' : undefined);
    let attempts = 0;
    const me = await sessions.run(hubUrl(`${hub.url}/`), (account) => {
      attempts++;
      return account.hub.getCurrentUser();
    });
    assert.equal(me.name, 'alice');
    assert.equal(attempts, 2, 'the operation ran again after the new sign-in');
    assert.ok(fake.messages.some((m) => /expired or was revoked/.test(m.message)));
    const [second] = await w.provider.getSessions([`hub:${hub.url}/`]);
    assert.ok(second && second.accessToken !== first.accessToken);
    recordIssuedToken(second.accessToken);
    await w.provider.removeSession(second.id);
  } finally {
    w.dispose();
  }
});
