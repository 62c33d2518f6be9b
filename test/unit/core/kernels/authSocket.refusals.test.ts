// authSocket's refusals: an upgrade answered 401/403 or redirected/424 reaches the hooks, and authFetch puts
// the token in a header (never the URL) and reports 401/403/424. Against a real HTTP server on loopback.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { authFetch, authWebSocketClass } from '../../../../src/core/kernels/authSocket';

type Seen = { auth: number[]; stopped: number[] };
const recorder = (): {
  seen: Seen;
  hooks: { onAuthRefused(s: number): void; onServerStopped(s: number): void };
} => {
  const seen: Seen = { auth: [], stopped: [] };
  return {
    seen,
    hooks: {
      onAuthRefused: (s) => void seen.auth.push(s),
      onServerStopped: (s) => void seen.stopped.push(s),
    },
  };
};

describe('authWebSocketClass refusals', () => {
  const upgrades: { url: string | undefined; authorization: string | undefined }[] = [];
  const server = createServer();
  let base = '';
  before(async () => {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      upgrades.push({ url: req.url, authorization: req.headers.authorization });
      const status = Number(/status=(\d+)/.exec(req.url ?? '')?.[1] ?? 403);
      const location = status >= 300 && status < 400 ? 'Location: /hub/spawn-pending/alice\r\n' : '';
      socket.end(`HTTP/1.1 ${status} No\r\n${location}Content-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** Opens a socket to `?status=N` and waits for it to close. */
  async function refusedWith(status: number): Promise<Seen> {
    const { seen, hooks } = recorder();
    const Socket = authWebSocketClass(() => 'secret-token', hooks);
    const socket = new Socket(`${base}api/kernels/k1/channels?status=${status}`);
    await new Promise<void>((resolve) => (socket.onclose = () => resolve()));
    return seen;
  }

  for (const status of [401, 403]) {
    it(`reports a ${status} upgrade as a refused token`, async () => {
      assert.deepEqual(await refusedWith(status), { auth: [status], stopped: [] });
    });
  }

  for (const status of [302, 424]) {
    it(`reports a ${status} upgrade as a stopped server, without following a redirect`, async () => {
      const before = upgrades.length;
      assert.deepEqual(await refusedWith(status), { auth: [], stopped: [status] });
      assert.equal(upgrades.length, before + 1, 'one upgrade request, no redirect followed');
    });
  }

  it('reports nothing for other refusals, and never puts the token in the URL', async () => {
    assert.deepEqual(await refusedWith(500), { auth: [], stopped: [] });
    assert.ok(upgrades.length > 0);
    for (const upgrade of upgrades) {
      assert.equal(upgrade.authorization, 'token secret-token');
      assert.doesNotMatch(upgrade.url ?? '', /secret-token/);
    }
  });
});

describe('authFetch', () => {
  function fetchAnswering(status: number) {
    const requests: Request[] = [];
    const base = (input: string | URL | Request) => {
      if (!(input instanceof Request)) throw new Error('authFetch hands fetch a Request');
      requests.push(input);
      return Promise.resolve(new Response(null, { status }));
    };
    return { requests, base };
  }

  it('adds the token as an Authorization header and leaves the URL alone', async () => {
    const { requests, base } = fetchAnswering(200);
    const { seen, hooks } = recorder();
    const response = await authFetch(
      () => Promise.resolve('secret-token'),
      hooks,
      base,
    )('https://hub.test/user/alice/api/kernels/k1', { method: 'GET' });
    assert.equal(response.status, 200);
    assert.equal(requests[0]?.headers.get('authorization'), 'token secret-token');
    assert.equal(requests[0]?.url, 'https://hub.test/user/alice/api/kernels/k1');
    assert.deepEqual(seen, { auth: [], stopped: [] });
  });

  it('sends no Authorization header when there is no token', async () => {
    const { requests, base } = fetchAnswering(200);
    await authFetch(() => undefined, recorder().hooks, base)('https://hub.test/x');
    assert.equal(requests[0]?.headers.get('authorization'), null);
  });

  for (const [status, kind] of [
    [401, 'auth'],
    [403, 'auth'],
    [424, 'stopped'],
    [503, undefined],
  ] as const) {
    it(`reports a ${status} ${kind ? `as ${kind}` : 'to no hook'}, and still returns the response`, async () => {
      const { base } = fetchAnswering(status);
      const { seen, hooks } = recorder();
      const response = await authFetch(() => 't', hooks, base)('https://hub.test/x');
      assert.equal(response.status, status);
      assert.deepEqual(seen, {
        auth: kind === 'auth' ? [status] : [],
        stopped: kind === 'stopped' ? [status] : [],
      });
    });
  }
});
