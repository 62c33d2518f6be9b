// Regression tests for an outside probe's findings, each against the real hub and the built service: a revoked
// token is refused at once, `admin:services` is not access, the broker's pages cannot be framed, deep JSON is
// a 400, the sign-in rate limit holds and a flood cannot push out someone else's sign-in, `hub_url` comes from
// configuration, and refusals are logged in one line without a stack.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  buildStartUrl,
  createPkcePair,
  createState,
  redeemHandoff,
  signInWithBrowser,
  startLoopbackReceiver,
  tokenGrantSchema,
  type PkcePair,
  type TokenGrant,
} from '../../src/core/auth';
import { CATALOG_ROUTES } from '../../src/core/catalog/protocol';
import { HubResponseError } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { DemoUser, HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { HubBrowser, type Landing } from './support/hubBrowser';
import { recordIssuedToken } from './support/secrets';
import { anonymousTransport, signInAs } from './support/signIn';

const SERVICE = 'services/hub-notebooks/';
const run = crypto.randomBytes(4).toString('hex');
/** HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT as test/hub/settings.ts sets it: requests per client, endpoint and minute. */
const SIGN_IN_RATE_LIMIT = 200;
/** No other test sends from this loopback address, so its rate-limit budget is whole when test 5 starts. */
const FLOODER = '127.0.0.5';
/** A challenge of the right shape (RFC 7636's example); the flood never redeems anything. */
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
/** A loopback redirect URI the broker accepts; nothing listens there, and no test follows a page to it. */
const NOWHERE = 'http://127.0.0.1:45678/auth-callback';

let hub: HubHandle;
/** Every token a test obtained, revoked at the end (most are revoked by the tests themselves). */
const minted: { user: string; id: string }[] = [];

before(async () => {
  hub = await useHub();
});

after(async () => {
  const admin = adminClient(hub);
  for (const { user, id } of minted) await admin.revokeToken(user, id).catch(() => undefined);
});

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * One request to the service through the hub's proxy with node:http, which, unlike fetch, may send any header
 * (Host included) and from any local address (the proxy then appends that address to X-Forwarded-For).
 */
function request(
  route: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    localAddress?: string;
    agent?: http.Agent;
  } = {},
): Promise<Answer> {
  const url = new URL(`${hub.url}/${SERVICE}${route}`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: options.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers))
            for (const v of Array.isArray(value) ? value : [value ?? '']) headers.append(name, v);
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function withToken(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `token ${token}`, ...extra };
}

function jsonOf(answer: Answer): { error?: string; message?: string } {
  return JSON.parse(answer.body) as { error?: string; message?: string };
}

function startRoute(overrides: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: `hardening-${run}`,
    redirect_uri: NOWHERE,
    ...overrides,
  });
  return `auth/start?${q}`;
}

/** Remembers a token for the hygiene grep and for revocation at the end. */
function keep(grant: TokenGrant): TokenGrant {
  recordIssuedToken(grant.token);
  minted.push({ user: grant.user, id: grant.token_id });
  return grant;
}

async function signIn(user: DemoUser): Promise<TokenGrant> {
  const { grant } = await signInAs(hub, user);
  minted.push({ user: grant.user, id: grant.token_id });
  return grant;
}

/** A logged-in user's sign-in, walked through the hub's consent up to the service's callback (not requested). */
async function pausedAtCallback(
  browser: HubBrowser,
): Promise<{ pkce: PkcePair; state: string; callback: URL }> {
  const pkce = await createPkcePair();
  const state = createState();
  const start = buildStartUrl(new URL(`${hub.url}/`), SERVICE, {
    challenge: pkce.challenge,
    state,
    redirectUri: NOWHERE,
  });
  const landing = await browser.walk(start.href, { stopAt: (u) => u.pathname.endsWith('/oauth_callback') });
  const callback = new URL(landing.url);
  assert.ok(callback.searchParams.get('code'), `the hub issued a code (walk ended at ${landing.url})`);
  return { pkce, state, callback };
}

/** The handoff code on the broker's return page (shown for pasting, should the redirect not arrive). */
function handoffCodeOf(page: string): string {
  const code = /id="handoff-code">([^<]+)</.exec(page)?.[1];
  assert.ok(code, 'the return page shows a handoff code');
  return code;
}

