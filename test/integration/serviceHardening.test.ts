// Regression tests for an outside probe's findings, each against the real hub and the built service: a revoked
// token is refused at once, `admin:services` is not access, the broker's pages cannot be framed, deep JSON is
// a 400, `hub_url` comes from configuration, and refusals are logged in one line without a stack. The sign-in
// flood (test 5: the rate limit holds and cannot push out someone else's sign-in) is in signInFlood.test.ts,
// and the helpers that send these requests are in support/serviceRequests.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { redeemHandoff, tokenGrantSchema } from '../../src/core/auth';
import { CATALOG_ROUTES } from '../../src/core/catalog/schemas';
import { HubResponseError } from '../../src/core/hub';
import { extensionTokenScopes } from '../../src/service/config';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { HubBrowser } from './support/hubBrowser';
import { recordIssuedToken } from './support/secrets';
import {
  SERVICE,
  ServiceRequests,
  assertUnframeable,
  handoffCodeOf,
  jsonOf,
  run,
  startRoute,
  withToken,
  type Answer,
} from './support/serviceRequests';
import { anonymousTransport } from './support/signIn';

let hub: HubHandle;
/** Requests to the service; every token a test obtained through it is revoked at the end. */
let service: ServiceRequests;

before(async () => {
  hub = await useHub();
  service = new ServiceRequests(hub);
});

after(async () => {
  await service.revokeAll();
});

test('1. a token signed out through auth/revoke is refused on its very next request, despite the cache', async () => {
  const grant = await service.signIn('alice');
  // Checked once, so the service has it in its cache of checked tokens (10 s by default).
  assert.equal((await service.request(CATALOG_ROUTES.me, { headers: withToken(grant.token) })).status, 200);
  const revoked = await service.request('auth/revoke', {
    method: 'POST',
    headers: withToken(grant.token, { 'Content-Type': 'application/json' }),
    body: JSON.stringify({ token_id: grant.token_id }),
  });
  assert.equal(revoked.status, 204, revoked.body);
  const me = await service.request(CATALOG_ROUTES.me, { headers: withToken(grant.token) });
  assert.equal(me.status, 401, `api/me right after sign-out answered ${me.status}: ${me.body}`);
  assert.equal(jsonOf(me).error, 'unauthorized');
});

test('1b. a token revoked at the hub is forgotten as soon as auth/revoke hears the hub refuse it', async () => {
  // Waiting out the cache (10 s) is not needed: a sign-out of a token the hub already revoked is the
  // service's other way of learning it is dead, and it must drop the token from the cache then too.
  const grant = await service.signIn('alice');
  assert.equal((await service.request(CATALOG_ROUTES.me, { headers: withToken(grant.token) })).status, 200);
  await adminClient(hub).revokeToken('alice', grant.token_id);
  const revoke = await service.request('auth/revoke', {
    method: 'POST',
    headers: withToken(grant.token, { 'Content-Type': 'application/json' }),
    body: JSON.stringify({ token_id: grant.token_id }),
  });
  assert.equal(revoke.status, 401, revoke.body);
  assert.equal(jsonOf(revoke).error, 'invalid_token');
  const me = await service.request(CATALOG_ROUTES.me, { headers: withToken(grant.token) });
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
    service.revokeLater('carol', created.id);
    token = created.token;
  } catch (err) {
    // JupyterHub 3.0 has no admin:services scope (5.x has), so no such token can exist there: its token API
    // fails on the unknown scope (a KeyError it answers with 500).
    assert.equal(hub.flavor, 'debian3', `only 3.0 may refuse the token: ${String(err)}`);
    assert.ok(err instanceof HubResponseError && err.status === 500, String(err));
    t.diagnostic(`${hub.version} cannot mint an admin:services token: ${err.message}`);
    return;
  }
  const me = await service.request(CATALOG_ROUTES.me, { headers: withToken(token) });
  assert.equal(me.status, 403, me.body);
  assert.equal(jsonOf(me).error, 'forbidden');
  const notebook = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
  const publish = await service.request(
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
  service.revokeLater('carol', valid.id);
  const versions = await service.request(
    `${CATALOG_ROUTES.supportedVersions}?${new URLSearchParams({ name })}`,
    {
      headers: withToken(valid.token),
    },
  );
  assert.equal(versions.status, 404, versions.body);
});

