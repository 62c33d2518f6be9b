import type { Logger } from '../core/logger';
import { loadServiceConfig } from './config';
import { createServiceServer } from './server';

declare const HUB_NOTEBOOKS_VERSION: string | undefined;

/** Logs to stdout/stderr, which JupyterHub collects for managed services. */
const consoleLogger: Logger = {
  trace: () => undefined,
  debug: (m, ...a) =>
    process.env.HUB_NOTEBOOKS_DEBUG ? console.debug(`[hub-notebooks] ${m}`, ...a) : undefined,
  info: (m, ...a) => console.log(`[hub-notebooks] ${m}`, ...a),
  warn: (m, ...a) => console.warn(`[hub-notebooks] ${m}`, ...a),
  error: (m, ...a) => console.error('[hub-notebooks]', m, ...a),
};

function main(): void {
  const config = loadServiceConfig(process.env);
  const version = typeof HUB_NOTEBOOKS_VERSION === 'string' ? HUB_NOTEBOOKS_VERSION : 'dev';
  const server = createServiceServer(config, version, consoleLogger);
  server.listen(config.port, config.host, () => {
    consoleLogger.info(
      `listening on ${config.host}:${config.port}, prefix ${config.prefix}, hub API ${config.hubApiUrl}`,
    );
  });
  const shutdown = (signal: string): void => {
    consoleLogger.info(`${signal}: shutting down`);
    server.close(() => process.exit(0));
    // Open keep-alive connections would hold close() forever; the hub expects a prompt exit.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

try {
  main();
} catch (err) {
  consoleLogger.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
