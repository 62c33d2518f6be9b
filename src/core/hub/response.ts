import type * as z from 'zod/mini';
import {
  HubAuthError,
  InvalidHubResponseError,
  ServerNotRunningError,
  errorForStatus,
  type HubError,
} from './errors';
import type { HubResponse } from './transport';

/**
 * Throws the typed error for a response whose status is not one of `ok`. `what` completes the sentence
 * "The hub could not …", for example "start alice's server".
 */
export function expectStatus<T>(res: HubResponse<T>, ok: readonly number[], what: string): HubResponse<T> {
  if (ok.includes(res.status)) {
    const landed = landingError(res, what);
    if (landed) throw landed;
    return res;
  }
  throw errorForStatus(res.status, res.url, typeof res.data === 'string' ? res.data : undefined, what);
}

/** Parses a JSON body and checks its shape, so callers never meet `undefined` deep inside. */
export function parseBody<S extends z.ZodMiniType>(
  res: HubResponse<string>,
  schema: S,
  what: string,
): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(res.data);
  } catch {
    const type = res.headers['content-type'] ?? 'no content type';
    throw new InvalidHubResponseError(
      `The hub answered ${what} with ${type} instead of JSON. Check that the hub URL points at a JupyterHub.`,
      { status: res.status, url: res.url },
    );
  }
  return checkShape(raw, schema, what, res);
}

/** Validates an already-parsed value against a schema. */
export function checkShape<S extends z.ZodMiniType>(
  raw: unknown,
  schema: S,
  what: string,
  res?: HubResponse<unknown>,
): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new InvalidHubResponseError(`The hub's answer to ${what} had an unexpected shape (${issues}).`, {
    status: res?.status,
    url: res?.url,
  });
}

/**
 * A 200 can still be a failure when same-origin redirects led to the hub's login or spawn page, which is how
 * JupyterHub answers requests it will not serve to this token.
 */
function landingError(res: HubResponse<unknown>, what: string): HubError | undefined {
  if (res.redirects === 0) return undefined;
  const path = new URL(res.url).pathname;
  if (/\/hub\/login\/?$/.test(path)) {
    return new HubAuthError(`The hub asked for a login to ${what}. Sign in again.`, {
      status: res.status,
      url: res.url,
    });
  }
  if (/\/hub\/(spawn|spawn-pending)\//.test(path) || /\/hub\/spawn\/?$/.test(path)) {
    return new ServerNotRunningError(`Your server on the hub is not running. Start it, then try again.`, {
      status: res.status,
      url: res.url,
    });
  }
  return undefined;
}
