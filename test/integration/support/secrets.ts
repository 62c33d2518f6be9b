// Token hygiene support: every test that obtains a token records it here, and the last test file greps every
// log and state file for each recorded value. Client calls log at trace level into the hub's state dir, so
// that grep also covers what our own client code would log.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../src/core/logger';

/** The file the recorded tokens go to (mode 600, inside the hub's throwaway state dir); never grepped. */
export const ISSUED_TOKENS_FILE = 'issued-tokens.txt';
/** The trace log of the clients the integration tests use. */
export const CLIENT_TRACE_LOG = 'client-trace.log';

function stateDir(): string {
  const dir = process.env['HUB_STATE_DIR'];
  if (!dir) throw new Error('HUB_STATE_DIR is not set: run through scripts/run-tests.ts or useHub()');
  return dir;
}

/** Remembers a token value so the hygiene test can look for it everywhere it must not be. */
export function recordIssuedToken(token: string): void {
  fs.appendFileSync(path.join(stateDir(), ISSUED_TOKENS_FILE), `${token}\n`, { mode: 0o600 });
}

/** Every token recorded so far in this hub's run. */
export function issuedTokens(): string[] {
  const file = path.join(stateDir(), ISSUED_TOKENS_FILE);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

/** A logger that writes every level, trace included, to the client trace log in the state dir. */
export function traceLogger(component: string): Logger {
  return fileLogger(path.join(process.env['HUB_STATE_DIR'] ?? '/tmp', CLIENT_TRACE_LOG), `[${component}] `);
}

/** A logger that appends every level to `file` (mode 600), each line after `prefix`, for tests to read back. */
export function fileLogger(file: string, prefix = ''): Logger {
  const write =
    (level: string) =>
    (m: unknown, ...a: unknown[]) =>
      fs.appendFileSync(file, `${level} ${prefix}${String(m)} ${a.map((x) => String(x)).join(' ')}\n`, {
        mode: 0o600,
      });
  return {
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}
