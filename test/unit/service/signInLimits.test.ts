// The sign-in rate limit counts every request a client makes to auth/start and auth/token, malformed ones
// too: a flood of garbage must hit the limit as fast as a flood of well-formed requests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../../src/core/logger';
import { loadServiceConfig } from '../../../src/service/config';
import { createServiceServer } from '../../../src/service/server';

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
