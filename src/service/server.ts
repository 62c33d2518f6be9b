import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger';
import { CatalogApi } from './api/catalogApi';
import { SignInBroker } from './auth/broker';
import type { ServiceConfig } from './config';
import { RequestError, pathOf, sendJson } from './http';
import { createSupportedRoutes } from './supported';
import { createTeamRoutes } from './team';

/** What the service reports about itself at `GET {prefix}health`. */
export interface HealthReport {
  status: 'ok';
  service: string;
  version: string;
}

/**
 * Builds the service's HTTP server: the health check, and the sign-in broker under `auth/` and
 * `oauth_callback`. The catalog mounts further routes here. Logs name the path, never the query.
 */
export function createServiceServer(config: ServiceConfig, version: string, log: Logger): Server {
  const broker = new SignInBroker(config, log);
  const catalog = new CatalogApi(config, log, [
    createTeamRoutes(config, log),
    createSupportedRoutes(config, log),
  ]);
  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () =>
      log.info(`${req.method ?? '?'} ${pathOf(req)} → ${res.statusCode} (${Date.now() - started} ms)`),
    );
    route(config, version, broker, catalog, req, res).catch((err: unknown) => {
      log.error(err instanceof Error ? err : String(err));
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

async function route(
  config: ServiceConfig,
  version: string,
  broker: SignInBroker,
  catalog: CatalogApi,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = pathOf(req);
  if (!path.startsWith(config.prefix)) {
    sendJson(res, 404, { error: 'not_found', message: `Not under ${config.prefix}` });
    return;
  }
  const sub = path.slice(config.prefix.length);
  if (sub === 'health' && (req.method === 'GET' || req.method === 'HEAD')) {
    const report: HealthReport = { status: 'ok', service: config.name, version };
    sendJson(res, 200, report);
    return;
  }
  if (await broker.handle(sub, req, res)) return;
  if (await catalog.handle(sub, req, res)) return;
  sendJson(res, 404, { error: 'not_found', message: `No such endpoint: ${path}` });
}
