import { createServer, type Server } from 'node:http';
import type { Logger } from '../core/logger';
import { CatalogApi } from './api/catalogApi';
import { buildOpenApiDocument } from './api/openapi';
import { OPERATIONS, type HealthReport } from './operations';
import { SignInBroker } from './auth/broker';
import type { ServiceConfig } from './config';
import { RequestError, noteRefusal, pathOf, refusalOf, sendJson } from './http';
import { Router } from './router';
import { createSupportedRoutes } from './supported';
import { createTeamRoutes } from './team';

export type { HealthReport } from './operations';

/**
 * Builds the service's HTTP server: every operation of operations.ts (the health check, the OpenAPI
 * document, the sign-in broker and the catalog) through one router. Logs name the path, never the query.
 */
export function createServiceServer(config: ServiceConfig, version: string, log: Logger): Server {
  const catalog = new CatalogApi(config, log, [
    createTeamRoutes(config, log),
    createSupportedRoutes(config, log),
  ]);
  const broker = new SignInBroker(config, log, (token) => catalog.forget(token));
  const document = JSON.stringify(buildOpenApiDocument(OPERATIONS, { version, prefix: config.prefix }));
  const router = new Router(
    OPERATIONS,
    {
      getHealth: ({ res }) => {
        const report: HealthReport = { status: 'ok', service: config.name, version };
        sendJson(res, 200, report);
      },
      getOpenApi: ({ res }) => {
        res.writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-cache',
        });
        res.end(document);
      },
      ...broker.handlers(),
      ...catalog.handlers(),
    },
    (req) => catalog.authenticate(req),
    log,
    broker.guards(),
  );
  const server = createServer((req, res) => {
    const started = Date.now();
    // One line per request; a refusal's code and message are on it, and only real errors log a stack.
    res.on('finish', () => {
      const why = refusalOf(res);
      log.info(
        `${req.method ?? '?'} ${pathOf(req)} → ${res.statusCode} (${Date.now() - started} ms)${why ? ` refused (${why})` : ''}`,
      );
    });
    const path = pathOf(req);
    const answer = path.startsWith(config.prefix)
      ? router.handle(path.slice(config.prefix.length), req, res)
      : Promise.reject(new RequestError(404, 'not_found', `Not under ${config.prefix}`));
    answer.catch((err: unknown) => {
      if (err instanceof RequestError) noteRefusal(res, err);
      else log.error(err instanceof Error ? err : String(err));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = err instanceof RequestError ? err.status : 500;
      sendJson(res, status, {
        error: err instanceof RequestError ? err.code : 'server_error',
        message:
          err instanceof RequestError
            ? err.message
            : 'Internal error in the hub-notebooks service; see its log on the hub.',
      });
    });
  });
  server.on('close', () => catalog.close());
  return server;
}
