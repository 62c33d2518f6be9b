// The sign-in limits. The rate limit counts every request a client makes to auth/start and auth/token,
// malformed ones too: a flood of garbage must hit the limit as fast as a flood of well-formed requests. And
// their parts on their own (hardening findings): a full group in ExpiringStore loses only its own oldest
// entry (or, set to refuse, a full store says no), ClientLimits answers a client's (N+1)th request in a
// minute with 429, and clientAddress counts trusted proxies from the right of X-Forwarded-For (through the
// whole server, in hardening.test.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../../../src/core/logger';
import { ClientLimits, clientAddress } from '../../../../src/service/auth/clientLimits';
import { ExpiringStore } from '../../../../src/service/auth/expiringStore';
import { loadServiceConfig } from '../../../../src/service/config';
import { RequestError } from '../../../../src/service/http';
import { createServiceServer } from '../../../../src/service/server';

test('malformed sign-in requests count against the per-client limit, before their parameters are read', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sign-in-limits-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const config = loadServiceConfig({
    JUPYTERHUB_API_URL: 'http://127.0.0.1:9/hub/api',
    JUPYTERHUB_API_TOKEN: 'service-secret',
    JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
    HUB_NOTEBOOKS_DATA_DIR: path.join(tmp, 'data'),
    HUB_NOTEBOOKS_SIGN_IN_RATE_LIMIT: '3',
  });
  const server = createServiceServer(config, '0.0.0-test', silentLogger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${config.prefix}`;
  const statuses = async (send: () => Promise<Response>): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await send();
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };
  assert.deepEqual(await statuses(() => fetch(`${base}auth/start?state=x`)), [400, 400, 400, 429, 429]);
  const post = () => fetch(`${base}auth/token`, { method: 'POST', body: '{"code":""}' });
  assert.deepEqual(await statuses(post), [400, 400, 400, 429, 429], 'auth/token has a budget of its own');
  const limited = await fetch(`${base}auth/start`);
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1, 'Retry-After says when to come back');
  assert.match(limited.headers.get('content-type') ?? '', /text\/html/, 'the browser gets a page');
});

test('ExpiringStore: a full group loses only its own oldest entry', () => {
  const expired: string[] = [];
  const store = new ExpiringStore<string>({
    ttlMs: 60_000,
    maxEntries: 100,
    maxPerGroup: 2,
    onExpire: (v) => expired.push(v),
  });
  assert.equal(store.set('other-1', 'O1', 'other'), true);
  assert.equal(store.set('a-1', 'A1', 'a'), true);
  assert.equal(store.set('a-2', 'A2', 'a'), true);
  assert.equal(store.set('a-3', 'A3', 'a'), true);
  assert.deepEqual(expired, ['A1']);
  assert.equal(store.get('a-1').status, 'expired');
  assert.equal(store.get('a-2').status, 'live');
  assert.equal(store.get('other-1').status, 'live', 'another group keeps its entries');
  store.delete('a-2');
  assert.equal(store.set('a-4', 'A4', 'a'), true);
  assert.deepEqual(expired, ['A1'], 'a deleted entry frees its place in the group');
});

test("ExpiringStore with whenFull 'refuse' keeps what it has and says no", () => {
  const store = new ExpiringStore<string>({ ttlMs: 60_000, maxEntries: 2, whenFull: 'refuse' });
  assert.equal(store.set('a', 'A'), true);
  assert.equal(store.set('b', 'B'), true);
  assert.equal(store.set('c', 'C'), false);
  assert.equal(store.get('a').status, 'live');
  assert.equal(store.get('b').status, 'live');
  assert.equal(store.get('c').status, 'unknown');
  assert.equal(store.size, 2);
});

test('ClientLimits: the (N+1)th request of a client in a minute is 429, other clients and steps unaffected', async () => {
  const limits = new ClientLimits(3);
  for (let i = 0; i < 3; i++) await limits.take('start', '10.0.0.1');
  await assert.rejects(
    limits.take('start', '10.0.0.1'),
    (err: unknown) =>
      err instanceof RequestError &&
      err.status === 429 &&
      err.retryAfterSeconds !== undefined &&
      err.retryAfterSeconds >= 1 &&
      err.message.includes(`${err.retryAfterSeconds} s`),
  );
  await limits.take('start', '10.0.0.2');
  await limits.take('token', '10.0.0.1');
});

test('clientAddress counts trusted proxies from the right of X-Forwarded-For, else the socket', () => {
  const req = (xff: string | string[] | undefined) =>
    ({
      headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      socket: { remoteAddress: '192.0.2.9' },
    }) as unknown as IncomingMessage;
  const chain = 'spoofed, 203.0.113.7, 10.0.0.5';
  assert.equal(clientAddress(req(chain), 1), '10.0.0.5');
  assert.equal(clientAddress(req(chain), 2), '203.0.113.7');
  assert.equal(clientAddress(req(['spoofed, 203.0.113.7', '10.0.0.5']), 2), '203.0.113.7');
  assert.equal(clientAddress(req(undefined), 1), '192.0.2.9');
  assert.equal(clientAddress(req(chain), 0), '192.0.2.9', 'no trusted proxy: the header is ignored');
});
