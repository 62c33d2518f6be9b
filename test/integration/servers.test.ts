// Starting, listing and stopping servers on the real hub, and the faults a client meets on the way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CrossOriginRedirectError,
  HubUnavailableError,
  ServerNotRunningError,
  SpawnFailedError,
  type HubClient,
  type SpawnProgressEvent,
} from '../../src/core/hub';
import { useHub } from '../hub/fixture';
import { serverPid, type HubHandle } from '../hub/harness';
import { startStub } from '../support/httpStub';
import { adminClient, clientWithToken, TokenJar } from './clients';

let hub: HubHandle;
let jar: TokenJar;
let alice: HubClient;
before(async () => {
  hub = await useHub();
  jar = new TokenJar(hub);
  alice = await jar.client('alice');
});
after(async () => {
  for (const name of ['', 'second']) {
    await alice.stopServer('alice', { serverName: name }).catch(() => undefined);
  }
  await jar.revokeAll();
});

test('start follows spawn progress: at least one progress event before ready', async (t) => {
  const events: SpawnProgressEvent[] = [];
  const started = Date.now();
  const server = await alice.startServer('alice', { onProgress: (e) => events.push(e) });
  t.diagnostic(`spawn took ${Date.now() - started} ms with ${events.length} events`);
  assert.equal(server.ready, true);
  assert.match(server.url, /\/user\/alice\/$/);
  const readyAt = events.findIndex((e) => e.ready === true);
  assert.ok(readyAt >= 1, `progress before ready: ${JSON.stringify(events)}`);
  assert.ok(events.slice(0, readyAt).every((e) => !e.ready && !e.failed));
  const status = await alice.getServerStatus('alice');
  assert.equal(typeof status.started, 'string');
});

test('list servers includes named ones', async () => {
  await alice.startServer('alice', { serverName: 'second' });
  const servers = await alice.listServers('alice');
  assert.deepEqual(Object.keys(servers).sort(), ['', 'second']);
  assert.equal(servers.second?.ready, true);
  await alice.stopServer('alice', { serverName: 'second' });
  const afterStop = await alice.listServers('alice');
  assert.ok(!afterStop.second?.ready, 'the named server is no longer ready');
});

test('a stopped server is the not-running error, through same-origin redirects that keep the token', async () => {
  await alice.startServer('alice');
  await alice.stopServer('alice');
  assert.ok(!(await alice.listServers('alice'))['']?.ready);
  await assert.rejects(alice.getServerStatus('alice'), (err: unknown) => {
    assert.ok(err instanceof ServerNotRunningError, String(err));
    assert.equal(err.status, 424);
    assert.ok(err.serverMessage, 'carries the hub message');
    // The proxy sent the request to the hub, which redirected it to /hub/user/...: followed, with the token.
    assert.match(err.url ?? '', /\/hub\/user\/alice\/api\/status$/);
    return true;
  });
});

test('a killed server process is the unavailable error, not a hang', async (t) => {
  await alice.startServer('alice');
  const pid = await serverPid(hub, 'alice');
  assert.ok(pid, 'the harness found the server process');
  process.kill(pid, 'SIGKILL');
  const started = Date.now();
  await assert.rejects(alice.getServerStatus('alice'), (err: unknown) => {
    assert.ok(err instanceof HubUnavailableError, String(err));
    return true;
  });
  t.diagnostic(`unavailable reported in ${Date.now() - started} ms`);
  await alice.stopServer('alice').catch(() => undefined);
});

test('a spawn that fails at once is reported with the hub message', async () => {
  const bob = await jar.client('bob');
  await assert.rejects(bob.startServer('bob', { serverName: 'broken' }), (err: unknown) => {
    assert.ok(err instanceof SpawnFailedError, String(err));
    assert.match(err.serverMessage ?? '', /Spawn failed|exited|failed/i);
    assert.match(err.message, /bob's server "broken"/);
    return true;
  });
  await bob.stopServer('bob', { serverName: 'broken' }).catch(() => undefined);
});

test('a redirect to another origin does not carry the token', async (t) => {
  const other = await startStub((_req, res) => res.writeHead(200).end('{}'));
  t.after(() => other.close());
  // A front door at one origin that sends every request to another: the real hub's API sits behind it.
  const front = await startStub((req, res) =>
    res.writeHead(302, { Location: `${other.url}${req.url.slice(1)}` }).end(),
  );
  t.after(() => front.close());
  const token = hub.adminToken;
  await assert.rejects(
    clientWithToken({ ...hub, url: front.url }, token).getCurrentUser(),
    CrossOriginRedirectError,
  );
  assert.equal(front.seen[0]?.headers.authorization, `token ${token}`, 'the chosen origin got the token');
  assert.equal(other.seen.length, 0, 'the other origin got nothing');
  // And the admin client against the real hub still works: nothing was revoked or leaked on the way.
  assert.ok((await adminClient(hub).getVersion()).version);
});
