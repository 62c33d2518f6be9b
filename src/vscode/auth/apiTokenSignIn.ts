import vscode = require('vscode');
import {
  SignInError,
  tokenPageUrl,
  validatePastedToken,
  type HubUrl,
  type StoredSession,
} from '../../core/auth';
import type { Logger } from '../../core/logger';
import type { AuthDeps } from './authDeps';
import { hostOf } from './authSession';
import { toAbortSignal } from '../app/cancellation';

/**
 * The fallback sign-in for hubs without the hub-notebooks service: opens the hub's token page, takes the
 * pasted API token, and keeps it only if `GET /hub/api/user` accepts it. Resolves with the session to store;
 * throws a cancelled SignInError when the user dismisses the input, and the core's error for a bad token.
 */
export async function signInWithApiToken(
  ctx: { deps: AuthDeps; logger: Logger },
  hubUrl: HubUrl,
): Promise<StoredSession> {
  const host = hostOf(hubUrl);
  const page = tokenPageUrl(new URL(hubUrl));
  await vscode.env.openExternal(vscode.Uri.parse(page, true));
  const typed = await vscode.window.showInputBox({
    title: `Hub Notebooks: sign in to ${host} with an API token`,
    prompt: `Create a token on ${page} (it just opened in your browser) and paste it here.`,
    placeHolder: 'API token',
    password: true,
    ignoreFocusOut: true,
  });
  const token = typed?.trim();
  if (!token) throw new SignInError('cancelled', 'Sign-in was cancelled.');
  const identity = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      cancellable: true,
      title: `Hub Notebooks: checking the token with ${host}…`,
    },
    (_progress, cancellation) => {
      const transport = ctx.deps.createTransport({
        baseUrl: hubUrl,
        getToken: () => token,
        logger: ctx.logger,
      });
      return validatePastedToken(transport, toAbortSignal(cancellation));
    },
  );
  return {
    id: ctx.deps.randomId(),
    hubUrl,
    user: identity.user,
    token,
    tokenId: identity.tokenId,
    scopes: identity.scopes,
    expiresAt: null,
    method: 'token',
    createdAt: ctx.deps.now().toISOString(),
  };
}
