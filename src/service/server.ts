import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger';
import type { ServiceConfig } from './config';

/** What the service reports about itself at `GET {prefix}health`. */
export interface HealthReport {
  status: 'ok';
  service: string;
  version: string;
}

/**
 * Builds the service's HTTP server. For now it answers the health check that the harness and operators use
 * to see the hub launched it; sign-in brokering and the catalog mount further routes here.
 */
export function createServiceServer(config: ServiceConfig, version: string, log: Logger): Server {
  return createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () =>
      log.info(`${req.method ?? '?'} ${pathOf(req)} → ${res.statusCode} (${Date.now() - started} ms)`),
    );
    try {
      route(config, version, req, res);
    } catch (err) {
      log.error(err instanceof Error ? err : String(err));
      sendJson(res, 500, { message: 'Internal error in the hub-notebooks service; see its log on the hub.' });
    }
  });
}

function route(config: ServiceConfig, version: string, req: IncomingMessage, res: ServerResponse): void {
  const path = pathOf(req);
  if (!path.startsWith(config.prefix)) {
    sendJson(res, 404, { message: `Not under ${config.prefix}` });
    return;
  }
  const sub = path.slice(config.prefix.length);
  if (sub === 'health' && (req.method === 'GET' || req.method === 'HEAD')) {
    const report: HealthReport = { status: 'ok', service: config.name, version };
    sendJson(res, 200, report);
    return;
  }
  sendJson(res, 404, { message: `No such endpoint: ${path}` });
}

/** The request path without its query string, so logs never carry query parameters. */
function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://service.invalid').pathname;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}
