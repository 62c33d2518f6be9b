// The router through the real server: every documented (method, path) reaches its operation, nothing else
// does, and the query is checked (once per name, by the operation's schema) before any handler runs. The
// OpenAPI document only means something if the routes the service answers are exactly the ones it lists.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SUPPORTED_NAME_RULE } from '../../../src/core/catalog/schemas';
import { silentLogger } from '../../../src/core/logger';
import type { Operation } from '../../../src/service/api/operation';
import { OPERATIONS } from '../../../src/service/operations';
import { ERROR_HEADER } from '../../../src/service/auth/pages';
import { loadServiceConfig } from '../../../src/service/config';
import { Router } from '../../../src/service/router';
import { createServiceServer } from '../../../src/service/server';
import { json, startStub, type HttpStub } from '../../support/httpStub';

const PREFIX = '/services/hub-notebooks/';
const GOOD_TOKEN = 'good-token';
const ALICE = {
  name: 'alice',
  kind: 'user',
  groups: ['team'],
  scopes: ['access:services!service=hub-notebooks'],
};
/** Every method a client could send; the ones an operation does not document must be refused. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

let hub: HttpStub;
let server: Server;
let base: string;
let tmp: string;

before(async () => {
  hub = await startStub((req, res) => {
    // The service's own token lists groups (one team, alice and bob; one page); users' tokens identify them.
    if (req.headers.authorization === 'token service-secret' && req.url.startsWith('/hub/api/groups')) {
      const offset = new URL(req.url, 'http://hub').searchParams.get('offset');
      return json(res, 200, offset === '0' ? [{ name: 'team', users: ['alice', 'bob'] }] : []);
    }
    if (req.headers.authorization !== `token ${GOOD_TOKEN}`) return json(res, 403, { message: 'no' });
    if (req.url.startsWith('/hub/api/user')) return json(res, 200, ALICE);
    json(res, 404, { message: 'not stubbed' });
  });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'router-test-'));
  const config = loadServiceConfig({
    JUPYTERHUB_API_URL: `${hub.url}hub/api`,
    JUPYTERHUB_API_TOKEN: 'service-secret',
    JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
    HUB_NOTEBOOKS_DATA_DIR: path.join(tmp, 'data'),
    HUB_NOTEBOOKS_HOME: path.join(tmp, 'home', '{username}'),
  });
  server = createServiceServer(config, '0.0.0-test', silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await hub.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A query the operation's schema accepts, from the examples the document gives its readers. */
function validQuery(op: Operation): string {
  return new URLSearchParams(op.queryExamples ?? {}).toString();
}

function request(method: string, opPath: string, query = '', headers: Record<string, string> = {}) {
  return fetch(`${base}${opPath}${query ? `?${query}` : ''}`, { method, headers });
}

/** The methods the document lists for a path, HEAD included where an operation answers it. */
function documentedMethods(opPath: string): Set<string> {
  const methods = new Set<string>();
  for (const op of OPERATIONS.filter((o) => o.path === opPath)) {
    methods.add(op.method);
    if (op.head) methods.add('HEAD');
  }
  return methods;
}

/** True when the answer is the router's own "no such endpoint" or "wrong method", not an operation's. */
async function isRouterRefusal(res: Response): Promise<boolean> {
  if (res.status === 405) return true;
  if (res.status !== 404 || res.headers.get('content-type')?.includes('json') !== true) return false;
  const body = (await res.clone().json()) as { message?: string };
  return body.message?.startsWith('No such endpoint') === true;
}

const CHALLENGE = 'c'.repeat(43);

