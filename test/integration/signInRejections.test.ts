// The sign-in's bad inputs, each against the real hub and service: every one gets its specific rejection,
// changes nothing, and leaves an existing session working.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  SignInError,
  buildStartUrl,
  createPkcePair,
  createState,
  readCallback,
  redeemHandoff,
  signInWithBrowser,
  startLoopbackReceiver,
  validatePastedToken,
  type TokenGrant,
} from '../../src/core/auth';
import { HubAuthError, createHubTransport } from '../../src/core/hub';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient, clientWithToken } from './clients';
import { HubBrowser } from './support/hubBrowser';
import { restartServiceThroughHub, withHubPaused } from './support/serviceProcess';
import { anonymousTransport, signInAs } from './support/signIn';
import { recordIssuedToken } from './support/secrets';

const SERVICE = 'services/hub-notebooks/';
let hub: HubHandle;
let existing: TokenGrant;

before(async () => {
  hub = await useHub();
  existing = (await signInAs(hub, 'bob')).grant;
});

after(async () => {
  if (existing)
    await adminClient(hub)
      .revokeToken('bob', existing.token_id)
      .catch(() => undefined);
});

/** The session signed in before the bad input still works. */
async function assertExistingIntact(): Promise<void> {
  const me = await clientWithToken(hub, existing.token).getCurrentUser();
  assert.equal(me.name, 'bob', 'the existing session still works');
}

/** A logged-in browser paused where the hub sends it to the service's callback (not yet requested). */
async function pausedAtCallback(user: 'alice' | 'carol' = 'alice') {
  const browser = new HubBrowser(hub.url);
  await browser.login(user, hub.passwords[user]);
  const pkce = await createPkcePair();
  const state = createState();
  const receiver = await startLoopbackReceiver({ timeoutMs: 30_000 });
  const start = buildStartUrl(new URL(`${hub.url}/`), SERVICE, {
    challenge: pkce.challenge,
    state,
    redirectUri: receiver.redirectUri,
  });
  const landing = await browser.walk(start.href, { stopAt: (u) => u.pathname.endsWith('/oauth_callback') });
  const callback = new URL(landing.url);
  assert.ok(callback.searchParams.get('code') && callback.searchParams.get('state'), 'the hub issued a code');
  return { browser, pkce, state, receiver, callback };
}

/** Follows a callback URL to the extension's receiver and reads the handoff code from what arrives. */
async function finish(flow: Awaited<ReturnType<typeof pausedAtCallback>>, url = flow.callback) {
  const waiting = flow.receiver.wait();
  const landing = await flow.browser.walk(url.href);
  assert.equal(landing.status, 200, `the walk ended at ${landing.url}`);
  return waiting;
}

async function redeemOk(code: string, verifier: string): Promise<TokenGrant> {
  const grant = await redeemHandoff(anonymousTransport(hub), SERVICE, { code, verifier });
  recordIssuedToken(grant.token);
  return grant;
}

