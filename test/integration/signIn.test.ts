// The browser sign-in end to end against the real hub and the real hub-notebooks service: PKCE from the
// extension to the service, the hub's login form and consent page, the one-time handoff, and sign-out.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import { revokeGrant } from '../../src/core/auth';
import { HubAuthError } from '../../src/core/hub';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient, clientWithToken } from './clients';
import { signInAs } from './support/signIn';

let hub: HubHandle;

before(async () => {
  hub = await useHub();
});

test('alice signs in through the browser, uses the token, signs out, and the token is dead', async () => {
  const started = Date.now();
  const { grant, landing } = await signInAs(hub, 'alice');
  console.log(
    `# ${hub.flavor}: browser sign-in took ${Date.now() - started} ms (${landing.trail.length} pages)`,
  );
  assert.equal(grant.user, 'alice');
  assert.equal(landing.status, 200, 'the loopback receiver answered the browser');
  assert.match(landing.body, /Signed in/);
  assert.ok(grant.expires_at, 'the token expires');
  const lifetime = Date.parse(grant.expires_at) - Date.now();
  assert.ok(
    lifetime > 6 * 24 * 3600_000 && lifetime <= 7 * 24 * 3600_000 + 60_000,
    `lifetime ${lifetime} ms`,
  );

  const client = clientWithToken(hub, grant.token);
  const me = await client.getCurrentUser();
  assert.equal(me.name, 'alice');
  assert.deepEqual(me.groups, ['team'], 'the token may read its own groups');

  // The token is narrow: it cannot read another user or mint tokens.
  const tokens = await adminClient(hub).listTokens('alice');
  const ours = tokens.find((t) => t.id === grant.token_id);
  assert.ok(ours, 'the minted token is listed for alice');
  assert.match(ours.note ?? '', /^Hub Notebooks \(VS Code\)/);
  assert.ok(
    !tokens.some((t) => /hub-notebooks/i.test(t.oauth_client ?? '') && t.id !== grant.token_id),
    'the intermediate OAuth token was deleted',
  );
  await assert.rejects(client.createToken('alice', { note: 'escalation' }), HubAuthError);

  const outcome = await revokeGrant(
    clientWithToken(hub, grant.token).transport,
    'services/hub-notebooks/',
    grant.token_id,
  );
  assert.equal(outcome, 'revoked');
  await assert.rejects(client.getCurrentUser(), HubAuthError, 'the next call with the token gets 403');
});
