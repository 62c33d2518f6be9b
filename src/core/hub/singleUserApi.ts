import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';
import { ServerNotRunningError } from './errors';
import { expectStatus, parseBody } from './response';
import { listServers } from './serversApi';
import type { HubTransport } from './transport';

/** `GET {server}/api/status` of jupyter_server: when it started and what it is running. */
export const serverStatusSchema = lazySchema(() =>
  z.object({
    started: z.optional(z.string()),
    last_activity: z.optional(z.string()),
    connections: z.optional(z.number()),
    kernels: z.optional(z.number()),
  }),
);

export type ServerStatus = z.infer<typeof serverStatusSchema>;

/**
 * The path of a user's single-user server relative to the hub's base URL: `user/{name}/` for the default
 * server and `user/{name}/{server}/` for a named one, which is where JupyterHub's proxy routes them.
 */
export function singleUserPath(user: string, serverName = ''): string {
  const named = serverName ? `${encodeURIComponent(serverName)}/` : '';
  return `user/${encodeURIComponent(user)}/${named}`;
}

/**
 * `GET /user/{name}/api/status` through the hub's proxy. A stopped server answers with a redirect chain
 * ending in 424 (ServerNotRunningError); a crashed one with 503 from the proxy (HubUnavailableError).
 */
export async function getServerStatus(
  transport: HubTransport,
  user: string,
  serverName = '',
  signal?: AbortSignal,
): Promise<ServerStatus> {
  const res = await transport.request({
    method: 'GET',
    path: `${singleUserPath(user, serverName)}api/status`,
    signal,
  });
  expectStatus(res, [200], `reach ${user}'s server`);
  return parseBody(res, serverStatusSchema, 'the server status request');
}

/**
 * Why a request to a named server ended in a 404 page, when that is because the server is stopped. While the
 * user's default server runs, the proxy's route for `/user/{name}/` also takes the paths of their stopped
 * named servers, and the default server answers them 404. `GET /hub/api/users/{name}` tells: a
 * ServerNotRunningError when the named server is not ready; undefined for the default server, a running one,
 * or when the hub cannot say.
 */
export async function stoppedNamedServer(
  transport: HubTransport,
  user: string,
  serverName: string,
  signal?: AbortSignal,
): Promise<ServerNotRunningError | undefined> {
  if (!serverName) return undefined;
  try {
    if ((await listServers(transport, user, signal))[serverName]?.ready) return undefined;
  } catch {
    return undefined;
  }
  return new ServerNotRunningError(`Your server "${serverName}" is not running. Start it, then try again.`, {
    status: 424,
  });
}
