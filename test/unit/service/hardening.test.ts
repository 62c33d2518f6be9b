// Regression tests for the service's hardening findings, one per finding: who counts as having access, how
// long a checked token is trusted, sign-out ending the catalog's trust at once, pages that cannot be framed,
// deeply nested bodies, a client that cannot escape its sign-in limit by writing X-Forwarded-For, the hub URL
// handed to the extension, and refusals logged as one line without a stack. The units of the per-client and
// per-group limits and of the client's address behind proxies are in signInLimits.test.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { createPkcePair } from '../../../src/core/auth/pkce';
import { silentLogger, type Logger } from '../../../src/core/logger';
import { CallerAuth, grantsAccess } from '../../../src/service/api/callerAuth';
import { SignInBroker } from '../../../src/service/auth/broker';
import { loadServiceConfig, type ServiceConfig } from '../../../src/service/config';
import { RequestError, readSmallBody } from '../../../src/service/http';
import { createServiceServer } from '../../../src/service/server';
import { json, startStub, type HttpStub, type StubHandler } from '../../support/httpStub';

const ACCESS = ['access:services!service=hub-notebooks'];
const ALICE = { name: 'alice', kind: 'user', groups: ['team'], scopes: ACCESS, token_id: 'tok-1' };

function configFor(hub: HttpStub, t: TestContext, extra: Record<string, string> = {}): ServiceConfig {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-test-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  return loadServiceConfig({
    JUPYTERHUB_API_URL: `${hub.url}hub/api`,
    JUPYTERHUB_API_TOKEN: 'service-secret',
    JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
    HUB_NOTEBOOKS_DATA_DIR: path.join(tmp, 'data'),
    HUB_NOTEBOOKS_HOME: path.join(tmp, '{username}'),
    ...extra,
  });
}

async function stub(t: TestContext, handler: StubHandler): Promise<HttpStub> {
  const hub = await startStub(handler);
  t.after(() => hub.close());
  return hub;
}

