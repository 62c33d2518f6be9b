// A few JupyterHub REST calls the harness needs, with timeouts so a wedged hub cannot hang a test run.
export interface ApiResult {
  status: number;
  body: unknown;
}

export async function hubApi(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  timeoutMs = 10_000,
): Promise<ApiResult> {
  const res = await fetch(`${baseUrl}/hub/api${path}`, {
    method,
    headers: { Authorization: `token ${token}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (e.g. the proxy's HTML error page): keep the text for error messages.
  }
  return { status: res.status, body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ServerInfo {
  name: string; // '' for the default server
  ready: boolean;
  pending: string | null;
  pid: number | undefined; // from the spawner state, visible with admin:server_state
}

/** A user's servers from the hub's user model; needs a token with admin:server_state to see pids. */
export function serversOf(userModel: unknown): ServerInfo[] {
  if (!isRecord(userModel) || !isRecord(userModel['servers'])) return [];
  return Object.entries(userModel['servers']).map(([name, server]) => {
    const rec = isRecord(server) ? server : {};
    const state = isRecord(rec['state']) ? rec['state'] : {};
    const pid = state['pid'];
    return {
      name,
      ready: rec['ready'] === true,
      pending: typeof rec['pending'] === 'string' ? rec['pending'] : null,
      pid: typeof pid === 'number' && pid > 0 ? pid : undefined,
    };
  });
}

export function userNames(usersBody: unknown): string[] {
  if (!Array.isArray(usersBody)) return [];
  return usersBody.flatMap((u: unknown) => (isRecord(u) && typeof u['name'] === 'string' ? [u['name']] : []));
}

export function serverPath(user: string, serverName: string): string {
  const u = encodeURIComponent(user);
  return serverName ? `/users/${u}/servers/${encodeURIComponent(serverName)}` : `/users/${u}/server`;
}

export function field(body: unknown, key: string): unknown {
  return isRecord(body) ? body[key] : undefined;
}
