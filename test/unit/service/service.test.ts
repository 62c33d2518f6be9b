import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { silentLogger } from '../../../src/core/logger';
import { loadServiceConfig } from '../../../src/service/config';
import { createServiceServer } from '../../../src/service/server';

const env = {
  JUPYTERHUB_SERVICE_NAME: 'hub-notebooks',
  JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api',
  JUPYTERHUB_API_TOKEN: 'service-secret',
  JUPYTERHUB_SERVICE_PREFIX: '/services/hub-notebooks',
  JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
};

test('config comes from the environment JupyterHub gives a managed service', () => {
  const config = loadServiceConfig(env);
  assert.equal(config.prefix, '/services/hub-notebooks/');
  assert.equal(config.port, 10101);
  assert.equal(config.host, '127.0.0.1');
});

test('a missing variable is named, and the token never appears in the error', () => {
  assert.throws(
    () => loadServiceConfig({ ...env, JUPYTERHUB_API_URL: undefined }),
    (err: Error) => err.message.includes('JUPYTERHUB_API_URL') && !err.message.includes('service-secret'),
  );
});

test('the health endpoint answers under the prefix and nothing answers outside it', async (t) => {
  const lines: string[] = [];
  const server = createServiceServer(loadServiceConfig(env), '1.2.3', {
    ...silentLogger,
    info: (m) => lines.push(m),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const health = await fetch(`${base}/services/hub-notebooks/health?token=should-not-be-logged`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok', service: 'hub-notebooks', version: '1.2.3' });
  assert.equal((await fetch(`${base}/other`)).status, 404);
  assert.equal((await fetch(`${base}/services/hub-notebooks/nope`)).status, 404);
  assert.ok(lines.length >= 3);
  assert.ok(
    lines.every((l) => !l.includes('should-not-be-logged')),
    'query strings are not logged',
  );
});