/** Starts the real service on 127.0.0.1 and returns the base URL of its prefix. */
async function serve(t: TestContext, config: ServiceConfig, log: Logger = silentLogger): Promise<string> {
  const server = createServiceServer(config, '0.0.0-test', log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${config.prefix}`;
}

const userCalls = (hub: HttpStub) => hub.seen.filter((r) => r.url === '/hub/api/user').length;
const withToken = (token: string) => ({ headers: { authorization: `token ${token}` } }) as IncomingMessage;

test('only access:services, or access to this service, grants access; admin:services does not', () => {
  assert.equal(grantsAccess(['admin:services'], 'hub-notebooks'), false);
  assert.equal(grantsAccess(['admin:services!service=hub-notebooks'], 'hub-notebooks'), false);
  assert.equal(grantsAccess(['access:services'], 'hub-notebooks'), true);
  assert.equal(grantsAccess(['access:services!service=hub-notebooks'], 'hub-notebooks'), true);
  assert.equal(grantsAccess(['access:services!service=other'], 'hub-notebooks'), false);
  assert.equal(grantsAccess(['access:services!service=hub-notebooks-evil'], 'hub-notebooks'), false);
  assert.equal(grantsAccess([], 'hub-notebooks'), false);
});

test('CallerAuth trusts a checked token from its cache until forget(token)', async (t) => {
  const hub = await stub(t, (_req, res) => json(res, 200, ALICE));
  const auth = new CallerAuth(configFor(hub, t), silentLogger);
  assert.equal((await auth.authenticate(withToken('a'))).name, 'alice');
  await auth.authenticate(withToken('a'));
  assert.equal(userCalls(hub), 1, 'the second request is answered from the cache');
  auth.forget('a');
  await auth.authenticate(withToken('a'));
  assert.equal(userCalls(hub), 2, 'a forgotten token is checked at the hub again');
  await auth.authenticate(withToken('a'));
  assert.equal(userCalls(hub), 2);
});

for (const status of [401, 403]) {
  test(`a ${status} from the hub purges what a concurrent check of the same token cached`, async (t) => {
    // The first check is answered at once; the second is held until the first has cached its answer, then
    // refused. Without the purge, the third request would still be served from the first one's cache.
    let held: ServerResponse | undefined;
    let arrived: () => void = () => undefined;
    const secondArrived = new Promise<void>((resolve) => (arrived = resolve));
    const hub = await stub(t, (_req, res) => {
      const n = userCalls(hub);
      if (n === 1) return json(res, 200, ALICE);
      if (n === 2) {
        held = res;
        return arrived();
      }
      json(res, status, { message: 'revoked' });
    });
    const auth = new CallerAuth(configFor(hub, t), silentLogger);
    const both = [auth.authenticate(withToken('b')), auth.authenticate(withToken('b'))];
    const settled = Promise.allSettled(both);
    // The first to settle is the one the hub answered: its caller is cached now.
    assert.equal((await Promise.race(both)).name, 'alice');
    await secondArrived;
    if (!held) throw new Error('the second check never reached the hub');
    json(held, status, { message: 'revoked' });
    const outcomes = (await settled).map((s) =>
      s.status === 'fulfilled' ? 200 : s.reason instanceof RequestError ? s.reason.status : 500,
    );
    assert.deepEqual(outcomes.sort(), [200, 401]);
    await assert.rejects(auth.authenticate(withToken('b')), (err: RequestError) => err.status === 401);
    assert.equal(userCalls(hub), 3, 'the refused token was asked about again, not served from the cache');
  });
}

/** What the extension sends to sign out: the id of its token (the grant's token_id). */
const REVOKE_BODY = JSON.stringify({ token_id: 'tok-1' });

/** A hub that knows one token until it is revoked: `/hub/api/user` answers 403 for it afterwards. */
function revocableHub(scopes: string[] = ACCESS): { handler: StubHandler; revoked: () => boolean } {
  let revoked = false;
  return {
    revoked: () => revoked,
    handler: (req, res) => {
      if (req.method === 'DELETE' && req.url === '/hub/api/users/alice/tokens/tok-1') {
        revoked = true;
        res.writeHead(204).end();
      } else if (req.url === '/hub/api/user' && !revoked) json(res, 200, { ...ALICE, scopes });
      else json(res, 403, { message: 'invalid token' });
    },
  };
}

/** Serves the broker's own revoke handler, so its onTokenEnded callback can be watched. */
async function serveRevoke(t: TestContext, config: ServiceConfig, ended: string[]): Promise<string> {
  const broker = new SignInBroker(config, silentLogger, (token) => ended.push(token));
  const { revokeToken } = broker.handlers();
  const server = createServer((req, res) => {
    Promise.resolve(revokeToken?.({ req, res, query: {}, caller: undefined })).catch((err: unknown) => {
      const status = err instanceof RequestError ? err.status : 500;
      res.writeHead(status).end(err instanceof RequestError ? err.code : String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

test('the broker tells onTokenEnded of a revoked token, and of one the hub refuses', async (t) => {
  const hub = revocableHub();
  const stubbed = await stub(t, hub.handler);
  const ended: string[] = [];
  const url = await serveRevoke(t, configFor(stubbed, t), ended);
  const revoke = () =>
    fetch(url, { method: 'POST', headers: { Authorization: 'token the-token' }, body: REVOKE_BODY });
  assert.equal((await revoke()).status, 204);
  assert.ok(hub.revoked());
  assert.deepEqual(ended, ['the-token']);
  assert.equal((await revoke()).status, 401, 'the hub no longer accepts it');
  assert.deepEqual(ended, ['the-token', 'the-token']);
});

test('revoking needs a token with access to the service; nothing is revoked or ended without it', async (t) => {
  const hub = revocableHub(['read:users:name!user']);
  const stubbed = await stub(t, hub.handler);
  const ended: string[] = [];
  const url = await serveRevoke(t, configFor(stubbed, t), ended);
  const res = await fetch(url, {
    method: 'POST',
    headers: { Authorization: 'token narrow' },
    body: REVOKE_BODY,
  });
  assert.equal(res.status, 403);
  assert.equal(await res.text(), 'forbidden');
  assert.equal(hub.revoked(), false);
  assert.ok(!stubbed.seen.some((r) => r.method === 'DELETE'));
  assert.deepEqual(ended, []);
});

test('a catalog request right after sign-out is checked at the hub again, and refused', async (t) => {
  const hub = revocableHub();
  const stubbed = await stub(t, hub.handler);
  const base = await serve(t, configFor(stubbed, t, { HUB_NOTEBOOKS_AUTH_CACHE_SECONDS: '300' }));
  const headers = { Authorization: 'token signed-in' };
  assert.equal((await fetch(`${base}api/me`, { headers })).status, 200);
  assert.equal((await fetch(`${base}api/me`, { headers })).status, 200);
  assert.equal(userCalls(stubbed), 1, 'cached for five minutes');
  const revoke = await fetch(`${base}auth/revoke`, { method: 'POST', headers, body: REVOKE_BODY });
  assert.equal(revoke.status, 204);
  const before = userCalls(stubbed);
  const after = await fetch(`${base}api/me`, { headers });
  assert.equal(after.status, 401);
  assert.equal(userCalls(stubbed), before + 1, 'the catalog asked the hub instead of its cache');
});

test('every page the broker sends forbids framing, in both headers', async (t) => {
  const hub = await stub(t, (_req, res) => json(res, 404, {}));
  const base = await serve(t, configFor(hub, t));
  const pages = [
    `${base}auth/start?code_challenge=short&code_challenge_method=S256&state=abcdefgh&redirect_uri=x`,
    `${base}auth/start?code_challenge=${'c'.repeat(43)}&code_challenge_method=S256&state=abcdefgh&redirect_uri=https://evil.example/`,
    `${base}oauth_callback?state=never-issued&code=x`,
    `${base}oauth_callback`,
  ];
  for (const url of pages) {
    const res = await fetch(url);
    assert.equal(res.status, 400, url);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/, url);
    assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, url);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', url);
  }
});

