// Stopping a test hub so that nothing it started outlives it: servers through the API first (clean
// shutdown, kernels included), then the hub's process group, then every process it ever had below it.
import { hubApi, serverPath, serversOf, userNames } from './hubApi';
import { descendants, isAlive, procRef, terminate, terminateSync, type ProcRef } from './procs';

export interface HubRun {
  url: string;
  adminToken: string;
  stateDir: string;
  hub: ProcRef | undefined;
  serverPids: ProcRef[]; // single-user servers seen through the admin API, killed by pid as a fallback
  tail?: NodeJS.Timeout;
  stopping?: Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function runningServers(run: HubRun): Promise<{ user: string; name: string }[]> {
  // The admin's user list already carries each user's servers and their state (pids), on 3.0 and 5.x.
  const list = await hubApi(run.url, run.adminToken, 'GET', '/users', 5000);
  const found: { user: string; name: string }[] = [];
  for (const model of Array.isArray(list.body) ? (list.body as unknown[]) : []) {
    const user = userNames([model])[0];
    if (user === undefined) continue;
    for (const server of serversOf(model)) {
      const ref = server.pid === undefined ? undefined : procRef(server.pid);
      if (ref && !run.serverPids.some((r) => r.pid === ref.pid)) run.serverPids.push(ref);
      found.push({ user, name: server.name });
    }
  }
  return found;
}

/** Ask the hub to stop every server and wait (up to ~10 s) until it reports none. */
async function stopServersViaApi(run: HubRun): Promise<void> {
  const servers = await runningServers(run);
  await Promise.all(
    servers.map(({ user, name }) =>
      hubApi(run.url, run.adminToken, 'DELETE', serverPath(user, name), 10_000).catch(() => undefined),
    ),
  );
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await runningServers(run)).length > 0) await sleep(200);
}

function everythingBelow(run: HubRun): ProcRef[] {
  const roots = [...(run.hub ? [run.hub.pid] : []), ...run.serverPids.map((r) => r.pid)];
  return [...run.serverPids, ...descendants(roots)];
}

/** Idempotent: later calls return the first call's promise. */
export function stopEverything(run: HubRun): Promise<void> {
  run.stopping ??= (async () => {
    if (run.tail) clearInterval(run.tail);
    await stopServersViaApi(run).catch(() => undefined); // a dead or wedged hub: the kills below do it
    const tree = everythingBelow(run); // before the hub exits: its orphans lose their parent link
    await terminate(run.hub, [], 10_000); // the hub alone first, so it can stop its proxy and service
    await terminate(undefined, tree.filter(isAlive), 3000);
  })();
  return run.stopping;
}

/**
 * For process 'exit', where nothing async runs: the same order as stopEverything minus the API calls.
 * The hub stops its own servers on SIGTERM (cleanup_servers), so this is still a clean stop; it blocks
 * the exiting process for about a second, at most ~13 s.
 */
export function stopEverythingSync(run: HubRun): void {
  if (run.tail) clearInterval(run.tail);
  const tree = everythingBelow(run);
  terminateSync(run.hub, [], 10_000);
  terminateSync(
    undefined,
    tree.filter((ref) => isAlive(ref)),
    3000,
  );
}