function rejection(kind: SignInError['kind'], code: string | RegExp | undefined, message: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof SignInError, `expected a SignInError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    if (code instanceof RegExp) assert.match(err.code ?? '', code);
    else assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  };
}

async function get(path: string): Promise<{ status: number; error: string | null; body: string }> {
  const res = await fetch(`${hub.url}/${SERVICE}${path}`, { redirect: 'manual' });
  return { status: res.status, error: res.headers.get('x-hub-notebooks-error'), body: await res.text() };
}

function startQuery(overrides: Record<string, string>): string {
  const q = new URLSearchParams({
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    state: 'a-well-formed-state',
    redirect_uri: 'http://127.0.0.1:45678/auth-callback',
    ...overrides,
  });
  return `auth/start?${q}`;
}

test('1. a callback with no pending sign-in is refused', async () => {
  const noState = await get('oauth_callback?code=whatever');
  assert.equal(noState.status, 400);
  assert.equal(noState.error, 'missing_state');
  const neverIssued = await get('oauth_callback?code=whatever&state=never-issued-by-the-service');
  assert.equal(neverIssued.status, 400);
  assert.equal(neverIssued.error, 'unknown_state');
  assert.match(neverIssued.body, /Start the sign-in again/);
  await assertExistingIntact();
});

test('2. a wrong state is refused, and the genuine callback still completes afterwards', async () => {
  const flow = await pausedAtCallback();
  const forged = new URL(flow.callback);
  forged.searchParams.set('state', `${flow.callback.searchParams.get('state')}x`);
  const res = await fetch(forged, { redirect: 'manual' });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('x-hub-notebooks-error'), 'unknown_state');
  const params = await finish(flow);
  assert.equal(params.get('state'), flow.state);
  const grant = await redeemOk(params.get('code') ?? '', flow.pkce.verifier);
  assert.equal(grant.user, 'alice');
  await assertExistingIntact();
});

test('2b. the extension ignores a callback whose state is not its own', async () => {
  const receiver = await startLoopbackReceiver({ timeoutMs: 30_000 });
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const failure = signInWithBrowser({
    transport: anonymousTransport(hub),
    receiver,
    openBrowser: async (url) => {
      const landing = await browser.walk(url, {
        stopAt: (u) => u.port === new URL(receiver.redirectUri).port,
      });
      const target = new URL(landing.url);
      target.searchParams.set('state', 'someone-elses-state');
      void fetch(target);
      return true;
    },
  });
  await assert.rejects(failure, rejection('state-mismatch', undefined, /wrong state/));
  await assertExistingIntact();
});

test('3. a replayed handoff code is refused, and the token from the first redemption is revoked', async () => {
  const flow = await pausedAtCallback();
  const params = await finish(flow);
  const code = params.get('code') ?? '';
  const first = await redeemOk(code, flow.pkce.verifier);
  assert.equal((await clientWithToken(hub, first.token).getCurrentUser()).name, 'alice');
  await assert.rejects(
    redeemHandoff(anonymousTransport(hub), SERVICE, { code, verifier: flow.pkce.verifier }),
    rejection('rejected', 'invalid_grant', /already used/),
  );
  await assert.rejects(clientWithToken(hub, first.token).getCurrentUser(), HubAuthError);
  await assertExistingIntact();
});

test('4. a wrong verifier is refused, and the right one still redeems the code', async () => {
  const flow = await pausedAtCallback();
  const code = (await finish(flow)).get('code') ?? '';
  const other = await createPkcePair();
  await assert.rejects(
    redeemHandoff(anonymousTransport(hub), SERVICE, { code, verifier: other.verifier }),
    rejection('rejected', 'invalid_grant', /does not match/),
  );
  const grant = await redeemOk(code, flow.pkce.verifier);
  assert.equal(grant.user, 'alice');
  await assertExistingIntact();
});

test('5. a missing verifier is refused', async () => {
  const flow = await pausedAtCallback();
  const code = (await finish(flow)).get('code') ?? '';
  const res = await fetch(`${hub.url}/${SERVICE}auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { error: 'invalid_request', message: 'code_verifier is required.' });
  assert.equal((await redeemOk(code, flow.pkce.verifier)).user, 'alice', 'the code was not consumed');
  await assertExistingIntact();
});

test('6. an expired handoff code is refused, and its unredeemed token is revoked on the hub', async () => {
  const flow = await pausedAtCallback('carol');
  const code = (await finish(flow)).get('code') ?? '';
  const before = (await adminClient(hub).listTokens('carol')).filter((t) =>
    /^Hub Notebooks/.test(t.note ?? ''),
  );
  assert.equal(before.length, 1, 'the handoff holds one minted token');
  await new Promise((resolve) => setTimeout(resolve, 5_500)); // the harness sets a 5 s handoff lifetime
  await assert.rejects(
    redeemHandoff(anonymousTransport(hub), SERVICE, { code, verifier: flow.pkce.verifier }),
    rejection('rejected', 'invalid_grant', /expired/),
  );
  const deadline = Date.now() + 10_000;
  let left = before;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = (await adminClient(hub).listTokens('carol')).filter((t) => /^Hub Notebooks/.test(t.note ?? ''));
  }
  assert.deepEqual(left, [], 'the service revoked the token nobody redeemed');
  await assertExistingIntact();
});

test('7. foreign redirect URIs are refused before the hub is involved', async () => {
  for (const target of [
    'https://evil.example/',
    'http://127.0.0.1.evil.example/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'vscode://other.extension/auth-callback',
    'http://localhost:45678/auth-callback',
  ]) {
    const res = await get(startQuery({ redirect_uri: target }));
    assert.equal(res.status, 400, target);
    assert.equal(res.error, 'invalid_redirect_uri', target);
  }
  const ok = await get(startQuery({ redirect_uri: 'vscode://hub-notebooks.hub-notebooks/auth-callback' }));
  assert.equal(ok.status, 302, 'this extension behind the vscode scheme is allowed');
  await assertExistingIntact();
});

