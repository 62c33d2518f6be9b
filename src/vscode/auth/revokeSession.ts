import { revokeGrant, type RevocableSession } from '../../core/auth';
import { HubClient } from '../../core/hub';
import type { Logger } from '../../core/logger';
import type { AuthDeps } from './authDeps';

/** What signing out did on the hub: revoked now, already refused, or nothing because the token has no id. */
export type RevokeResult = 'revoked' | 'already-invalid' | 'not-revocable';

/**
 * Revokes a stored session's token on its hub, sending that token: browser sign-ins through the service's
 * `auth/revoke`, pasted tokens with `DELETE /hub/api/users/{name}/tokens/{id}`. A pasted token without an id
 * (JupyterHub 3.0 does not report it) cannot be revoked from here.
 */
export async function revokeStoredSession(
  session: RevocableSession,
  ctx: { deps: AuthDeps; servicePath: string; logger: Logger },
  signal?: AbortSignal,
): Promise<RevokeResult> {
  if (session.tokenId === null) return 'not-revocable';
  const transport = ctx.deps.createTransport({
    baseUrl: session.hubUrl,
    getToken: () => session.token,
    logger: ctx.logger,
  });
  if (session.method === 'browser') return revokeGrant(transport, ctx.servicePath, session.tokenId, signal);
  await new HubClient(transport).revokeToken(session.user, session.tokenId, signal);
  return 'revoked';
}
