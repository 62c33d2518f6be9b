// Shared helpers for the integration tests: hub clients for the admin and for each demo user, with
// tokens minted through the real hub and revoked afterwards.
import { after } from 'node:test';
import { HubClient } from '../../src/core/hub';
import type { HubHandle } from '../hub/harness';

/** A client with the test-admin service's token. */
export function adminClient(hub: HubHandle): HubClient {
  return new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken, timeoutMs: 15_000 });
}

/** A client with a fresh API token of `user`, revoked when the test file ends. */
export async function userClient(hub: HubHandle, user: string): Promise<HubClient> {
  const admin = adminClient(hub);
  const created = await admin.createToken(user, {
    note: `integration test ${Date.now()}`,
    expiresInSeconds: 3600,
  });
  after(() => admin.revokeToken(user, created.id).catch(() => undefined));
  return new HubClient({ baseUrl: hub.url, getToken: () => created.token, timeoutMs: 15_000 });
}

/** A client with an arbitrary token string. */
export function clientWithToken(hub: HubHandle, token: string): HubClient {
  return new HubClient({ baseUrl: hub.url, getToken: () => token, timeoutMs: 15_000 });
}
