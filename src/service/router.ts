import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger';
import { checkedQuery, type Handler, type Handlers, type Operation } from './api/operation';
import type { Caller } from './api/routes';
import { sendErrorPage } from './auth/pages';
import { RequestError, noteRefusal, pathOf, sendJson } from './http';
import { discardBody } from './supported/body';

interface Route {
  op: Operation;
  handler: Handler;
}

/**
 * Dispatches a request to the operation its path and method name, and to nothing else: an unknown path is
 * 404 and a known path with another method 405 with `Allow`, so every route the service answers is one the
 * OpenAPI document describes. Before the handler runs, the token is checked at the hub (for `caller`
 * operations) and then the query with the operation's schema. A refusal's reason goes into the request's one log line
 * (server.ts), without a stack.
 */
export class Router {
  private readonly routes = new Map<string, Map<string, Route>>();

  constructor(
    operations: readonly Operation[],
    handlers: Handlers,
    private readonly authenticate: (req: IncomingMessage) => Promise<Caller>,
    private readonly log: Logger,
    /** Checks that run before anything else for an operation (rate limits), by operation id. */
    private readonly guards: Readonly<Record<string, (req: IncomingMessage) => Promise<void>>> = {},
  ) {
    const unused = new Set(Object.keys(handlers));
    for (const op of operations) {
      const handler = handlers[op.id];
      if (!handler) throw new Error(`no handler for the operation ${op.id}`);
      unused.delete(op.id);
      const methods = this.routes.get(op.path) ?? new Map<string, Route>();
      methods.set(op.method, { op, handler });
      if (op.head) methods.set('HEAD', { op, handler });
      this.routes.set(op.path, methods);
    }
    if (unused.size > 0) throw new Error(`handlers without an operation: ${[...unused].join(', ')}`);
  }

  /** Answers the request for `sub`, the path after the prefix. Errors other than RequestError propagate. */
  async handle(sub: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const methods = this.routes.get(sub);
    const route = methods?.get(req.method ?? '');
    try {
      if (!methods) throw new RequestError(404, 'not_found', `No such endpoint: ${pathOf(req)}`);
      if (!route) {
        res.setHeader('Allow', [...methods.keys()].join(', '));
        throw new RequestError(405, 'method_not_allowed', `Use ${[...methods.keys()].join(' or ')} here.`);
      }
      // A rate limit counts every request, malformed ones too; then the token, so a caller the hub does not
      // vouch for learns nothing from the query checks.
      await this.guards[route.op.id]?.(req);
      const caller = route.op.auth === 'caller' ? await this.authenticate(req) : undefined;
      const query = checkedQuery(route.op, req);
      await route.handler({ req, res, query, caller });
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      // A refusal must reach the client through the hub's proxy, which may still be sending a body: read it
      // first (see supported/body.ts). Handlers that read the body themselves have read it to its end.
      if (!req.readableEnded) await discardBody(req).catch(() => undefined);
      this.refuse(route?.op, req, res, err);
    }
  }

  private refuse(
    op: Operation | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    err: RequestError,
  ): void {
    noteRefusal(res, err);
    if (res.headersSent) {
      this.log.info(
        `${req.method ?? '?'} ${pathOf(req)} refused after answering: ${err.code}: ${err.message}`,
      );
      res.destroy();
      return;
    }
    if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    if (op?.errorsAsPages) sendErrorPage(res, err);
    else sendJson(res, err.status, { error: err.code, message: err.message });
  }
}
