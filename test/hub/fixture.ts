// One hub per test process: reuse the one a runner started (HUB_URL set), or start one on first use.
import { readPasswords, startHub, type HubHandle } from './harness';
import { flavorFromEnv } from './settings';

const ENV_KEYS = [
  'HUB_URL',
  'HUB_ADMIN_TOKEN',
  'HUB_SERVICE_TOKEN',
  'HUB_FLAVOR',
  'HUB_STATE_DIR',
  'HUB_PID',
  'HUB_VERSION',
] as const;

/** What a runner passes to test processes so they use its hub (see handleFromEnv). */
export function hubEnv(h: HubHandle): Record<string, string> {
  return {
    HUB_URL: h.url,
    HUB_ADMIN_TOKEN: h.adminToken,
    HUB_SERVICE_TOKEN: h.serviceToken,
    HUB_FLAVOR: h.flavor,
    HUB_STATE_DIR: h.stateDir,
    HUB_PID: String(h.hubPid),
    HUB_VERSION: h.version,
  };
}

function handleFromEnv(): HubHandle {
  const missing = ENV_KEYS.filter((k) => !process.env[k]);
  if (missing.length > 0) throw new Error(`HUB_URL is set but not ${missing.join(', ')}: use hubEnv()`);
  const env = (k: (typeof ENV_KEYS)[number]): string => process.env[k] ?? '';
  return {
    flavor: flavorFromEnv(),
    url: env('HUB_URL').replace(/\/+$/, ''),
    adminToken: env('HUB_ADMIN_TOKEN'),
    serviceToken: env('HUB_SERVICE_TOKEN'),
    passwords: readPasswords(),
    stateDir: env('HUB_STATE_DIR'),
    hubPid: Number(env('HUB_PID')),
    version: env('HUB_VERSION'),
    stop: () => Promise.resolve(), // the runner owns that hub
  };
}

let shared: Promise<HubHandle> | undefined;

/**
 * The hub for this test process: the runner's (HUB_URL set), or one started on the first call and shared
 * by later calls. A hub started here stops when the process exits (startHub's 'exit' hook), not in a
 * node:test `after`: an `after` registered from inside a `before` hook runs right after that hook
 * (measured on Node 20), which would stop the hub before the first test.
 */
export function useHub(): Promise<HubHandle> {
  shared ??= process.env['HUB_URL']
    ? Promise.resolve(handleFromEnv())
    : startHub({ flavor: flavorFromEnv() }).then((h) => {
        // Helpers that read the environment (the state dir for trace logs) then see this hub too.
        Object.assign(process.env, hubEnv(h));
        return h;
      });
  return shared;
}
