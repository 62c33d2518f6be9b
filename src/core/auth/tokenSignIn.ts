import { HubAuthError } from '../hub/errors';
import type { HubTransport } from '../hub/transport';
import { getCurrentUser } from '../hub/usersApi';
import { SignInError } from './errors';

/** Who a pasted API token belongs to, as the hub says. */
export interface TokenIdentity {
  user: string;
  /** The token's id on 5.x; null on 3.0, which does not report it. */
  tokenId: string | null;
  scopes: string[];
}

/** The hub's page where users create API tokens by hand, for the fallback sign-in. */
export function tokenPageUrl(hubBase: URL): string {
  return new URL('hub/token', hubBase).href;
}

/**
 * `GET /hub/api/user` with a pasted token: accepts it only if the hub does. The transport must send that
 * token. A rejected token gives a SignInError that says where to get a valid one.
 */
export async function validatePastedToken(
  transport: HubTransport,
  signal?: AbortSignal,
): Promise<TokenIdentity> {
  try {
    const user = await getCurrentUser(transport, signal);
    return { user: user.name, tokenId: user.token_id ?? null, scopes: user.scopes ?? [] };
  } catch (err) {
    if (err instanceof HubAuthError) {
      throw new SignInError(
        'invalid-token',
        `The hub did not accept this token (${err.message}). Create a new one at ${tokenPageUrl(transport.baseUrl)} and paste it again.`,
      );
    }
    throw err;
  }
}
