// The core sign-in's pure parts: PKCE, redirect and hub URL rules, the callback's reading, the session
// store, re-authentication and the per-account connection registry. No VS Code, no network.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  SESSIONS_SECRET_KEY,
  SessionStore,
  SignInError,
  buildStartUrl,
  checkHubUrl,
  checkRedirectUri,
  createPkcePair,
  createState,
  isExpired,
  isWellFormedChallenge,
  isWellFormedVerifier,
  parseAllowedOrigins,
  readCallback,
  withReauth,
  type StoredSession,
} from '../../../../src/core/auth';
import { HubAuthError, HubUnavailableError } from '../../../../src/core/hub';
import { EXAMPLE_HUB } from '../../../support/hubUrls';

test('a PKCE pair is S256: the challenge is base64url(sha256(verifier)), and pairs differ', async () => {
  const a = await createPkcePair();
  const b = await createPkcePair();
  assert.ok(isWellFormedVerifier(a.verifier), a.verifier);
  assert.ok(isWellFormedChallenge(a.challenge));
  assert.equal(a.challenge, createHash('sha256').update(a.verifier).digest('base64url'));
  assert.notEqual(a.verifier, b.verifier);
  assert.notEqual(createState(), createState());
  assert.ok(!isWellFormedVerifier('short'));
  assert.ok(!isWellFormedVerifier(`${'a'.repeat(43)} `));
});

const policy = { extensionId: 'hub-notebooks.hub-notebooks', allowedOrigins: ['https://code.example.org'] };

test('redirect URIs: loopback, this extension behind editor schemes, and configured origins only', () => {
  const allowed = [
    'http://127.0.0.1:1234/auth-callback',
    'http://[::1]:5555/x',
    'vscode://hub-notebooks.hub-notebooks/auth-callback',
    'vscode-insiders://hub-notebooks.hub-notebooks/auth-callback',
    'vscodium://hub-notebooks.hub-notebooks/auth-callback',
    'code-oss://Hub-Notebooks.Hub-Notebooks/auth-callback',
    'https://code.example.org/callback?vscode-reqid=1',
  ];
  for (const uri of allowed) assert.equal(checkRedirectUri(uri, policy).ok, true, uri);
  const refused: [string, RegExp][] = [
    ['https://evil.example/', /not allowed/],
    ['http://127.0.0.1.evil.example/', /not allowed/],
    ['http://localhost:1234/', /not allowed/],
    ['https://127.0.0.1:1234/', /not allowed/],
    ['javascript:alert(1)', /not allowed/],
    ['file:///etc/passwd', /not allowed/],
    ['vscode://other.extension/auth-callback', /another extension/],
    ['http://user@127.0.0.1:1234/', /user information/],
    ['http://u:p@127.0.0.1:1234/', /user information/],
    ['http://127.0.0.1:1234/#frag', /fragment/],
    ['https://code.example.org.evil.example/', /not allowed/],
    ['', /missing/],
    ['/relative', /absolute/],
    [`http://127.0.0.1:1/${'a'.repeat(3000)}`, /too long/],
  ];
  for (const [uri, reason] of refused) {
    const result = checkRedirectUri(uri, policy);
    assert.equal(result.ok, false, uri);
    if (!result.ok) assert.match(result.reason, reason, uri);
  }
});

test('allowed origins are parsed to bare origins, and junk is skipped', () => {
  assert.deepEqual(
    parseAllowedOrigins(' https://a.example/path , nonsense, ftp://x, http://b.example:8080 '),
    ['https://a.example', 'http://b.example:8080'],
  );
  assert.deepEqual(parseAllowedOrigins(undefined), []);
});

test('hub URLs: https anywhere, http only to loopback, normalised to the base URL', () => {
  const ok: [string, string][] = [
    ['https://hub.example.org', 'https://hub.example.org/'],
    ['https://hub.example.org/hub/login', 'https://hub.example.org/'],
    ['https://example.org/jhub/hub/', 'https://example.org/jhub/'],
    ['http://127.0.0.1:8000/', 'http://127.0.0.1:8000/'],
    ['http://localhost:8000/hub', 'http://localhost:8000/'],
    ['https://hub.example.org/user/alice/lab/tree/x.ipynb', 'https://hub.example.org/'],
    ['  http://[::1]:8000  ', 'http://[::1]:8000/'],
  ];
  for (const [raw, url] of ok) assert.deepEqual(checkHubUrl(raw), { ok: true, url }, raw);
  for (const [raw, reason] of [
    ['http://hub.example.org/', /expose your token/],
    ['ftp://hub.example.org/', /not supported/],
    ['hub.example.org', /not a URL/],
    ['https://me:pw@hub.example.org/', /user name/],
  ] as const) {
    const result = checkHubUrl(raw);
    assert.equal(result.ok, false, raw);
    if (!result.ok) assert.match(result.reason, reason);
  }
});

