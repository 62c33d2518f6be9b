// Shared helpers for the integration tests: hub clients for the admin and for each demo user, with
// tokens minted through the real hub and revoked when the test file ends.
import { HubClient } from '../../src/core/hub';
import type { HubHandle } from '../hub/harness';
import { recordIssuedToken, traceLogger } from './support/secrets';

/** A client with the test-admin service's token. */
export function adminClient(hub: HubHandle): HubClient {
  return new HubClient({
    baseUrl: hub.url,
    getToken: () => hub.adminToken,
    timeoutMs: 15_000,
    logger: traceLogger('admin'),
  });
}

/** A client with an arbitrary token string. */
export function clientWithToken(hub: HubHandle, token: string): HubClient {
  return new HubClient({
    baseUrl: hub.url,
    getToken: () => token,
    timeoutMs: 15_000,
    logger: traceLogger('client'),
  });
}

/**
 * Mints user tokens through the admin API and revokes them all in `revokeAll()`, which a test file calls
 * from its top-level `after` (a hook registered inside `before` would run right after `before`).
 */
export class TokenJar {
  private readonly minted: { user: string; id: string }[] = [];

  constructor(private readonly hub: HubHandle) {}

  /** A client with a fresh API token of `user`, valid for an hour. */
  async client(user: string): Promise<HubClient> {
    const created = await adminClient(this.hub).createToken(user, {
      note: `hub-notebooks integration test ${Date.now()}`,
      expiresInSeconds: 3600,
    });
    this.minted.push({ user, id: created.id });
    recordIssuedToken(created.token);
    return clientWithToken(this.hub, created.token);
  }

  async revokeAll(): Promise<void> {
    const admin = adminClient(this.hub);
    for (const { user, id } of this.minted.splice(0))
      await admin.revokeToken(user, id).catch(() => undefined);
  }
}
