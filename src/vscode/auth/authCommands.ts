import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { HubAuthProvider } from './authProvider';
import { AUTH_PROVIDER_ID } from './authSession';
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

/** `Hub Notebooks: Sign Out`: picks the account when there are several, confirms, then signs out. */
export async function signOut(provider: HubAuthProvider): Promise<void> {
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
  const confirm = await vscode.window.showWarningMessage(
    `Sign out of ${chosen.account.label}?`,
    {
      modal: true,
      detail: 'Hub Notebooks revokes the token on the hub and closes the connections that use it.',
    },
    'Sign Out',
  );
  if (confirm === 'Sign Out') await provider.removeSession(chosen.id);
}