/** The header pair that keeps a page out of frames: CSP frame-ancestors, and X-Frame-Options for old browsers. */
function assertUnframeable(headers: Headers, what: string): void {
  assert.match(headers.get('content-type') ?? '', /^text\/html/, `${what} is a page`);
  assert.match(
    headers.get('content-security-policy') ?? '',
    /(^|;)\s*frame-ancestors 'none'\s*(;|$)/,
    `${what}: Content-Security-Policy has frame-ancestors 'none'`,
  );
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
}

test('1. a token signed out through auth/revoke is refused on its very next request, despite the cache', async () => {
  const grant = await signIn('alice');
  // Checked once, so the service has it in its cache of checked tokens (10 s by default).
  assert.equal((await request(CATALOG_ROUTES.me, { headers: withToken(grant.token) })).status, 200);
  const revoked = await request('auth/revoke', {
    method: 'POST',
    headers: withToken(grant.token, { 'Content-Type': 'application/json' }),
    body: JSON.stringify({ token_id: grant.token_id }),
  });
  assert.equal(revoked.status, 204, revoked.body);
  const me = await request(CATALOG_ROUTES.me, { headers: withToken(grant.token) });
  assert.equal(me.status, 401, `api/me right after sign-out answered ${me.status}: ${me.body}`);
  assert.equal(jsonOf(me).error, 'unauthorized');
});

test('1b. a token revoked at the hub is forgotten as soon as auth/revoke hears the hub refuse it', async () => {
  // Waiting out the cache (10 s) is not needed: a sign-out of a token the hub already revoked is the
  // service's other way of learning it is dead, and it must drop the token from the cache then too.
  const grant = await signIn('alice');
  assert.equal((await request(CATALOG_ROUTES.me, { headers: withToken(grant.token) })).status, 200);
  await adminClient(hub).revokeToken('alice', grant.token_id);
  const revoke = await request('auth/revoke', {
    method: 'POST',
    headers: withToken(grant.token, { 'Content-Type': 'application/json' }),
    body: JSON.stringify({ token_id: grant.token_id }),
  });
  assert.equal(revoke.status, 401, revoke.body);
  assert.equal(jsonOf(revoke).error, 'invalid_token');
  const me = await request(CATALOG_ROUTES.me, { headers: withToken(grant.token) });
  assert.equal(me.status, 401, `api/me after the hub refused the token answered ${me.status}: ${me.body}`);
});

test('2. a token with only admin:services does not give access to the service', async (t) => {
  const admin = adminClient(hub);
  const name = `hardening-admin-services-${run}`;
  let token: string;
  try {
    const created = await admin.createToken('carol', {
      note: `hub-notebooks hardening test ${run}`,
      expiresInSeconds: 600,
      scopes: ['admin:services'],
    });
    recordIssuedToken(created.token);
    minted.push({ user: 'carol', id: created.id });
    token = created.token;
  } catch (err) {
    // JupyterHub 3.0 has no admin:services scope (5.x has), so no such token can exist there: its token API
    // fails on the unknown scope (a KeyError it answers with 500).
    assert.equal(hub.flavor, 'debian3', `only 3.0 may refuse the token: ${String(err)}`);
    assert.ok(err instanceof HubResponseError && err.status === 500, String(err));
    t.diagnostic(`${hub.version} cannot mint an admin:services token: ${err.message}`);
    return;
  }
  const me = await request(CATALOG_ROUTES.me, { headers: withToken(token) });
  assert.equal(me.status, 403, me.body);
  assert.equal(jsonOf(me).error, 'forbidden');
  const notebook = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
  const publish = await request(
    `${CATALOG_ROUTES.publish}?${new URLSearchParams({ name, version: '9.0.0' })}`,
    { method: 'PUT', headers: withToken(token, { 'Content-Type': 'application/json' }), body: notebook },
  );
  assert.equal(publish.status, 403, publish.body);
  assert.equal(jsonOf(publish).error, 'forbidden');
  // Nothing was published: carol's ordinary token (the extension's scopes) sees no such notebook.
  const valid = await admin.createToken('carol', {
    note: `hub-notebooks hardening test ${run}`,
    expiresInSeconds: 600,
    scopes: extensionTokenScopes(),
  });
  recordIssuedToken(valid.token);
  minted.push({ user: 'carol', id: valid.id });
  const versions = await request(`${CATALOG_ROUTES.supportedVersions}?${new URLSearchParams({ name })}`, {
    headers: withToken(valid.token),
  });
  assert.equal(versions.status, 404, versions.body);
});