describe('every documented route reaches its operation', () => {
  test('caller operations check the token first: 401 without one, for GET and HEAD alike', async () => {
    const callerOps = OPERATIONS.filter((op) => op.auth === 'caller');
    assert.ok(callerOps.length >= 10, 'the catalog operations are all caller operations');
    for (const op of callerOps) {
      for (const method of op.head ? [op.method, 'HEAD'] : [op.method]) {
        const res = await request(method, op.path, validQuery(op));
        assert.equal(res.status, 401, `${method} ${op.path}`);
        if (method !== 'HEAD') {
          assert.deepEqual(((await res.json()) as { error: string }).error, 'unauthorized', op.id);
        }
      }
    }
  });

  test('with a token the hub accepts, each caller operation answers for itself, not the router', async () => {
    for (const op of OPERATIONS.filter((o) => o.auth === 'caller')) {
      const res = await request(op.method, op.path, validQuery(op), {
        Authorization: `token ${GOOD_TOKEN}`,
      });
      assert.ok(!(await isRouterRefusal(res)), `${op.method} ${op.path} → ${res.status}`);
      assert.notEqual(res.status, 401, `${op.id}: the hub accepted the token`);
      await res.arrayBuffer();
    }
    const me = await request('GET', 'api/me', '', { Authorization: `token ${GOOD_TOKEN}` });
    assert.deepEqual(await me.json(), { name: 'alice', groups: ['team'], maintainer: false });
  });

  test('the service and sign-in operations answer from their handlers', async () => {
    const health = await request('GET', 'health');
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const headHealth = await request('HEAD', 'health');
    assert.equal(headHealth.status, 200);
    assert.equal((await headHealth.text()).length, 0, 'HEAD has no body');
    const doc = await request('GET', 'openapi.json');
    assert.equal(((await doc.json()) as { openapi: string }).openapi, '3.1.0');

    const start = await fetch(
      `${base}auth/start?${new URLSearchParams({
        code_challenge: CHALLENGE,
        code_challenge_method: 'S256',
        state: 'client-state-1',
        redirect_uri: 'http://127.0.0.1:5555/callback',
      }).toString()}`,
      { redirect: 'manual' },
    );
    assert.equal(start.status, 302);
    assert.match(start.headers.get('location') ?? '', /hub\/api\/oauth2\/authorize\?/);

    // An unknown state is the handler's refusal: the router checked only that the state was given.
    const callback = await request('GET', 'oauth_callback', 'state=never-issued-state');
    assert.equal(callback.status, 400);
    assert.equal(callback.headers.get(ERROR_HEADER), 'unknown_state');

    const token = await fetch(`${base}auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'no-such-code', code_verifier: 'v'.repeat(43) }),
    });
    assert.equal(token.status, 400);
    assert.deepEqual(((await token.json()) as { error: string }).error, 'invalid_grant');

    // `bearer`: the handler itself asks for the token, with its own error code.
    const revoke = await request('POST', 'auth/revoke');
    assert.equal(revoke.status, 401);
    assert.equal(((await revoke.json()) as { error: string }).error, 'invalid_token');
  });
});

describe('nothing undocumented is answered', () => {
  test('another method on a documented path is 405 with Allow naming exactly the documented ones', async () => {
    const paths = [...new Set(OPERATIONS.map((op) => op.path))];
    for (const opPath of paths) {
      const documented = documentedMethods(opPath);
      for (const method of METHODS.filter((m) => !documented.has(m))) {
        const res = await request(method, opPath);
        assert.equal(res.status, 405, `${method} ${opPath}`);
        const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
        assert.deepEqual(new Set(allow), documented, `Allow of ${opPath}`);
        if (method !== 'HEAD') {
          assert.equal(((await res.json()) as { error: string }).error, 'method_not_allowed');
        }
      }
    }
  });

  test('HEAD is refused on GET operations that do not document it', async () => {
    const getOnly = OPERATIONS.filter((op) => op.method === 'GET' && !op.head);
    assert.ok(getOnly.length > 0);
    for (const op of getOnly) assert.equal((await request('HEAD', op.path)).status, 405, op.id);
  });

  test('an unknown path, under the prefix or not, is a 404 in JSON', async () => {
    for (const url of [`${base}api/nope`, `${base}api/me/`, `${base}API/me`, `${base}`, 'other']) {
      const res = await fetch(url.startsWith('http') ? url : new URL(`/${url}`, base));
      assert.equal(res.status, 404, url);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(((await res.json()) as { error: string }).error, 'not_found');
    }
  });
});

describe('the query is checked by the operation before its handler, after the token', () => {
  const signedIn = { authorization: `token ${GOOD_TOKEN}` };

  test('without a valid token a bad query is a 401: the query checks tell a stranger nothing', async () => {
    const res = await request('GET', 'api/supported/versions', 'name=a&name=b');
    assert.equal(res.status, 401);
  });

  test('a parameter given twice is refused, not one of its values picked', async () => {
    const res = await request('GET', 'api/supported/versions', 'name=a&name=b', signedIn);
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: string; message: string };
    assert.equal(body.error, 'invalid_name');
    assert.match(body.message, /Give `name` once, not 2 times/);

    const team = await request('GET', 'api/team/list', 'user=bob&user=bob', signedIn);
    assert.equal(team.status, 400, 'even when both values agree');

    const start = await request('GET', 'auth/start', 'state=aaaaaaaa&state=bbbbbbbb');
    assert.equal(start.status, 400);
    assert.match(start.headers.get('content-type') ?? '', /text\/html/, 'sign-in refusals are pages');
  });

  test('a malformed name is 400 invalid_name with the rule, for every operation that takes one', async () => {
    const named = OPERATIONS.filter((op) => op.query && 'name' in op.query.shape);
    assert.deepEqual(named.map((op) => op.id).sort(), [
      'getSupportedAudit',
      'getSupportedFile',
      'getSupportedVersions',
      'publishSupported',
      'rollbackSupported',
    ]);
    for (const bad of ['Upper', '-leading-dash', '../etc', 'x'.repeat(65)]) {
      for (const op of named) {
        const query = new URLSearchParams({ ...op.queryExamples, name: bad }).toString();
        const res = await request(op.method, op.path, query, signedIn);
        assert.equal(res.status, 400, `${op.id} ${bad}`);
        const body = (await res.json()) as { error: string; message: string };
        assert.deepEqual(body, { error: 'invalid_name', message: SUPPORTED_NAME_RULE }, `${op.id} ${bad}`);
      }
    }
  });
});

describe('the router is built from operations and handlers that match', () => {
  const op: Operation = {
    id: 'probe',
    method: 'GET',
    path: 'probe',
    tag: 'service',
    summary: 'a probe',
    auth: 'none',
    maxQueryLength: 100,
    responses: {},
  };
  const authenticate = () => Promise.reject(new Error('not used'));

  test('an operation without a handler throws', () => {
    assert.throws(
      () => new Router([op], {}, authenticate, silentLogger),
      /no handler for the operation probe/,
    );
  });

  test('a handler without an operation throws', () => {
    assert.throws(
      () => new Router([op], { probe: () => undefined, stray: () => undefined }, authenticate, silentLogger),
      /handlers without an operation: stray/,
    );
  });

  test('matching ones build', () => {
    assert.ok(new Router([op], { probe: () => undefined }, authenticate, silentLogger));
  });
});
