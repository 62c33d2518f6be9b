/** The logging interface the core writes to; the VS Code adapter backs it with one LogOutputChannel. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

/** A logger that drops everything, for callers that do not care. */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Returns a logger whose lines start with `[component]`, so one channel can hold every part's lines. */
export function taggedLogger(base: Logger, component: string): Logger {
  const tag = `[${component}]`;
  return {
    trace: (m, ...a) => base.trace(`${tag} ${m}`, ...a),
    debug: (m, ...a) => base.debug(`${tag} ${m}`, ...a),
    info: (m, ...a) => base.info(`${tag} ${m}`, ...a),
    warn: (m, ...a) => base.warn(`${tag} ${m}`, ...a),
    error: (m, ...a) => base.error(typeof m === 'string' ? `${tag} ${m}` : m, ...a),
  };
}
