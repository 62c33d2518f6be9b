// The service's sign-in pieces without a hub: configuration from the environment, the expiring store, and
// the OAuth client's requests (what goes to the browser, what goes to the token endpoint).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_TOKEN_EXPIRES_IN,
  loadServiceConfig,
  hubBaseFromApiUrl,
} from '../../../../src/service/config';
import { ExpiringStore } from '../../../../src/service/auth/expiringStore';
import { HubOAuthClient } from '../../../../src/service/auth/hubOAuth';
import { json, startStub } from '../../../support/httpStub';

const env = {
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api',
  JUPYTERHUB_API_TOKEN: 'service-secret',
  JUPYTERHUB_SERVICE_PREFIX: '/services/hub-notebooks/',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
  JUPYTERHUB_CLIENT_ID: 'service-hub-notebooks',
  JUPYTERHUB_OAUTH_CALLBACK_URL: '/services/hub-notebooks/oauth_callback',
};

test('OAuth settings come from the JupyterHub environment, with documented defaults', () => {
  const { oauth } = loadServiceConfig(env);
  assert.equal(oauth.clientId, 'service-hub-notebooks');
  assert.equal(oauth.callbackUrl, '/services/hub-notebooks/oauth_callback');
  assert.equal(oauth.authorizeUrl, '/hub/api/oauth2/authorize');
  assert.equal(oauth.tokenUrl, 'http://127.0.0.1:8081/hub/api/oauth2/token');
  assert.equal(oauth.tokenExpiresInSeconds, DEFAULT_TOKEN_EXPIRES_IN);
  assert.equal(oauth.handoffTtlMs, 60_000);
  assert.deepEqual(oauth.allowedRedirectOrigins, []);
  assert.ok(oauth.tokenScopes.includes('access:services!service=hub-notebooks'));
  assert.ok(!oauth.tokenScopes.some((s) => s.startsWith('tokens')), 'the extension token cannot mint tokens');
});

test('operators can change lifetime, scopes, origins and host; bad values are named', () => {
  const { oauth } = loadServiceConfig({
    ...env,
    JUPYTERHUB_HOST: 'https://hub.example.org',
    JUPYTERHUB_BASE_URL: '/jhub/',
    HUB_NOTEBOOKS_TOKEN_EXPIRES_IN: '3600',
    HUB_NOTEBOOKS_TOKEN_SCOPES: 'read:users:name!user, servers!user',
    HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS: 'https://code.example.org/',
  });
  assert.equal(oauth.authorizeUrl, 'https://hub.example.org/jhub/hub/api/oauth2/authorize');
  assert.equal(oauth.tokenExpiresInSeconds, 3600);
  assert.deepEqual(oauth.tokenScopes, ['read:users:name!user', 'servers!user']);
  assert.deepEqual(oauth.allowedRedirectOrigins, ['https://code.example.org']);
  assert.throws(
    () => loadServiceConfig({ ...env, HUB_NOTEBOOKS_TOKEN_EXPIRES_IN: '10' }),
    /TOKEN_EXPIRES_IN/,
  );
  assert.throws(() => loadServiceConfig({ ...env, HUB_NOTEBOOKS_HANDOFF_TTL_SECONDS: '600' }), /HANDOFF_TTL/);
  assert.equal(hubBaseFromApiUrl('http://hub:8081/jhub/hub/api'), 'http://hub:8081/jhub/');
});

test('the expiring store tells live, expired and unknown apart, and reports expiry once', () => {
  let now = 1000;
  const expired: string[] = [];
  const store = new ExpiringStore<string>({
    ttlMs: 100,
    maxEntries: 2,
    tombstoneMs: 1000,
    now: () => now,
    onExpire: (v) => expired.push(v),
  });
  store.set('a', 'A');
  assert.deepEqual(store.get('a'), { status: 'live', value: 'A' });
  now += 100;
  assert.deepEqual(store.get('a'), { status: 'expired', value: 'A' });
  assert.deepEqual(expired, ['A']);
  store.sweep();
  assert.deepEqual(expired, ['A'], 'expiry is reported once');
  now += 1000;
  assert.deepEqual(store.get('a'), { status: 'unknown' });
  store.set('b', 'B');
  store.set('c', 'C');
  store.set('d', 'D'); // beyond maxEntries: the oldest goes
  assert.equal(store.get('b').status, 'expired');
  assert.equal(store.size, 2);
  store.delete('c');
  assert.deepEqual(store.get('c'), { status: 'unknown' });
});

test('the browser goes to a host-relative authorize URL with PKCE S256 and the registered redirect', () => {
  const config = loadServiceConfig(env);
  const client = new HubOAuthClient(config.oauth, config.apiToken);
  const location = client.authorizeUrl({ state: 'st', codeChallenge: 'ch', scopes: ['a!user', 'b'] });
  assert.ok(location.startsWith('/hub/api/oauth2/authorize?'), location);
  const q = new URL(location, 'http://x').searchParams;
  assert.equal(q.get('client_id'), 'service-hub-notebooks');
  assert.equal(q.get('redirect_uri'), '/services/hub-notebooks/oauth_callback');
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.equal(q.get('code_challenge'), 'ch');
  assert.equal(q.get('scope'), 'a!user b');
  assert.ok(!location.includes('service-secret'));
});

test('the code exchange sends the secret in the body, the verifier, and the registered redirect string', async (t) => {
  const stub = await startStub((_req, res) =>
    json(res, 200, { access_token: 'oauth-tok', token_type: 'Bearer', expires_in: 60, scope: 'x y' }),
  );
  t.after(() => stub.close());
  const config = loadServiceConfig({ ...env, JUPYTERHUB_API_URL: `${stub.url}hub/api` });
  const client = new HubOAuthClient(config.oauth, config.apiToken);
  const token = await client.exchange(new URLSearchParams({ code: 'the-code', state: 'st' }), {
    state: 'st',
    verifier: 'v'.repeat(43),
  });
  assert.deepEqual(token, { accessToken: 'oauth-tok', scopes: ['x', 'y'] });
  const seen = stub.seen[0];
  assert.equal(seen?.url, '/hub/api/oauth2/token');
  assert.equal(seen?.headers.authorization, undefined, 'no Basic auth: the hub answers 401 to it');
  const form = new URLSearchParams(seen?.body);
  assert.equal(form.get('client_secret'), 'service-secret');
  assert.equal(form.get('client_id'), 'service-hub-notebooks');
  assert.equal(form.get('code'), 'the-code');
  assert.equal(form.get('code_verifier'), 'v'.repeat(43));
  assert.equal(form.get('redirect_uri'), '/services/hub-notebooks/oauth_callback');
  await assert.rejects(
    client.exchange(new URLSearchParams({ code: 'c', state: 'forged' }), {
      state: 'st',
      verifier: 'v'.repeat(43),
    }),
    'a state mismatch never reaches the token endpoint',
  );
  assert.equal(stub.seen.length, 1);
});
