import type { Logger } from '../core/logger';
import { CLI_COMMANDS, runCli } from './cli/publish';
import { loadServiceConfig } from './config';
import { createServiceServer } from './server';
import { messageOf } from '../core/errors';

declare const HUB_NOTEBOOKS_VERSION: string | undefined;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * Logs to stdout/stderr, which JupyterHub collects for managed services, from the level named by
 * HUB_NOTEBOOKS_LOG_LEVEL (info by default). No caller ever passes a token, code or verifier.
 */
function consoleLogger(levelName: string | undefined): Logger {
  const min = Math.max(0, LEVELS.indexOf((levelName ?? 'info') as Level));
  const on = (level: Level) => LEVELS.indexOf(level) >= min;
  const out =
    (level: Level, write: (...a: unknown[]) => void) =>
    (m: unknown, ...a: unknown[]) =>
      on(level)
        ? write(`[hub-notebooks] ${level === 'info' ? '' : `${level}: `}${String(m)}`, ...a)
        : undefined;
  return {
    trace: out('trace', console.log),
    debug: out('debug', console.log),
    info: out('info', console.log),
    warn: out('warn', console.warn),
    error: (m, ...a) => console.error('[hub-notebooks] error:', m, ...a),
  };
}

const log = consoleLogger(process.env.HUB_NOTEBOOKS_LOG_LEVEL);

function main(): void {
  const config = loadServiceConfig(process.env);
  const version = typeof HUB_NOTEBOOKS_VERSION === 'string' ? HUB_NOTEBOOKS_VERSION : 'dev';
  const server = createServiceServer(config, version, log);
  server.listen(config.port, config.host, () => {
    log.info(
      `listening on ${config.host}:${config.port}, prefix ${config.prefix}, hub API ${config.hubApiUrl}`,
    );
  });
  const shutdown = (signal: string): void => {
    log.info(`${signal}: shutting down`);
    server.close(() => process.exit(0));
    // Open keep-alive connections would hold close() forever; the hub expects a prompt exit.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const [command] = process.argv.slice(2);
if (command !== undefined && CLI_COMMANDS.includes(command)) {
  // A CI client of the catalog API (publish, rollback), sharing this bundle; it never starts the service.
  void runCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((status) => {
    process.exitCode = status;
  });
} else {
  try {
    main();
  } catch (err) {
    log.error(messageOf(err));
    process.exit(1);
  }
}