test('the start URL carries challenge, S256, state and redirect_uri under the service path', () => {
  const url = buildStartUrl(new URL('https://example.org/jhub/'), 'services/hub-notebooks/', {
    challenge: 'c'.repeat(43),
    state: 's1',
    redirectUri: 'http://127.0.0.1:9/auth-callback',
  });
  assert.equal(url.origin + url.pathname, 'https://example.org/jhub/services/hub-notebooks/auth/start');
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    code_challenge: 'c'.repeat(43),
    code_challenge_method: 'S256',
    state: 's1',
    redirect_uri: 'http://127.0.0.1:9/auth-callback',
  });
});

test('reading a callback: the code when the state matches, a typed error otherwise', () => {
  assert.equal(readCallback(new URLSearchParams('code=abc&state=s1'), 's1'), 'abc');
  const kinds: [string, SignInError['kind']][] = [
    ['code=abc&state=other', 'state-mismatch'],
    ['code=abc', 'state-mismatch'],
    ['state=s1', 'invalid-callback'],
    ['error=access_denied&state=s1', 'denied'],
    ['error=access_denied&error_description=forged&state=other', 'state-mismatch'],
    ['error=temporarily_unavailable&error_description=down&state=s1', 'rejected'],
  ];
  for (const [query, kind] of kinds) {
    assert.throws(
      () => readCallback(new URLSearchParams(query), 's1'),
      (err: unknown) => err instanceof SignInError && err.kind === kind,
      query,
    );
  }
});

function memorySecrets() {
  const map = new Map<string, string>();
  return {
    map,
    get: (k: string) => Promise.resolve(map.get(k)),
    store: (k: string, v: string) => Promise.resolve(void map.set(k, v)),
    delete: (k: string) => Promise.resolve(void map.delete(k)),
  };
}

function session(overrides: Partial<StoredSession> = {}): StoredSession {
  return {
    id: 'id-1',
    hubUrl: EXAMPLE_HUB,
    user: 'alice',
    token: 'tok-1',
    tokenId: 'a1',
    scopes: [],
    expiresAt: null,
    method: 'browser',
    createdAt: '2026-11-25T00:00:00Z',
    ...overrides,
  };
}

test('the session store keeps one session per hub and user, under one secret key', async () => {
  const secrets = memorySecrets();
  const store = new SessionStore(secrets);
  await store.add(session());
  await store.add(session({ id: 'id-2', user: 'bob', token: 'tok-2' }));
  await store.add(session({ id: 'id-3', token: 'tok-3' })); // alice again: replaces id-1
  assert.deepEqual((await store.list()).map((s) => s.id).sort(), ['id-2', 'id-3']);
  assert.deepEqual([...secrets.map.keys()], [SESSIONS_SECRET_KEY]);
  assert.equal((await store.remove('id-2'))?.user, 'bob');
  assert.equal(await store.remove('id-2'), undefined);
  await store.remove('id-3');
  assert.equal(secrets.map.size, 0, 'the secret is deleted with the last session');
});

test('a corrupt secret or entry is dropped, not fatal', async () => {
  const secrets = memorySecrets();
  const store = new SessionStore(secrets);
  secrets.map.set(SESSIONS_SECRET_KEY, '{not json');
  assert.deepEqual(await store.list(), []);
  secrets.map.set(SESSIONS_SECRET_KEY, JSON.stringify([session(), { id: 'broken' }]));
  assert.deepEqual(
    (await store.list()).map((s) => s.id),
    ['id-1'],
  );
});

test('expiry is read from expiresAt; null never expires', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  assert.equal(isExpired(session({ expiresAt: '2026-11-25T11:59:59Z' }), now), true);
  assert.equal(isExpired(session({ expiresAt: '2026-11-25T12:00:01Z' }), now), false);
  assert.equal(isExpired(session({ expiresAt: null }), now), false);
});

test('withReauth retries the same operation once after a successful re-sign-in', async () => {
  let calls = 0;
  let asked = 0;
  const result = await withReauth(
    () => {
      calls++;
      if (calls === 1) return Promise.reject(new HubAuthError('403', { status: 403 }));
      return Promise.resolve('saved');
    },
    () => {
      asked++;
      return Promise.resolve(true);
    },
  );
  assert.equal(result, 'saved');
  assert.equal(calls, 2);
  assert.equal(asked, 1);
});

test('withReauth gives up when the user declines, and never asks for other errors', async () => {
  const auth = new HubAuthError('403', { status: 403 });
  await assert.rejects(
    withReauth(
      () => Promise.reject(auth),
      () => Promise.resolve(false),
    ),
    (err) => err === auth,
  );
  let asked = false;
  await assert.rejects(
    withReauth(
      () => Promise.reject(new HubUnavailableError('down', { status: 503 })),
      () => Promise.resolve((asked = true)),
    ),
    HubUnavailableError,
  );
  assert.equal(asked, false);
});
