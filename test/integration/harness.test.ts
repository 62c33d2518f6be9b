// The test hub itself: right version, users and groups, the service behind the proxy, PAM logins, and
// servers that really run as their users. Run with HUB_FLAVOR=pypi and HUB_FLAVOR=debian3.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { before, test } from 'node:test';

import { useHub } from '../hub/fixture';
import { serverPid, type HubHandle } from '../hub/harness';
import { field, hubApi, serverPath, serversOf, userNames } from '../hub/hubApi';
import { HubBrowser } from './support/hubBrowser';

let hub: HubHandle;

before(async () => {
  hub = await useHub(); // the runner's hub, or one of our own that stops when this process exits
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const admin = (method: string, path: string): ReturnType<typeof hubApi> =>
  hubApi(hub.url, hub.adminToken, method, path);

function uidOf(user: string): number {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  assert.ok(line, `no passwd entry for ${user}`);
  return Number(line.split(':')[2]);
}

function realUidOfPid(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^Uid:\s+(\d+)/m.exec(status);
  assert.ok(match?.[1], `no Uid line for pid ${pid}`);
  return Number(match[1]);
}

/** Poll a user's server until `done` says so; returns the last server model seen (or undefined). */
async function waitServer(
  user: string,
  name: string,
  done: (s: ReturnType<typeof serversOf>[number] | undefined) => boolean,
  timeoutMs = 40_000,
): Promise<ReturnType<typeof serversOf>[number] | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await admin('GET', `/users/${user}`);
    const server = serversOf(res.body).find((s) => s.name === name);
    if (done(server)) return server;
    assert.ok(Date.now() < deadline, `${user}'s server '${name}' did not settle: ${JSON.stringify(server)}`);
    await sleep(200);
  }
}

/** One login through the hub's form, in a fresh cookie jar. */
/** One login attempt: a wrong password is refused once, not tried again. */
function login(username: string, password: string): Promise<{ status: number; cookies: string[] }> {
  return new HubBrowser(hub.url).submitLogin(username, password);
}

/** A login with the right password, tried again on 5.5.4's xsrf glitch as a user would (hubBrowser.ts). */
function rightLogin(username: string, password: string): Promise<{ status: number; cookies: string[] }> {
  return new HubBrowser(hub.url).submitRightLogin(username, password);
}

test('the hub runs the version its flavour promises', async () => {
  const res = await fetch(`${hub.url}/hub/api`);
  assert.equal(res.status, 200);
  const { version } = (await res.json()) as { version: string };
  assert.equal(version, hub.version);
  assert.match(version, hub.flavor === 'pypi' ? /^5\.5\./ : /^3\.0\./);
});

test('the admin token sees the demo users, and team is exactly alice, bob and carol', async () => {
  const users = await admin('GET', '/users');
  assert.equal(users.status, 200);
  for (const u of ['alice', 'bob', 'carol', 'dave']) assert.ok(userNames(users.body).includes(u), u);
  const team = await admin('GET', '/groups/team');
  assert.equal(team.status, 200);
  assert.deepEqual([...(field(team.body, 'users') as string[])].sort(), ['alice', 'bob', 'carol']);
  const carol = await admin('GET', '/users/carol');
  assert.equal(field(carol.body, 'admin'), true, 'carol is the hub admin');
});

test('the hub-notebooks service answers through the proxy', async () => {
  const res = await fetch(`${hub.url}/services/hub-notebooks/health`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /json/);
});

test("the service token reads the team but cannot touch anyone's server", async () => {
  const team = await hubApi(hub.url, hub.serviceToken, 'GET', '/groups/team');
  assert.equal(team.status, 200);
  assert.deepEqual([...(field(team.body, 'users') as string[])].sort(), ['alice', 'bob', 'carol']);
  const groups = await hubApi(hub.url, hub.serviceToken, 'GET', '/users/alice');
  assert.equal(groups.status, 200);
  assert.deepEqual(field(groups.body, 'groups'), ['team']);
  const spawn = await hubApi(hub.url, hub.serviceToken, 'POST', '/users/alice/server');
  assert.equal(spawn.status, 403);
  // It may manage tokens (to revoke the ones it minted), so it can list them, without their secrets.
  const tokens = await hubApi(hub.url, hub.serviceToken, 'GET', '/users/alice/tokens');
  assert.equal(tokens.status, 200);
});