test('readSmallBody refuses 10 000-deep JSON with 400, before parsing it', async () => {
  const deep = `{"code":"x","a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  const req = Object.assign(Readable.from([Buffer.from(deep)]), {
    headers: { 'content-type': 'application/json' },
  }) as unknown as IncomingMessage;
  await assert.rejects(
    readSmallBody(req, 1024 * 1024),
    (err: unknown) =>
      err instanceof RequestError &&
      err.status === 400 &&
      err.code === 'invalid_request' &&
      /nests more than 8 levels/.test(err.message),
  );
});

test('through auth/token, deep nesting is a 400 and shallow nesting is read', async (t) => {
  const hub = await stub(t, (_req, res) => json(res, 404, {}));
  const base = await serve(t, configFor(hub, t));
  const post = (body: string) =>
    fetch(`${base}auth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  // 3 000 levels: as deep as fits in the endpoint's 8 KB (10 000 levels are refused as too large first).
  const deep = await post(`{"code":"x","a":${'['.repeat(3000)}${']'.repeat(3000)}}`);
  assert.equal(deep.status, 400);
  const refusal = (await deep.json()) as { error: string; message: string };
  assert.equal(refusal.error, 'invalid_request');
  assert.match(refusal.message, /nests more than 8 levels/);
  assert.equal((await post(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`)).status, 413);
  // Eight levels with the outer object: read, and refused for what it lacks rather than its shape.
  const shallow = await post(`{"a":${'['.repeat(7)}${']'.repeat(7)}}`);
  assert.equal(shallow.status, 400);
  const lacking = (await shallow.json()) as { message: string };
  assert.doesNotMatch(lacking.message, /nests/);
  assert.match(lacking.message, /code/);
});

test('through the server, a client cannot escape its limit by writing X-Forwarded-For itself', async (t) => {
  const hub = await stub(t, (_req, res) => json(res, 404, {}));
  const base = await serve(t, configFor(hub, t, { HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT: '2' }));
  const post = (xff: string) =>
    fetch(`${base}auth/token`, {
      method: 'POST',
      headers: { 'X-Forwarded-For': xff, 'Content-Type': 'application/json' },
      body: '{}',
    });
  assert.equal((await post('1.1.1.1, 10.9.9.9')).status, 400);
  assert.equal((await post('2.2.2.2, 10.9.9.9')).status, 400);
  const limited = await post('3.3.3.3, 10.9.9.9');
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal((await post('10.8.8.8')).status, 400, 'another client still has its budget');
});

test('publicHubUrl: JUPYTERHUB_PUBLIC_HUB_URL without hub/, else JUPYTERHUB_HOST and base URL, else base URL', (t) => {
  const hub = { url: 'http://127.0.0.1:9/' } as HttpStub;
  const publicHub = configFor(hub, t, {
    JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.org/jhub/hub/',
    JUPYTERHUB_HOST: 'https://ignored.example.org',
    JUPYTERHUB_BASE_URL: '/jhub/',
  });
  assert.equal(publicHub.oauth.publicHubUrl, 'https://hub.example.org/jhub/');
  const host = configFor(hub, t, {
    JUPYTERHUB_HOST: 'https://hub.example.org',
    JUPYTERHUB_BASE_URL: '/jhub/',
  });
  assert.equal(host.oauth.publicHubUrl, 'https://hub.example.org/jhub/');
  assert.equal(configFor(hub, t, { JUPYTERHUB_BASE_URL: '/jhub' }).oauth.publicHubUrl, '/jhub/');
});

test('a whole sign-in never follows X-Forwarded-Host: the grant names the configured hub', async (t) => {
  const hub = await stub(t, (req, res) => {
    if (req.url === '/hub/api/oauth2/token') {
      return json(res, 200, { access_token: 'oauth-tok', token_type: 'Bearer', expires_in: 60, scope: 'x' });
    }
    if (req.url === '/hub/api/user') return json(res, 200, { name: 'alice', token_id: 'oauth-1' });
    if (req.method === 'POST' && req.url === '/hub/api/users/alice/tokens') {
      return json(res, 201, { id: 'tok-9', token: 'minted-secret', scopes: ACCESS, expires_at: null });
    }
    if (req.method === 'DELETE') return void res.writeHead(204).end();
    json(res, 404, {});
  });
  const config = configFor(hub, t, { JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.org/hub/' });
  const base = await serve(t, config);
  const evil = { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https', Host: 'evil.example' };
  const pkce = await createPkcePair();
  const start = await fetch(
    `${base}auth/start?${new URLSearchParams({
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      state: 'editor-state-1',
      redirect_uri: 'http://127.0.0.1:5555/cb',
    }).toString()}`,
    { headers: evil, redirect: 'manual' },
  );
  const location = start.headers.get('location') ?? '';
  assert.equal(start.status, 302);
  const state = new URL(location, 'http://x').searchParams.get('state') ?? '';
  const page = await fetch(`${base}oauth_callback?code=hub-code&state=${encodeURIComponent(state)}`, {
    headers: evil,
  });
  const html = await page.text();
  const code = /id="handoff-code">([^<]+)</.exec(html)?.[1];
  assert.ok(code, html);
  const grant = await fetch(`${base}auth/token`, {
    method: 'POST',
    headers: { ...evil, 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, code_verifier: pkce.verifier }),
  });
  const body = await grant.text();
  assert.equal(grant.status, 200, body);
  assert.equal((JSON.parse(body) as { hub_url: string }).hub_url, config.oauth.publicHubUrl);
  for (const text of [location, html, body]) assert.ok(!text.includes('evil.example'), text);
});

test('a refusal is logged as one info line, with no Error or stack passed to the logger', async (t) => {
  const calls: { level: string; args: unknown[] }[] = [];
  const levels = ['trace', 'debug', 'info', 'warn', 'error'];
  const log = Object.fromEntries(
    levels.map((level) => [level, (...args: unknown[]) => void calls.push({ level, args })]),
  ) as unknown as Logger;
  const hub = await stub(t, (_req, res) => json(res, 404, {}));
  const base = await serve(t, configFor(hub, t), log);
  for (const url of [`${base}api/me`, `${base}api/nope`, new URL('/elsewhere', base).href]) {
    calls.length = 0;
    const res = await fetch(url);
    assert.ok(res.status >= 400 && res.status < 500, url);
    await res.arrayBuffer();
    const refused = calls.filter((c) => String(c.args[0]).includes('refused'));
    assert.equal(refused.length, 1, `${url}: ${JSON.stringify(calls)}`);
    assert.equal(refused[0]?.level, 'info');
    for (const c of calls) {
      assert.ok(c.level !== 'error' && c.level !== 'warn', `${url}: ${c.level} ${String(c.args[0])}`);
      assert.equal(c.args.length, 1, 'only the message');
      assert.equal(typeof c.args[0], 'string');
      assert.ok(!String(c.args[0]).includes('\n'), 'one line, no stack');
    }
  }
});
