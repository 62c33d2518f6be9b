import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import {
  HubClient,
  InvalidHubResponseError,
  SpawnFailedError,
  type SpawnProgressEvent,
} from '../../../../src/core/hub';
import { json, startStub } from '../../../support/httpStub';

function sse(res: ServerResponse, events: unknown[]): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream' });
  // Split one event across writes, as a proxy may, to exercise the parser's buffering.
  for (const e of events) {
    const text = `data: ${JSON.stringify(e)}\n\n`;
    res.write(text.slice(0, 7));
    res.write(text.slice(7));
  }
  res.end();
}

const readyUser = {
  name: 'alice',
  admin: false,
  groups: ['team'],
  servers: { '': { name: '', ready: true, pending: null, url: '/user/alice/', progress_url: '/x' } },
};

test('startServer follows the progress stream to ready and returns the server', async (t) => {
  const stub = await startStub((req, res) => {
    if (req.method === 'POST') json(res, 202, {});
    else if (req.url.endsWith('/progress')) {
      sse(res, [
        { progress: 0, message: 'Server requested' },
        { progress: 50, message: 'Spawning server...' },
        { progress: 100, ready: true, message: 'Server ready at /user/alice/', url: '/user/alice/' },
      ]);
    } else json(res, 200, readyUser);
  });
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  const events: SpawnProgressEvent[] = [];
  const server = await client.startServer('alice', { onProgress: (e) => events.push(e) });
  assert.equal(server.url, '/user/alice/');
  assert.deepEqual(
    events.map((e) => e.progress),
    [0, 50, 100],
  );
  assert.equal(stub.seen[1]?.url, '/hub/api/users/alice/server/progress');
});

test('a failed spawn is SpawnFailedError with the hub message', async (t) => {
  const stub = await startStub((req, res) => {
    if (req.method === 'POST') json(res, 202, {});
    else
      sse(res, [{ progress: 100, failed: true, message: 'Spawn failed: The process exited with status 1' }]);
  });
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  await assert.rejects(client.startServer('bob', { serverName: 'broken' }), (err: unknown) => {
    assert.ok(err instanceof SpawnFailedError);
    assert.equal(err.serverMessage, 'Spawn failed: The process exited with status 1');
    assert.match(err.message, /bob's server "broken"/);
    return true;
  });
  assert.equal(stub.seen[0]?.url, '/hub/api/users/bob/servers/broken');
});

test('a 500 from POST is a spawn failure with the hub message', async (t) => {
  const stub = await startStub((_req, res) =>
    json(res, 500, { status: 500, message: 'Unhandled error starting server' }),
  );
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  await assert.rejects(client.startServer('alice'), (err: unknown) => {
    assert.ok(err instanceof SpawnFailedError);
    assert.equal(err.serverMessage, 'Unhandled error starting server');
    return true;
  });
});

test('a spawn the hub forgets (progress says "not starting") is SpawnFailedError, not a generic 400', async (t) => {
  const stub = await startStub((req, res) => {
    if (req.method === 'POST') json(res, 202, {});
    else if (req.url.endsWith('/progress'))
      json(res, 400, { status: 400, message: 'bob:x is not starting...' });
    else json(res, 200, { name: 'bob', servers: {} });
  });
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  await assert.rejects(client.startServer('bob', { serverName: 'x' }), (err: unknown) => {
    assert.ok(err instanceof SpawnFailedError, String(err));
    assert.equal(err.serverMessage, 'bob:x is not starting...');
    return true;
  });
});

test('a progress stream that ends without a verdict still returns a server that came up', async (t) => {
  const stub = await startStub((req, res) => {
    if (req.method === 'POST') json(res, 202, {});
    else if (req.url.endsWith('/progress')) sse(res, [{ progress: 10, message: 'Server requested' }]);
    else json(res, 200, readyUser);
  });
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  assert.equal((await client.startServer('alice')).ready, true);
});

test('a payload of the wrong shape is InvalidHubResponseError naming the field', async (t) => {
  const stub = await startStub((_req, res) =>
    json(res, 200, { name: 'alice', servers: { '': { ready: 'yes' } } }),
  );
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  await assert.rejects(client.listServers('alice'), (err: unknown) => {
    assert.ok(err instanceof InvalidHubResponseError);
    assert.match(err.message, /servers\.\.(name|ready|url)/);
    return true;
  });
});

test('stopServer waits through 202 until the server is gone', async (t) => {
  let polls = 0;
  const stub = await startStub((req, res) => {
    if (req.method === 'DELETE') json(res, 202, {});
    else if (++polls < 3)
      json(res, 200, { ...readyUser, servers: { '': { ...readyUser.servers[''], pending: 'stop' } } });
    else json(res, 200, { ...readyUser, servers: {} });
  });
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  await client.stopServer('alice', { pollMs: 10 });
  assert.equal(polls, 3);
});

test('tokens: 3.0 lists OAuth tokens apart; both lists come back as one', async (t) => {
  const stub = await startStub((_req, res) =>
    json(res, 200, {
      api_tokens: [{ id: 'a1', kind: 'api_token', note: 'cli', scopes: ['inherit'] }],
      oauth_tokens: [{ id: 'o2', kind: 'api_token', oauth_client: 'service-hub-notebooks' }],
    }),
  );
  t.after(() => stub.close());
  const client = new HubClient({ baseUrl: stub.url, getToken: () => 't' });
  const tokens = await client.listTokens('alice');
  assert.deepEqual(
    tokens.map((x) => x.id),
    ['a1', 'o2'],
  );
});
