import { HubUnavailableError, extractServerMessage } from '../hub/errors';
import { parseBody } from '../hub/response';
import type { HubTransport } from '../hub/transport';
import { SignInError } from './errors';
import { AUTH_ROUTES, tokenGrantSchema, type TokenGrant } from './schemas';

/**
 * `POST {service}auth/token {code, code_verifier}`: redeems a one-time handoff code. The transport carries
 * no token; the verifier proves this is the client that started the sign-in.
 */
export async function redeemHandoff(
  transport: HubTransport,
  servicePath: string,
  input: { code: string; verifier: string },
  signal?: AbortSignal,
): Promise<TokenGrant> {
  const res = await callBroker(transport, `${servicePath}${AUTH_ROUTES.token}`, signal, {
    code: input.code,
    code_verifier: input.verifier,
  });
  if (res.status === 200) return parseBody(res, tokenGrantSchema, 'the sign-in broker');
  throw brokerError(res.status, res.data, 'The hub refused the sign-in code');
}

/** What `revokeGrant` found: revoked now, or the hub already did not accept the token. */
export type RevokeOutcome = 'revoked' | 'already-invalid';

/**
 * `POST {service}auth/revoke {token_id}` with the token itself in the Authorization header: the broker
 * checks the caller owns the token, then deletes it on the hub.
 */
export async function revokeGrant(
  transport: HubTransport,
  servicePath: string,
  tokenId: string,
  signal?: AbortSignal,
): Promise<RevokeOutcome> {
  const res = await callBroker(transport, `${servicePath}${AUTH_ROUTES.revoke}`, signal, {
    token_id: tokenId,
  });
  if (res.status === 204 || res.status === 200) return 'revoked';
  // 401 is the broker's "the hub no longer accepts this token"; 403 (not your token) is a real failure.
  if (res.status === 401) return 'already-invalid';
  throw brokerError(res.status, res.data, 'The hub could not revoke the token');
}

async function callBroker(
  transport: HubTransport,
  path: string,
  signal: AbortSignal | undefined,
  body: unknown,
) {
  try {
    return await transport.request({ method: 'POST', path, body, signal });
  } catch (err) {
    if (err instanceof HubUnavailableError) {
      throw new SignInError(
        'hub-unavailable',
        `${err.message} Check the hub URL and your network, then retry.`,
      );
    }
    throw err;
  }
}

function brokerError(status: number, body: string, prefix: string): SignInError {
  if (status === 404) {
    return new SignInError(
      'service-missing',
      'This hub has no hub-notebooks service. Ask its operator to register it (see docs/operators.md), or ' +
        'use "Hub Notebooks: Sign in with API Token…".',
    );
  }
  const { code, message } = readBrokerBody(body);
  return new SignInError(
    'rejected',
    `${prefix}: ${message ?? `HTTP ${status}`}. Start the sign-in again.`,
    code,
  );
}

function readBrokerBody(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const out: { code?: string; message?: string } = {};
    if (typeof parsed.error === 'string') out.code = parsed.error;
    if (typeof parsed.message === 'string') out.message = parsed.message;
    return out;
  } catch {
    const message = extractServerMessage(body);
    return message ? { message } : {};
  }
}