test('3. every page of the broker refuses to be framed', async () => {
  const pages: [string, Answer][] = [
    ['auth/start with a bad method', await request(startRoute({ code_challenge_method: 'plain' }))],
    [
      'auth/start with a foreign redirect',
      await request(startRoute({ redirect_uri: 'https://evil.example/' })),
    ],
    ['auth/start with an oversized query', await request(startRoute({ state: 'x'.repeat(9000) }))],
    ['oauth_callback without state', await request('oauth_callback?code=whatever')],
    ['oauth_callback with an unknown state', await request('oauth_callback?state=unknown&code=x')],
  ];
  assert.deepEqual(
    pages.map(([, a]) => a.status),
    [400, 400, 414, 400, 400],
  );
  // The pages of a real sign-in: the return page with the handoff code, and the one with the hub's error.
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const ok = await pausedAtCallback(browser);
  const returned = await request(`oauth_callback${ok.callback.search}`);
  assert.equal(returned.status, 200, returned.body);
  pages.push(['the return page', returned]);
  keep(
    await redeemHandoff(anonymousTransport(hub), SERVICE, {
      code: handoffCodeOf(returned.body),
      verifier: ok.pkce.verifier,
    }),
  );
  const denied = await pausedAtCallback(browser);
  const q = new URLSearchParams({
    state: denied.callback.searchParams.get('state') ?? '',
    error: 'access_denied',
  });
  const declined = await request(`oauth_callback?${q}`);
  assert.equal(declined.status, 200, declined.body);
  assert.equal(declined.headers.get('x-hub-notebooks-error'), 'access_denied');
  pages.push(['the return page of a declined sign-in', declined]);
  for (const [what, answer] of pages) assertUnframeable(answer.headers, what);
});

