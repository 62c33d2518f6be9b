import { setTimeout as delay } from 'node:timers/promises';
import { HubNotFoundError, HubResponseError, SpawnFailedError, extractServerMessage } from './errors';
import { expectStatus } from './response';
import type { HubServer, SpawnProgressEvent } from './schemas';
import { followSpawnProgress, type SpawnOutcome } from './spawnProgress';
import type { HubTransport } from './transport';
import { getUser, userPath } from './usersApi';

export interface StartServerOptions {
  /** A named server; the default server when omitted or ''. */
  serverName?: string;
  /** Receives every progress event the hub sends while the server starts. */
  onProgress?: (event: SpawnProgressEvent) => void;
  signal?: AbortSignal | undefined;
}

export interface StopServerOptions {
  serverName?: string;
  signal?: AbortSignal | undefined;
  /** How often to look while the hub is still stopping the server; 250 ms by default. */
  pollMs?: number;
}

/** The REST path of one of a user's servers: `server` for the default one, `servers/{name}` for a named one. */
export function serverPath(user: string, serverName = ''): string {
  return serverName
    ? `${userPath(user)}/servers/${encodeURIComponent(serverName)}`
    : `${userPath(user)}/server`;
}

export interface ListServersOptions {
  /**
   * Also list servers that exist but are stopped (`?include_stopped_servers`, JupyterHub 2.0+); without it
   * the hub lists only running and pending ones, so a stopped named server is missing.
   */
  includeStopped?: boolean;
}

/** `GET /hub/api/users/{name}`: the user's servers, named ones included, keyed by name ('' is the default). */
export async function listServers(
  transport: HubTransport,
  user: string,
  signal?: AbortSignal,
  options: ListServersOptions = {},
): Promise<Record<string, HubServer>> {
  const query = options.includeStopped ? 'include_stopped_servers' : '';
  const model = await getUser(transport, user, signal, query);
  return model.servers ?? {};
}

/**
 * `POST /hub/api/users/{name}/server`, then the progress stream until the server is ready. Throws
 * SpawnFailedError with the hub's message when the spawn fails.
 */
export async function startServer(
  transport: HubTransport,
  user: string,
  options: StartServerOptions = {},
): Promise<HubServer> {
  const { serverName = '', signal } = options;
  const label = serverName ? `${user}'s server "${serverName}"` : `${user}'s server`;
  const path = serverPath(user, serverName);
  const res = await transport.request({ method: 'POST', path, body: {}, signal });
  if (res.status === 400 && /already running/i.test(res.data)) {
    return readyServer(transport, user, serverName, signal);
  }
  const postFailed = res.status >= 500 && ![502, 503, 504].includes(res.status);
  if (!postFailed) expectStatus(res, [201, 202], `start ${label}`);
  if (res.status === 201) return readyServer(transport, user, serverName, signal);

  const spawnFailed = (hubSaid: string): SpawnFailedError =>
    new SpawnFailedError(`The hub could not start ${label}: ${hubSaid}`, {
      status: res.status,
      url: res.url,
      serverMessage: hubSaid,
    });
  // 202, or a failed POST whose body often says only "error": the progress stream tells how it ends and why.
  const onProgress = options.onProgress ?? (() => undefined);
  let outcome: SpawnOutcome | undefined;
  let progressError: HubResponseError | undefined;
  try {
    outcome = await followSpawnProgress(transport, `${path}/progress`, onProgress, signal);
  } catch (err) {
    if (err instanceof HubResponseError) progressError = err;
    else if (!postFailed) throw err;
  }
  if (outcome?.kind === 'ready') return readyServer(transport, user, serverName, signal);
  if (outcome?.kind === 'failed') throw spawnFailed(outcome.event.message ?? 'Spawn failed');
  if (postFailed) throw spawnFailed(extractServerMessage(res.data) ?? `status ${res.status}`);
  // The stream ended early, or the hub says the server is "not starting": it either came up or gave up.
  const server = (await listServers(transport, user, signal))[serverName];
  if (server?.ready) return server;
  throw spawnFailed(
    progressError?.serverMessage ??
      'the hub stopped reporting progress before the server was ready; its log says why',
  );
}

/** `DELETE /hub/api/users/{name}/server`, then waits until the hub reports it stopped. */
export async function stopServer(
  transport: HubTransport,
  user: string,
  options: StopServerOptions = {},
): Promise<void> {
  const { serverName = '', signal, pollMs = 250 } = options;
  const label = serverName ? `${user}'s server "${serverName}"` : `${user}'s server`;
  const res = await transport.request({ method: 'DELETE', path: serverPath(user, serverName), signal });
  expectStatus(res, [202, 204], `stop ${label}`);
  if (res.status === 204) return;
  // 202 means the spawner is still stopping it; the hub has no stop-progress stream, so look until it is gone.
  for (;;) {
    const server = (await listServers(transport, user, signal))[serverName];
    if (!server || (!server.ready && !server.pending)) return;
    await delay(pollMs, undefined, { signal });
  }
}

async function readyServer(
  transport: HubTransport,
  user: string,
  serverName: string,
  signal: AbortSignal | undefined,
): Promise<HubServer> {
  const server = (await listServers(transport, user, signal))[serverName];
  if (!server) {
    throw new HubNotFoundError(
      `The hub reports ${user}'s server "${serverName}" as started but does not list it; the token may lack read:servers.`,
    );
  }
  if (!server.ready) {
    throw new HubResponseError(
      `The hub reports ${user}'s server as started but not ready (${server.pending ?? 'idle'}).`,
    );
  }
  return server;
}
