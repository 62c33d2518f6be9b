// The hub-notebooks service process as the hub launched it: find it, make the hub restart it, pause the hub.
import fs from 'node:fs';
import type { HubHandle } from '../../hub/harness';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of this hub's service: a `dist/service.js` process whose environment names this hub's URL. */
export function servicePid(hub: HubHandle): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes('dist/service.js')) continue;
      const environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`HUB_PUBLIC_URL=${hub.url}`)) return Number(entry);
    } catch {
      // The process ended while we looked; not ours then.
    }
  }
  return undefined;
}

/**
 * Stops the service with SIGTERM and waits until the hub has launched a new one that answers through the
 * proxy. JupyterHub polls managed services every 30 s and restarts one that exited, so this takes up to
 * about 30 s; the new process has none of the old one's memory.
 */
export async function restartServiceThroughHub(hub: HubHandle): Promise<number> {
  const old = servicePid(hub);
  if (!old) throw new Error('the hub-notebooks service is not running');
  process.kill(old, 'SIGTERM');
  const deadline = Date.now() + 75_000;
  while (Date.now() < deadline) {
    await sleep(250);
    const pid = servicePid(hub);
    if (!pid || pid === old) continue;
    const health = await fetch(`${hub.url}/services/hub-notebooks/health`).catch(() => undefined);
    if (health?.status === 200) return pid;
  }
  throw new Error('the hub did not restart the hub-notebooks service within 75 s');
}

/** Freezes the JupyterHub process (not the proxy, not the service) while `body` runs, then thaws it. */
export async function withHubPaused<T>(hub: HubHandle, body: () => Promise<T>): Promise<T> {
  process.kill(hub.hubPid, 'SIGSTOP');
  try {
    return await body();
  } finally {
    process.kill(hub.hubPid, 'SIGCONT');
  }
}
