import { expectStatus, parseBody } from './response';
import { createdTokenSchema, tokenListSchema, type CreatedHubToken, type HubToken } from './schemas';
import type { HubTransport } from './transport';
import { userPath } from './usersApi';

export interface CreateTokenOptions {
  /** Shown on the hub's token page, so the user can tell where a token came from. */
  note: string;
  /** Lifetime in seconds; the hub's default (no expiry) when omitted. */
  expiresInSeconds?: number;
  /** Scopes to narrow the token to; the owner's own permissions when omitted. */
  scopes?: string[];
}

/** `POST /hub/api/users/{name}/tokens`: mints an API token. The secret is in the result, and only there. */
export async function createToken(
  transport: HubTransport,
  user: string,
  options: CreateTokenOptions,
  signal?: AbortSignal,
): Promise<CreatedHubToken> {
  const body: Record<string, unknown> = { note: options.note };
  if (options.expiresInSeconds !== undefined) body.expires_in = options.expiresInSeconds;
  if (options.scopes !== undefined) body.scopes = options.scopes;
  const res = await transport.request({ method: 'POST', path: `${userPath(user)}/tokens`, body, signal });
  expectStatus(res, [200, 201], `create a token for ${user}`);
  return parseBody(res, createdTokenSchema, 'the token request');
}

/** `GET /hub/api/users/{name}/tokens`: every token of a user, API and OAuth alike, without secrets. */
export async function listTokens(
  transport: HubTransport,
  user: string,
  signal?: AbortSignal,
): Promise<HubToken[]> {
  const res = await transport.request({ method: 'GET', path: `${userPath(user)}/tokens`, signal });
  expectStatus(res, [200], `list the tokens of ${user}`);
  const list = parseBody(res, tokenListSchema, 'the token list');
  return [...list.api_tokens, ...(list.oauth_tokens ?? [])];
}

/** `DELETE /hub/api/users/{name}/tokens/{id}`: revokes one token. */
export async function revokeToken(
  transport: HubTransport,
  user: string,
  tokenId: string,
  signal?: AbortSignal,
): Promise<void> {
  const path = `${userPath(user)}/tokens/${encodeURIComponent(tokenId)}`;
  const res = await transport.request({ method: 'DELETE', path, signal });
  expectStatus(res, [200, 204], `revoke the token ${tokenId}`);
}
