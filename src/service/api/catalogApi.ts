import type { IncomingMessage } from 'node:http';
import type { MeResponse, SearchResponse } from '../../core/catalog/schemas';
import type { Logger } from '../../core/logger';
import type { ServiceConfig } from '../config';
import { RequestError, sendJson } from '../http';
import { authoringHandler } from './authoring';
import { CallerAuth } from './callerAuth';
import { callerOf, type Handlers } from './operation';
import type { ApiRoutes, Caller } from './routes';

/**
 * Everything under `{prefix}api/`: the caller's authentication (the router asks it before every catalog
 * operation), `me` and `search`, and the operations of its parts (the team catalog and the supported store).
 */
export class CatalogApi {
  private readonly auth: CallerAuth;
  private readonly authoring: ServiceConfig['authoring'];

  constructor(
    config: ServiceConfig,
    private readonly log: Logger,
    private readonly parts: readonly ApiRoutes[],
  ) {
    this.auth = new CallerAuth(config, log);
    this.authoring = config.authoring;
  }

  /** The caller a request's token belongs to, checked at the hub (and cached briefly). */
  authenticate(req: IncomingMessage): Promise<Caller> {
    return this.auth.authenticate(req);
  }

  /** Forgets a token that was revoked or refused, so its next request is checked at the hub again. */
  forget(token: string): void {
    this.auth.forget(token);
  }

  /** The catalog's operations, its parts' included, by id. */
  handlers(): Handlers {
    const own: Handlers = {
      getAuthoring: authoringHandler(this.authoring, this.log),
      getMe: (ctx) => {
        const caller = callerOf(ctx);
        const me: MeResponse = { name: caller.name, groups: caller.groups, maintainer: caller.maintainer };
        sendJson(ctx.res, 200, me);
      },
      search: async (ctx) => {
        const query = (ctx.query.q ?? '').trim();
        if (query === '') throw new RequestError(400, 'invalid_request', 'Give a search text in `q`.');
        const caller = callerOf(ctx);
        const hits = (await Promise.all(this.parts.map((p) => p.search(query, caller)))).flat();
        const body: SearchResponse = { hits };
        sendJson(ctx.res, 200, body);
      },
    };
    return Object.assign({}, own, ...this.parts.map((p) => p.handlers())) as Handlers;
  }

  close(): void {
    for (const part of this.parts) part.close();
  }
}
