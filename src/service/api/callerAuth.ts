import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HubAuthError, HubClient, HubError, createHubTransport } from '../../core/hub';
import type { Logger } from '../../core/logger';
import { hubBaseFromApiUrl, type ServiceConfig } from '../config';
import { RequestError, bearerOf } from '../http';
import type { Caller } from './routes';

const MAX_FORGOTTEN = 10_000;

interface CacheEntry {
  caller: Caller;
  expires: number;
}

/**
 * Checks the hub token a catalog request carries, the way JupyterHub's own HubAuth does: `GET /hub/api/user`
 * with that token, and the token must grant access to this service. Groups come with that answer when the
 * token may read them, else from the hub with the service's own token, so a narrow user token still gets the
 * right team. Answers are cached briefly under a hash of the token (never the token itself).
 */
export class CallerAuth {
  private readonly cache = new Map<string, CacheEntry>();
  /** When each forgotten token was forgotten, as a count of forget() calls. */
  private readonly forgotten = new Map<string, number>();
  private generation = 0;
  private readonly serviceHub: HubClient;

  constructor(
    private readonly config: ServiceConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.serviceHub = this.hubFor(config.apiToken);
  }

  /** Resolves the caller or throws RequestError 401 (no or bad token), 403 (no access) or 503. */
  async authenticate(req: IncomingMessage, signal?: AbortSignal): Promise<Caller> {
    const token = bearerOf(req);
    if (!token) {
      throw new RequestError(401, 'unauthorized', 'Send your hub token in the Authorization header.');
    }
    const key = cacheKey(token);
    const hit = this.cache.get(key);
    if (hit && hit.expires > this.now()) return hit.caller;
    const generation = this.generation;
    let caller: Caller;
    try {
      caller = await this.check(token, signal);
    } catch (err) {
      // A refusal ends whatever an earlier answer vouched for, even one a concurrent check is about to cache.
      if (err instanceof RequestError && (err.status === 401 || err.status === 403)) this.forget(token);
      throw err;
    }
    this.prune();
    // A check that was already on its way when the token was forgotten answers its own request, but is not
    // remembered: the hub said yes before the token was revoked.
    if ((this.forgotten.get(key) ?? -1) < generation) {
      this.cache.set(key, { caller, expires: this.now() + this.config.catalog.authCacheMs });
    }
    return caller;
  }

  /** Forgets a token at once, so a revoked token is refused on its very next request, not when the cache expires. */
  forget(token: string): void {
    const key = cacheKey(token);
    this.cache.delete(key);
    this.forgotten.set(key, this.generation++);
    // Only checks in flight care, and none outlives its 10 s timeout by much: keep the last few thousand.
    if (this.forgotten.size > MAX_FORGOTTEN) {
      const oldest = this.forgotten.keys().next();
      if (!oldest.done) this.forgotten.delete(oldest.value);
    }
  }

  private async check(token: string, signal?: AbortSignal): Promise<Caller> {
    try {
      const user = await this.hubFor(token).getCurrentUser(signal);
      if (user.kind !== undefined && user.kind !== 'user') {
        throw new RequestError(403, 'forbidden', 'Only hub users can use the catalog.');
      }
      if (user.scopes && !grantsAccess(user.scopes, this.config.name)) {
        throw new RequestError(
          403,
          'forbidden',
          `Your token does not grant access to the ${this.config.name} service. Sign in again through Hub Notebooks.`,
        );
      }
      // The user's own token usually may read its groups; only a narrower one needs the service's token.
      const groups = user.groups ?? (await this.serviceHub.getUser(user.name, signal)).groups ?? [];
      const maintainer = groups.some((g) => this.config.catalog.maintainerGroups.includes(g));
      return { name: user.name, groups, maintainer };
    } catch (err) {
      if (err instanceof RequestError) throw err;
      if (err instanceof HubAuthError) {
        throw new RequestError(401, 'unauthorized', 'The hub refused your token: sign in again.');
      }
      if (err instanceof HubError) {
        this.log.warn(`checking a caller's token failed: ${err.message}`);
        throw new RequestError(503, 'hub_unavailable', 'The hub did not answer; try again in a minute.');
      }
      throw err;
    }
  }

  private hubFor(token: string): HubClient {
    return new HubClient(
      createHubTransport({
        baseUrl: hubBaseFromApiUrl(this.config.hubApiUrl),
        getToken: () => token,
        timeoutMs: 10_000,
      }),
    );
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.cache) if (entry.expires <= now) this.cache.delete(key);
  }
}

/**
 * Whether token scopes include access to the service: `access:services`, or the one for this service. Nothing
 * else counts: in JupyterHub `admin:services` manages service definitions and does not include access.
 */
export function grantsAccess(scopes: readonly string[], service: string): boolean {
  return scopes.some((s) => s === 'access:services' || s === `access:services!service=${service}`);
}

function cacheKey(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