test('alice logs in with her PAM password; a wrong password is refused', async () => {
  const ok = await rightLogin('alice', hub.passwords.alice);
  assert.equal(ok.status, 302);
  assert.ok(
    ok.cookies.some((c) => c.startsWith('jupyterhub-hub-login=')),
    'a successful login sets the hub login cookie',
  );
  const bad = await login('alice', `${hub.passwords.alice}-wrong`);
  assert.notEqual(bad.status, 302);
  assert.ok(!bad.cookies.some((c) => c.startsWith('jupyterhub-hub-login=')));
  const outsider = await login('root', 'anything');
  assert.notEqual(outsider.status, 302, 'users outside allowed_users cannot log in');
});

test('a signed-in user may authorize the hub-notebooks OAuth client (the user role grants it)', async () => {
  const session = await rightLogin('dave', hub.passwords.dave); // not in team: access comes from the user role
  assert.equal(session.status, 302);
  // The default, host-relative redirect URI the operator's snippet keeps.
  const redirectUri = '/services/hub-notebooks/oauth_callback';
  const query = new URLSearchParams({
    client_id: 'service-hub-notebooks',
    redirect_uri: redirectUri,
    response_type: 'code',
    state: 'test-state',
  });
  const res = await fetch(`${hub.url}/hub/api/oauth2/authorize?${query}`, {
    headers: { Cookie: session.cookies.map((c) => c.split(';')[0]).join('; ') },
    redirect: 'manual',
  });
  const page = await res.text();
  // 200 = the consent page; 302 = straight back to the service. 403 would mean no access:services.
  assert.ok([200, 302].includes(res.status), `authorize answered ${res.status}`);
  if (res.status === 302) assert.ok(res.headers.get('location')?.startsWith(redirectUri));
  else assert.match(page, /hub-notebooks/);
});

test("alice's server spawns through the admin API and runs as alice", async () => {
  const started = Date.now();
  const res = await admin('POST', '/users/alice/server');
  assert.ok([201, 202].includes(res.status), `spawn answered ${res.status}: ${JSON.stringify(res.body)}`);
  await waitServer('alice', '', (s) => s?.ready === true);
  console.log(`# ${hub.flavor}: alice's server ready in ${Date.now() - started} ms`);
  const pid = await serverPid(hub, 'alice');
  assert.ok(pid, 'the admin API exposes the server pid');
  assert.equal(realUidOfPid(pid), uidOf('alice'));
  const status = await fetch(`${hub.url}/user/alice/api/status`, {
    headers: { Authorization: `token ${hub.adminToken}` },
  });
  assert.equal(status.status, 200, 'the server answers through the proxy');
  const stop = await admin('DELETE', serverPath('alice', ''));
  assert.ok([202, 204].includes(stop.status), `stop answered ${stop.status}`);
  await waitServer('alice', '', (s) => s === undefined);
});

test("a named server called 'broken' fails to spawn, and the hub tells why", async () => {
  const res = await admin('POST', serverPath('bob', 'broken'));
  // 202 at once (slow_spawn_timeout = 0); the hook fails a second later, so /progress carries the reason.
  assert.equal(res.status, 202);
  const progress = await fetch(`${hub.url}/hub/api${serverPath('bob', 'broken')}/progress`, {
    headers: { Authorization: `token ${hub.adminToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(progress.status, 200);
  const events = await progress.text();
  assert.match(events, /"failed": ?true/);
  assert.match(events, /Spawn failed: the server named 'broken' always fails to start/);
  const server = await waitServer('bob', 'broken', (s) => s === undefined || s.pending === null, 10_000);
  assert.notEqual(server?.ready, true);
});
