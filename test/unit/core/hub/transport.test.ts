import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CrossOriginRedirectError,
  HubAuthError,
  HubClient,
  HubNotFoundError,
  HubUnavailableError,
  NotAJupyterHubError,
  ServerNotRunningError,
  createHubTransport,
  normaliseBaseUrl,
} from '../../../../src/core/hub';
import { json, startStub } from '../../../support/httpStub';

const TOKEN = 'secret-token-value';

test('the token goes in the Authorization header, never in the URL', async (t) => {
  const stub = await startStub((_req, res) => json(res, 200, { version: '5.5.4' }));
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => TOKEN });
  await client.getVersion();
  assert.equal(stub.seen[0]?.headers.authorization, `token ${TOKEN}`);
  assert.ok(!stub.seen[0]?.url.includes(TOKEN));
  assert.equal(stub.seen[0]?.url, '/hub/api');
});

test('a hub under a path prefix keeps the prefix', async (t) => {
  const stub = await startStub((_req, res) => json(res, 200, { version: '5.5.4' }));
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: `${stub.url}jhub`, getToken: () => undefined });
  await client.getVersion();
  assert.equal(stub.seen[0]?.url, '/jhub/hub/api');
  assert.equal(stub.seen[0]?.headers.authorization, undefined, 'no header when signed out');
});

test('same-origin redirects are followed with the token; cross-origin ones are refused without a request', async (t) => {
  const elsewhere = await startStub((_req, res) => json(res, 200, { name: 'mallory' }));
  t.after(() => elsewhere.close());
  const hub = await startStub((req, res) => {
    if (req.url === '/hub/api/user') {
      res.writeHead(302, { Location: '/hub/api/user2' }).end();
    } else if (req.url === '/hub/api/user2') {
      res.writeHead(307, { Location: `${elsewhere.url}steal` }).end();
    } else json(res, 404, {});
  });
  t.after(() => hub.close());
  const client = new HubClient({ baseUrl: hub.url, getToken: () => TOKEN });
  await assert.rejects(client.getCurrentUser(), (err: unknown) => {
    assert.ok(err instanceof CrossOriginRedirectError);
    assert.match(err.message, /another site/);
    assert.ok(!err.message.includes(TOKEN));
    return true;
  });
  assert.equal(hub.seen.length, 2);
  assert.equal(hub.seen[1]?.headers.authorization, `token ${TOKEN}`, 'same-origin hop keeps the token');
  assert.equal(elsewhere.seen.length, 0, 'the other origin never got a request');
});

test('statuses map to typed errors carrying the server message', async (t) => {
  const answers: Record<string, [number, unknown]> = {
    '/hub/api/users/a': [403, { status: 403, message: 'Missing or invalid credentials' }],
    '/hub/api/users/b': [424, { message: 'Server not running' }],
    '/hub/api/users/c': [503, '<html><title>503: Service Unavailable</title></html>'],
    '/hub/api/users/d': [404, { message: 'No such user' }],
  };
  const stub = await startStub((req, res) => {
    const [status, body] = answers[req.url] ?? [500, {}];
    if (typeof body === 'string') res.writeHead(status, { 'Content-Type': 'text/html' }).end(body);
    else json(res, status, body);
  });
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => TOKEN });
  const cases = [
    ['a', HubAuthError, 'Missing or invalid credentials'],
    ['b', ServerNotRunningError, 'Server not running'],
    ['c', HubUnavailableError, '503: Service Unavailable'],
    ['d', HubNotFoundError, 'No such user'],
  ] as const;
  for (const [user, type, said] of cases) {
    await assert.rejects(client.getUser(user), (err: unknown) => {
      assert.ok(err instanceof type, `${user}: ${String(err)}`);
      assert.equal(err.serverMessage, said);
      assert.ok(err.message.includes(said));
      return true;
    });
  }
});

test('a refused connection is HubUnavailableError, fast', async (t) => {
  const stub = await startStub(() => undefined);
  const url = stub.url;
  await stub.close();
  const client = new HubClient({ baseUrl: url, getToken: () => TOKEN, timeoutMs: 2000 });
  await assert.rejects(client.getVersion(), HubUnavailableError);
  t.diagnostic('refused connection mapped');
});

test('a server that never answers times out as HubUnavailableError', async (t) => {
  const stub = await startStub(() => undefined);
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => TOKEN, timeoutMs: 300 });
  await assert.rejects(client.getVersion(), (err: unknown) => {
    assert.ok(err instanceof HubUnavailableError);
    assert.match(err.message, /did not answer in time/);
    return true;
  });
});

test('an aborted call rejects with the signal reason', async (t) => {
  const stub = await startStub(() => undefined);
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => TOKEN });
  const controller = new AbortController();
  const pending = client.getVersion(controller.signal);
  controller.abort(new Error('user cancelled'));
  await assert.rejects(pending, /user cancelled/);
});

test('a web page that is not a JupyterHub is reported as such', async (t) => {
  const stub = await startStub((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>hi</h1>'),
  );
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => TOKEN });
  await assert.rejects(client.getVersion(), (err: unknown) => {
    assert.ok(err instanceof NotAJupyterHubError);
    assert.match(err.message, /is not a JupyterHub/);
    return true;
  });
});

test('base URLs are normalised and only http(s) is accepted', () => {
  assert.equal(
    normaliseBaseUrl('https://hub.example.org/jhub?x=1#y').toString(),
    'https://hub.example.org/jhub/',
  );
  assert.throws(() => normaliseBaseUrl('file:///etc/passwd'), /must start with https/);
  assert.throws(() => createHubTransport({ baseUrl: 'not a url', getToken: () => undefined }), TypeError);
});

test('a request path that names another host is refused before anything is sent', async (t) => {
  const stub = await startStub((_req, res) => json(res, 200, {}));
  t.after(() => stub.close());
  const transport = createHubTransport({ baseUrl: stub.url, getToken: () => TOKEN });
  const other = new URL(stub.url);
  other.hostname = 'localhost';
  for (const path of [other.href, `//localhost:${other.port}/x`, '\\\\localhost/x']) {
    await assert.rejects(transport.request({ method: 'GET', path }), CrossOriginRedirectError, path);
  }
  assert.equal(stub.seen.length, 0);
});
