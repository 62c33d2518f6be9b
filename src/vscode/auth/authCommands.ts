import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import type { HubAuthProvider } from './authProvider';
import type { HubUrl } from '../../core/auth';
import { AUTH_PROVIDER_ID, hostOf, hubFromScopes } from './authSession';
import { isUserCancellation } from '../app/cancellation';

/**
 * `Hub Notebooks: Sign In`. It asks VS Code rather than the provider, so the Accounts menu records that the
 * extension uses the session. Clearing the session preference makes VS Code offer "Sign in to another
 * account" when one is already signed in, instead of silently returning it.
 */
export async function signIn(logger: Logger): Promise<void> {
  try {
    await vscode.authentication.getSession(AUTH_PROVIDER_ID, [], {
      createIfNone: true,
      clearSessionPreference: true,
    });
  } catch (err) {
    // The provider has shown its own failures; what is left is a cancellation or a declined consent.
    if (!isUserCancellation(err)) logger.info(`sign-in did not complete: ${String(err)}`);
  }
}

/** `Hub Notebooks: Sign in with API Token…`. */
export async function signInWithToken(provider: HubAuthProvider): Promise<void> {
  // Failures were shown by the provider, and cancellations stay silent.
  await provider.signInWithToken().catch(() => undefined);
}

/** What Sign Out can stop: the user's server, already confirmed. */
export interface SignOutServers {
  stopServer(hubUrl: HubUrl, options: { confirmed: true }): Promise<unknown>;
}

const SIGN_OUT = 'Sign Out';
const SIGN_OUT_AND_STOP = 'Sign Out and Stop Server';
const LOG_OUT_IN_BROWSER = 'Log Out in Browser';

/**
 * `Hub Notebooks: Sign Out`: picks the account when there are several, confirms (saying that the server keeps
 * running, with the choice to stop it), signs out, and then offers to log out of the hub in the browser too,
 * since the hub's own login there would otherwise sign the next person at that browser straight in.
 */
export async function signOut(provider: HubAuthProvider, servers: SignOutServers): Promise<void> {
  const sessions = await provider.getSessions(undefined);
  if (sessions.length === 0) {
    void vscode.window.showInformationMessage('Hub Notebooks: you are not signed in to any hub.');
    return;
  }
  const chosen =
    sessions.length === 1
      ? sessions[0]
      : (
          await vscode.window.showQuickPick(
            sessions.map((session) => ({ label: session.account.label, session })),
            { title: 'Hub Notebooks: Sign Out', placeHolder: 'Choose the account to sign out of' },
          )
        )?.session;
  if (!chosen) return;
  const hubUrl = hubFromScopes(chosen.scopes);
  const host = hubUrl ? hostOf(hubUrl) : 'the hub';
  const confirm = await vscode.window.showWarningMessage(
    `Sign out of ${chosen.account.label}?`,
    {
      modal: true,
      detail:
        'Hub Notebooks revokes the token on the hub and closes the connections that use it. ' +
        `Your server on ${host} and its kernels keep running unless you stop them.`,
    },
    SIGN_OUT,
    ...(hubUrl ? [SIGN_OUT_AND_STOP] : []),
  );
  if (confirm !== SIGN_OUT && confirm !== SIGN_OUT_AND_STOP) return;
  // The server is stopped first: it takes the token that signing out revokes.
  if (confirm === SIGN_OUT_AND_STOP && hubUrl) await servers.stopServer(hubUrl, { confirmed: true });
  await provider.removeSession(chosen.id);
  if (hubUrl) offerBrowserLogout(hubUrl, chosen.account.label);
}

/** After signing out here, the hub's login in the browser is still there; offers to end it as well. */
function offerBrowserLogout(hubUrl: HubUrl, label: string): void {
  void vscode.window
    .showInformationMessage(
      `Signed out of ${label}. Your browser is still logged in to ${hostOf(hubUrl)}: log out there too, ` +
        'so that the next person at this browser is not signed in as you.',
      LOG_OUT_IN_BROWSER,
    )
    .then((pick) => {
      if (pick === LOG_OUT_IN_BROWSER)
        void vscode.env.openExternal(vscode.Uri.parse(`${hubUrl}hub/logout`, true));
    });
}