test('3. every page of the broker refuses to be framed', async () => {
  const pages: [string, Answer][] = [
    ['auth/start with a bad method', await service.request(startRoute({ code_challenge_method: 'plain' }))],
    [
      'auth/start with a foreign redirect',
      await service.request(startRoute({ redirect_uri: 'https://evil.example/' })),
    ],
    ['auth/start with an oversized query', await service.request(startRoute({ state: 'x'.repeat(9000) }))],
    ['oauth_callback without state', await service.request('oauth_callback?code=whatever')],
    ['oauth_callback with an unknown state', await service.request('oauth_callback?state=unknown&code=x')],
  ];
  assert.deepEqual(
    pages.map(([, a]) => a.status),
    [400, 400, 414, 400, 400],
  );
  // The pages of a real sign-in: the return page with the handoff code, and the one with the hub's error.
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const ok = await service.pausedAtCallback(browser);
  const returned = await service.request(`oauth_callback${ok.callback.search}`);
  assert.equal(returned.status, 200, returned.body);
  pages.push(['the return page', returned]);
  service.keep(
    await redeemHandoff(anonymousTransport(hub), SERVICE, {
      code: handoffCodeOf(returned.body),
      verifier: ok.pkce.verifier,
    }),
  );
  const denied = await service.pausedAtCallback(browser);
  const q = new URLSearchParams({
    state: denied.callback.searchParams.get('state') ?? '',
    error: 'access_denied',
  });
  const declined = await service.request(`oauth_callback?${q}`);
  assert.equal(declined.status, 200, declined.body);
  assert.equal(declined.headers.get('x-hub-notebooks-error'), 'access_denied');
  pages.push(['the return page of a declined sign-in', declined]);
  for (const [what, answer] of pages) assertUnframeable(answer.headers, what);
});

test('4. JSON nested thousands of levels deep is refused with a 4xx that says why, and the service stays up', async () => {
  const { token } = await service.signIn('carol');
  const depth = 10_000;
  const deep = `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
  const name = `hardening-deep-${run}`;
  const publish = await service.request(
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
  const versions = await service.request(
    `${CATALOG_ROUTES.supportedVersions}?${new URLSearchParams({ name })}`,
    {
      headers: withToken(token),
    },
  );
  assert.equal(versions.status, 404, 'nothing was stored');
  // auth/token reads at most 8 KB, so 10 000 levels are refused for their size before their depth…
  const huge = await service.request('auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: deep,
  });
  assert.equal(huge.status, 413, huge.body);
  // …and 4 000 levels of arrays, which fit, for their depth.
  const nested = `{"code":"c","code_verifier":"${'v'.repeat(43)}","a":${'['.repeat(4000)}${']'.repeat(4000)}}`;
  const redeem = await service.request('auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: nested,
  });
  assert.equal(redeem.status, 400, redeem.body);
  assert.equal(jsonOf(redeem).error, 'invalid_request');
  assert.match(jsonOf(redeem).message ?? '', /nests/);
  const health = await service.request('health');
  assert.equal(health.status, 200);
});

test('6. hub_url in the grant comes from configuration, not from forwarded headers', async () => {
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const flow = await service.pausedAtCallback(browser);
  const page = await service.request(`oauth_callback${flow.callback.search}`);
  assert.equal(page.status, 200, page.body);
  const answer = await service.request('auth/token', {
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
  const grant = service.keep(tokenGrantSchema.parse(JSON.parse(answer.body)));
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
    ['unknown path', 404, 'not_found', () => service.request(`${marker}-begin`)],
    [
      'bad start query',
      400,
      'invalid_request',
      () => service.request(startRoute({ code_challenge_method: 'plain' })),
    ],
    ['no token', 401, 'unauthorized', () => service.request(CATALOG_ROUTES.me)],
    [
      'bad token',
      401,
      'unauthorized',
      () => service.request(CATALOG_ROUTES.me, { headers: withToken(`not-a-token-${run}`) }),
    ],
    [
      'bad body',
      400,
      'invalid_request',
      () => service.request('auth/token', { method: 'POST', body: '{not json' }),
    ],
    [
      'wrong method',
      405,
      'method_not_allowed',
      () => service.request(CATALOG_ROUTES.me, { method: 'DELETE' }),
    ],
    ['unknown path', 404, 'not_found', () => service.request(`${marker}-end`)],
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
