// The hub's consent page for the hub-notebooks service says why it asks to manage the user's tokens
// (issue 14 §6). JupyterHub names the client only "JupyterHub service hub-notebooks" and takes no description,
// so the config snippet installs docs/templates/oauth.html, which extends JupyterHub's own page. Other OAuth
// clients (a user's own JupyterLab) get JupyterHub's page unchanged.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { buildStartUrl, createPkcePair, createState, startLoopbackReceiver } from '../../src/core/auth';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { HubBrowser } from './support/hubBrowser';

const SERVICE = 'services/hub-notebooks/';
let hub: HubHandle;

before(async () => {
  hub = await useHub();
});

/** The page the hub shows alice when the extension's sign-in reaches its authorize step. */
async function consentPage(): Promise<string> {
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const pkce = await createPkcePair();
  const receiver = await startLoopbackReceiver({ timeoutMs: 30_000 });
  try {
    const start = buildStartUrl(new URL(`${hub.url}/`), SERVICE, {
      challenge: pkce.challenge,
      state: createState(),
      redirectUri: receiver.redirectUri,
    });
    const landing = await browser.walk(start.href, { consent: false });
    assert.equal(landing.status, 200, `the walk ended at ${new URL(landing.url).pathname}`);
    assert.match(new URL(landing.url).pathname, /\/hub\/api\/oauth2\/authorize$/);
    return landing.body;
  } finally {
    receiver.dispose();
  }
}

test("the service's consent page explains the token scope, beside JupyterHub's own form", async () => {
  const body = await consentPage();
  assert.match(body, /id="hub-notebooks-consent"/, 'the explanation is on the page');
  assert.match(body, /only to create one token for VS Code/);
  assert.match(body, /cannot create tokens itself/);
  // JupyterHub's own page is still all there: the scope list (tokens among it) and the Authorize form.
  assert.match(body, /name="scopes" value="tokens!user"/);
  assert.match(body, /Authorize<\/button>|value="Authorize"/);
  assert.ok(body.indexOf('hub-notebooks-consent') < body.indexOf('name="scopes"'), 'the note comes first');
});
