import vscode = require('vscode');
import { SignInError, checkHubUrl, type HubUrl } from '../../core/auth';
import type { Logger } from '../../core/logger';
import { hostOf, hubFromScopes } from './authSession';
import type { Settings } from '../app/settings';

/**
 * Which hub a sign-in is for: the one a `hub:` scope names, else the only configured hub, else the user's pick
 * among the configured hubs, else a URL the user types (and may add to their settings). Throws a cancelled
 * SignInError when the user dismisses the choice.
 */
export async function pickHub(
  settings: Settings,
  scopes: readonly string[] | undefined,
  logger: Logger,
): Promise<HubUrl> {
  const requested = hubFromScopes(scopes);
  if (requested) return requested;
  const hubs = settings.hubs;
  if (hubs.length === 1 && hubs[0]) return hubs[0];
  if (hubs.length > 1) {
    const pick = await vscode.window.showQuickPick(
      hubs.map((url) => ({ label: hostOf(url), description: url, url })),
      { title: 'Hub Notebooks: Sign In', placeHolder: 'Choose the hub to sign in to', ignoreFocusOut: true },
    );
    if (!pick) throw cancelled();
    return pick.url;
  }
  return askForHub(settings, logger);
}

async function askForHub(settings: Settings, logger: Logger): Promise<HubUrl> {
  const typed = await vscode.window.showInputBox({
    title: 'Hub Notebooks: Sign In',
    prompt: "Your JupyterHub's address, as you open it in a browser",
    placeHolder: 'https://hub.example.org/',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const check = checkHubUrl(value);
      return check.ok ? undefined : check.reason;
    },
  });
  if (!typed) throw cancelled();
  const check = checkHubUrl(typed);
  if (!check.ok) throw new Error(`The hub URL is not valid: ${check.reason}.`);
  // Asked without waiting, so the sign-in goes on while the offer stays in the notification list.
  void vscode.window
    .showInformationMessage(
      `Add ${check.url} to your hubNotebooks.hubs setting, so sign-in goes there directly?`,
      'Add',
    )
    .then((pick) => (pick === 'Add' ? settings.addHub(check.url) : undefined))
    .then(undefined, (err: unknown) => logger.warn(`could not add the hub to the settings: ${String(err)}`));
  return check.url;
}

function cancelled(): SignInError {
  return new SignInError('cancelled', 'Sign-in was cancelled.');
}
