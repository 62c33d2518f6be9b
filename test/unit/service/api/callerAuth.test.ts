// A sign-out that lands while the same token is being checked at the hub: the check answers its own request,
// but its answer must not be cached, or the revoked token would be trusted for the cache's lifetime.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../../../src/core/logger';
import { CallerAuth } from '../../../../src/service/api/callerAuth';
import { loadServiceConfig } from '../../../../src/service/config';
import { RequestError } from '../../../../src/service/http';
import { json, startStub } from '../../../support/httpStub';

const ALICE = { name: 'alice', kind: 'user', groups: ['team'], scopes: ['access:services'], token_id: 'a1' };

test('forget() during a check in flight: that answer is not cached, and the next request asks the hub', async (t) => {
  let revoked = false;
  let release: (() => void) | undefined;
  const held: ServerResponse[] = [];
  const hub = await startStub((_req, res) => {
    if (revoked) return json(res, 403, { status: 403, message: 'revoked' });
    held.push(res);
    release?.();
  });
  t.after(() => hub.close());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'caller-forget-'));
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const auth = new CallerAuth(
    loadServiceConfig({
      JUPYTERHUB_API_URL: `${hub.url}hub/api`,
      JUPYTERHUB_API_TOKEN: 'service-secret',
      JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:10101',
      HUB_NOTEBOOKS_DATA_DIR: path.join(tmp, 'data'),
      HUB_NOTEBOOKS_AUTH_CACHE_SECONDS: '300',
    }),
    silentLogger,
  );
  const req = { headers: { authorization: 'token T' } } as IncomingMessage;
  const arrived = new Promise<void>((resolve) => (release = resolve));
  const inFlight = auth.authenticate(req);
  await arrived; // the hub has the check and holds its answer
  auth.forget('T'); // sign-out happens now
  revoked = true;
  for (const res of held) json(res, 200, ALICE); // the hub's yes, given before the revocation
  assert.equal((await inFlight).name, 'alice', 'the request in flight gets its answer');
  await assert.rejects(
    auth.authenticate(req),
    (err: unknown) => err instanceof RequestError && err.status === 401,
    'the next request is checked at the hub again and refused',
  );
  assert.equal(hub.seen.filter((r) => r.url === '/hub/api/user').length, 2);
});
