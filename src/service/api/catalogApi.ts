import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CATALOG_ROUTES,
  MAX_QUERY_LENGTH_CATALOG,
  type MeResponse,
  type SearchResponse,
} from '../../core/catalog/protocol';
import type { Logger } from '../../core/logger';
import type { ServiceConfig } from '../config';
import { RequestError, queryOf, sendJson } from '../http';
import { CallerAuth } from './callerAuth';
import type { ApiRoutes } from './routes';

/**
 * Everything under `{prefix}api/`: authenticates the caller once, answers `me` and `search` itself, and hands
 * the rest to its parts (the team catalog and the supported store).
 */
export class CatalogApi {
  private readonly auth: CallerAuth;

  constructor(
    config: ServiceConfig,
    log: Logger,
    private readonly parts: readonly ApiRoutes[],
  ) {
    this.auth = new CallerAuth(config, log);
  }

  /** Returns false when `sub` is not under `api/`. */
  async handle(sub: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (sub !== 'api' && !sub.startsWith('api/')) return false;
    const caller = await this.auth.authenticate(req);
    if (sub === CATALOG_ROUTES.me && req.method === 'GET') {
      const me: MeResponse = { name: caller.name, groups: caller.groups, maintainer: caller.maintainer };
      sendJson(res, 200, me);
      return true;
    }
    if (sub === CATALOG_ROUTES.search && req.method === 'GET') {
      const query = (queryOf(req, MAX_QUERY_LENGTH_CATALOG).get('q') ?? '').trim();
      if (query === '') throw new RequestError(400, 'invalid_request', 'Give a search text in `q`.');
      const hits = (await Promise.all(this.parts.map((p) => p.search(query, caller)))).flat();
      const body: SearchResponse = { hits };
      sendJson(res, 200, body);
      return true;
    }
    for (const part of this.parts) if (await part.handle(sub, req, res, caller)) return true;
    throw new RequestError(404, 'not_found', `No such catalog endpoint: ${sub}`);
  }

  close(): void {
    for (const part of this.parts) part.close();
  }
}