test('8. a redirect URI with user information is refused', async () => {
  for (const target of ['http://user@127.0.0.1:45678/auth-callback', 'http://u:p@127.0.0.1:45678/']) {
    const res = await get(startQuery({ redirect_uri: target }));
    assert.equal(res.status, 400, target);
    assert.equal(res.error, 'invalid_redirect_uri');
    assert.match(res.body, /user information/);
  }
  await assertExistingIntact();
});

test('9. consent denied at the hub ends the sign-in with "declined", and nothing is minted', async () => {
  const flow = await pausedAtCallback();
  const tokensBefore = (await adminClient(hub).listTokens('alice')).length;
  const denied = new URL(flow.callback);
  denied.searchParams.delete('code');
  denied.searchParams.set('error', 'access_denied');
  const params = await finish(flow, denied);
  assert.equal(params.get('state'), flow.state);
  assert.throws(
    () => readCallback(params, flow.state),
    rejection('denied', 'access_denied', /declined at the hub/),
  );
  assert.equal((await adminClient(hub).listTokens('alice')).length, tokensBefore);
  await assertExistingIntact();
});

test('10. the hub down during the flow: the service says so, and redeeming from a dead hub URL says so', async () => {
  const flow = await pausedAtCallback();
  const params = await withHubPaused(hub, () => finish(flow));
  assert.equal(params.get('error'), 'temporarily_unavailable');
  assert.match(params.get('error_description') ?? '', /could not be reached/);
  const dead = createHubTransport({
    baseUrl: 'http://127.0.0.1:9/',
    getToken: () => undefined,
    timeoutMs: 5_000,
  });
  await assert.rejects(
    redeemHandoff(dead, SERVICE, { code: 'x', verifier: flow.pkce.verifier }),
    rejection('hub-unavailable', undefined, /Check the hub URL/),
  );
  await assertExistingIntact();
});

test('11. the service restarted between start and callback: a clean "start again"', async () => {
  const flow = await pausedAtCallback();
  const started = Date.now();
  await restartServiceThroughHub(hub);
  console.log(`# ${hub.flavor}: the hub relaunched the service in ${Date.now() - started} ms`);
  const res = await fetch(flow.callback, { redirect: 'manual' });
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('x-hub-notebooks-error'), 'unknown_state');
  assert.match(await res.text(), /service restarted.*Start the sign-in again/s);
  flow.receiver.dispose();
  await assertExistingIntact();
});

test('12. oversized and garbled queries and bodies are refused', async () => {
  const long = await get(startQuery({ state: 'x'.repeat(9000) }));
  assert.equal(long.status, 414);
  const longCallback = await get(`oauth_callback?state=${'y'.repeat(9000)}`);
  assert.equal(longCallback.status, 414);
  const garbled = await get('auth/start?%E0%A4%A&&==&code_challenge=%zz');
  assert.equal(garbled.status, 400);
  assert.equal(garbled.error, 'invalid_request');
  const badChallenge = await get(startQuery({ code_challenge: 'short' }));
  assert.equal(badChallenge.status, 400);
  const plain = await get(startQuery({ code_challenge_method: 'plain' }));
  assert.equal(plain.status, 400);
  assert.match(plain.body, /S256/);
  const post = (body: string, type = 'application/json') =>
    fetch(`${hub.url}/${SERVICE}auth/token`, { method: 'POST', headers: { 'Content-Type': type }, body });
  assert.equal((await post('{not json')).status, 400);
  assert.equal((await post('[1,2]')).status, 400);
  assert.equal((await post(JSON.stringify({ code: 'c', code_verifier: 'v'.repeat(20_000) }))).status, 413);
  await assertExistingIntact();
});

test('13. a pasted token the hub does not accept is refused with where to get a valid one', async () => {
  for (const token of ['not-a-token', existing.token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))]) {
    const transport = createHubTransport({ baseUrl: hub.url, getToken: () => token, timeoutMs: 10_000 });
    await assert.rejects(
      validatePastedToken(transport),
      rejection('invalid-token', undefined, /\/hub\/token/),
    );
  }
  const good = createHubTransport({ baseUrl: hub.url, getToken: () => existing.token, timeoutMs: 10_000 });
  assert.equal((await validatePastedToken(good)).user, 'bob');
  await assertExistingIntact();
});
