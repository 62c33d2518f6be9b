import { expectStatus, parseBody } from './response';
import { userSchema, type HubUser } from './schemas';
import type { HubTransport } from './transport';

/** The REST path of one user, with the name encoded. */
export function userPath(user: string): string {
  return `hub/api/users/${encodeURIComponent(user)}`;
}

/** `GET /hub/api/user`: who the token belongs to, with the scopes it carries (5.x) and its servers. */
export async function getCurrentUser(transport: HubTransport, signal?: AbortSignal): Promise<HubUser> {
  const res = await transport.request({ method: 'GET', path: 'hub/api/user', signal });
  expectStatus(res, [200], 'identify the signed-in user');
  return parseBody(res, userSchema, 'the current-user request');
}

/**
 * `GET /hub/api/users/{name}`: one user's model, servers included when the token may read them. `query` is
 * added as it is, for flags such as `include_stopped_servers`.
 */
export async function getUser(
  transport: HubTransport,
  user: string,
  signal?: AbortSignal,
  query = '',
): Promise<HubUser> {
  const path = query ? `${userPath(user)}?${query}` : userPath(user);
  const res = await transport.request({ method: 'GET', path, signal });
  expectStatus(res, [200], `read the user ${user}`);
  return parseBody(res, userSchema, `the request for user ${user}`);
}