test('4. JSON nested thousands of levels deep is refused with a 4xx that says why, and the service stays up', async () => {
  const { token } = await signIn('carol');
  const depth = 10_000;
  const deep = `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
  const name = `hardening-deep-${run}`;
  const publish = await request(
    `${CATALOG_ROUTES.publish}?${new URLSearchParams({ name, version: '1.0.0' })}`,
    {
      method: 'PUT',
      headers: withToken(token, { 'Content-Type': 'application/json' }),
      body: `{"nbformat":4,"nbformat_minor":5,"cells":[],"metadata":${deep}}`,
    },
  );
  assert.equal(publish.status, 400, publish.body);
  assert.equal(jsonOf(publish).error, 'invalid_notebook');
  assert.match(jsonOf(publish).message ?? '', /nests.*deep/);
  const versions = await request(`${CATALOG_ROUTES.supportedVersions}?${new URLSearchParams({ name })}`, {
    headers: withToken(token),
  });
  assert.equal(versions.status, 404, 'nothing was stored');
  // auth/token reads at most 8 KB, so 10 000 levels are refused for their size before their depth…
  const huge = await request('auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: deep,
  });
  assert.equal(huge.status, 413, huge.body);
  // …and 4 000 levels of arrays, which fit, for their depth.
  const nested = `{"code":"c","code_verifier":"${'v'.repeat(43)}","a":${'['.repeat(4000)}${']'.repeat(4000)}}`;
  const redeem = await request('auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: nested,
  });
  assert.equal(redeem.status, 400, redeem.body);
  assert.equal(jsonOf(redeem).error, 'invalid_request');
  assert.match(jsonOf(redeem).message ?? '', /nests/);
  const health = await request('health');
  assert.equal(health.status, 200);
});

/** What a flood of valid `auth/start` requests from one address got, in order. */
interface Flood {
  statuses: number[];
  /** The service's own `state` in each 302's authorize URL: the key of that pending sign-in. */
  states: string[];
  firstRefusal: Answer | undefined;
}

async function floodStart(from: string, count: number): Promise<Flood> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const flood: Flood = { statuses: [], states: [], firstRefusal: undefined };
  try {
    for (let i = 0; i < count; i++) {
      const answer = await request(startRoute({ state: `flood-${run}-${i}` }), { localAddress: from, agent });
      flood.statuses.push(answer.status);
      if (answer.status === 302) {
        const location = new URL(answer.headers.get('location') ?? '', hub.url);
        flood.states.push(location.searchParams.get('state') ?? '');
      } else flood.firstRefusal ??= answer;
    }
  } finally {
    agent.destroy();
  }
  return flood;
}

test('5. a sign-in flood from one address meets the rate limit and pushes out only its own sign-ins', async () => {
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const receiver = await startLoopbackReceiver({ timeoutMs: 120_000 });
  let flood: Flood | undefined;
  let walked: Promise<Landing> | undefined;
  const grant = await signInWithBrowser({
    transport: anonymousTransport(hub),
    receiver,
    openBrowser: async (url) => {
      // Alice's auth/start and the hub's consent: her sign-in is now pending at the service…
      const atCallback = await browser.walk(url, { stopAt: (u) => u.pathname.endsWith('/oauth_callback') });
      // …while another address floods auth/start with well-formed requests…
      flood = await floodStart(FLOODER, SIGN_IN_RATE_LIMIT + 20);
      // …and only then does her browser come back to the service's callback.
      walked = browser.walk(atCallback.url);
      return true;
    },
  });
  keep(grant);
  assert.equal(grant.user, 'alice', 'the sign-in started before the flood completed after it');
  assert.equal((await walked)?.status, 200);
  assert.ok(flood);
  // The whole flood fits in one minute's window, so exactly the limit gets through and the rest waits.
  const accepted = flood.statuses.indexOf(429);
  assert.equal(accepted, SIGN_IN_RATE_LIMIT, `statuses: ${flood.statuses.join(' ')}`);
  assert.ok(
    flood.statuses.every((s, i) => s === (i < SIGN_IN_RATE_LIMIT ? 302 : 429)),
    `statuses: ${flood.statuses.join(' ')}`,
  );
  const refusal = flood.firstRefusal;
  assert.ok(refusal);
  const retryAfter = Number(refusal.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal(refusal.headers.get('x-hub-notebooks-error'), 'slow_down');
  assert.match(refusal.body, /Too many sign-in requests/);
  assertUnframeable(refusal.headers, 'the 429 page');
  // What a client writes into X-Forwarded-For proves nothing: the proxy's own entry (the last) counts.
  const forged = await request(startRoute(), {
    localAddress: FLOODER,
    headers: { 'X-Forwarded-For': '203.0.113.9' },
  });
  assert.equal(forged.status, 429, 'a forged X-Forwarded-For does not buy a new budget');
  // Each sign-in endpoint has its own budget: the flooder may still redeem (here, a code that does not exist).
  const redeem = await request('auth/token', {
    method: 'POST',
    localAddress: FLOODER,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: 'no-such-code', code_verifier: 'v'.repeat(43) }),
  });
  assert.equal(redeem.status, 400, redeem.body);
  assert.equal(jsonOf(redeem).error, 'invalid_grant');
  // The flooder's first pending sign-in was pushed out by its own later ones; its newest is still pending.
  const first = await request(
    `oauth_callback?${new URLSearchParams({ state: flood.states[0] ?? '', error: 'access_denied' })}`,
  );
  assert.equal(first.status, 400, 'the flooder’s oldest sign-in is no longer pending');
  assert.match(first.headers.get('x-hub-notebooks-error') ?? '', /^(expired|unknown)_state$/);
  const last = await request(
    `oauth_callback?${new URLSearchParams({ state: flood.states.at(-1) ?? '', error: 'access_denied' })}`,
  );
  assert.equal(last.status, 200, 'the flooder’s newest sign-in is still pending');
  assert.equal(last.headers.get('x-hub-notebooks-error'), 'access_denied');
  // 127.0.0.1, where every other sign-in comes from, is not blocked by the flood.
  assert.equal((await signIn('bob')).user, 'bob');
});

test('6. hub_url in the grant comes from configuration, not from forwarded headers', async () => {
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const flow = await pausedAtCallback(browser);
  const page = await request(`oauth_callback${flow.callback.search}`);
  assert.equal(page.status, 200, page.body);
  const answer = await request('auth/token', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Host: 'evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
      Forwarded: 'host=evil.example;proto=https',
    },
    body: JSON.stringify({ code: handoffCodeOf(page.body), code_verifier: flow.pkce.verifier }),
  });
  assert.equal(answer.status, 200, answer.body);
  const grant = keep(tokenGrantSchema.parse(JSON.parse(answer.body)));
  assert.equal(grant.user, 'alice');
  assert.doesNotMatch(grant.hub_url, /evil/);
  // The harness sets no public_url, so the configured base is host-relative (`/`), which resolves to the hub.
  assert.equal(new URL(grant.hub_url, `${hub.url}/`).href, `${hub.url}/`, `hub_url ${grant.hub_url}`);
});

test('7. refusals are logged in one line each, without a stack trace', async () => {
  const log = path.join(hub.stateDir, 'hub.log');
  const from = fs.statSync(log).size;
  // Outside api/, so an unknown path is a 404 before any token check, on any version of the service.
  const marker = `no-such-${run}`;
  // One after the other, so their log lines come in this order.
  const provoked: [string, number, string, () => Promise<Answer>][] = [
    ['unknown path', 404, 'not_found', () => request(`${marker}-begin`)],
    [
      'bad start query',
      400,
      'invalid_request',
      () => request(startRoute({ code_challenge_method: 'plain' })),
    ],
    ['no token', 401, 'unauthorized', () => request(CATALOG_ROUTES.me)],
    [
      'bad token',
      401,
      'unauthorized',
      () => request(CATALOG_ROUTES.me, { headers: withToken(`not-a-token-${run}`) }),
    ],
    ['bad body', 400, 'invalid_request', () => request('auth/token', { method: 'POST', body: '{not json' })],
    ['wrong method', 405, 'method_not_allowed', () => request(CATALOG_ROUTES.me, { method: 'DELETE' })],
    ['unknown path', 404, 'not_found', () => request(`${marker}-end`)],
  ];
  const statuses: number[] = [];
  for (const [, , , send] of provoked) statuses.push((await send()).status);
  // The service writes to the hub's log through the hub's stdout; wait until the last request's line is in.
  const deadline = Date.now() + 10_000;
  let text = '';
  while (!text.includes(`${marker}-end → `) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    text = fs.readFileSync(log).subarray(from).toString('utf8'); // bytes: the log has non-ASCII
  }
  assert.ok(text.includes(`${marker}-end → `), 'the service logged the last marker request');
  const lines = text.split('\n');
  // The hub, its proxy and any running server write to this log too: count a stack line as the service's
  // when the line it continues (the last one not indented) is.
  let owner = '';
  const stack: string[] = [];
  for (const line of lines) {
    if (!/^\s/.test(line)) owner = line;
    else if (/^\s+at .*\(|^\s+at \S+:\d+:\d+$/.test(line) && owner.includes('[hub-notebooks]'))
      stack.push(line);
  }
  assert.deepEqual(stack, [], 'no stack trace lines among the refusals');
  assert.deepEqual(
    lines.filter((l) => l.includes('[hub-notebooks] error')),
    [],
    'a refusal is not an error',
  );
  assert.deepEqual(
    statuses,
    provoked.map(([, status]) => status),
    provoked.map(([what]) => what).join(', '),
  );
  // One line for each refusal, naming its status and error code (besides it, the service may log other lines).
  const refused = lines.filter((l) => l.includes('[hub-notebooks]') && /refused/.test(l));
  assert.equal(refused.length, provoked.length, refused.join('\n'));
  provoked.forEach(([what, status, code], i) => {
    assert.ok(refused[i]?.includes(String(status)) && refused[i].includes(code), `${what}: ${refused[i]}`);
  });
});
