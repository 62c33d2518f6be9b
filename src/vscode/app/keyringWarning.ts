import vscode = require('vscode');
import type { Logger } from '../../core/logger';

/** VS Code's guide to keyring problems on Linux. */
export const KEYRING_HELP_URL =
  'https://code.visualstudio.com/docs/configure/settings-sync#_troubleshooting-keychain-issues';

/** The globalState flag that keeps the warning to once per install. */
export const KEYRING_WARNED_KEY = 'hubNotebooks.keyringWarningShown';

/** Where the extension host runs; injected so tests can play Linux with and without a keyring. */
export interface KeyringHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Set in remote windows, where secrets are kept by the local VS Code, not on this host. */
  remoteName: string | undefined;
  globalState: vscode.Memento;
}

/**
 * On Linux without a D-Bus session there is no OS keyring for SecretStorage, and VS Code may fall back to a
 * weaker local encryption for the hub tokens. Warns once per install; resolves true when it warned.
 */
export async function warnIfNoKeyring(host: KeyringHost, logger: Logger): Promise<boolean> {
  if (host.platform !== 'linux' || host.remoteName !== undefined) return false;
  if (host.env.DBUS_SESSION_BUS_ADDRESS || host.globalState.get<boolean>(KEYRING_WARNED_KEY)) return false;
  await host.globalState.update(KEYRING_WARNED_KEY, true);
  logger.warn('no D-Bus session found, so SecretStorage may not use an OS keyring for hub tokens');
  const pick = await vscode.window.showWarningMessage(
    'Hub Notebooks found no OS keyring (no D-Bus session). VS Code may then keep your hub tokens with a ' +
      'weaker local encryption. Set up a keyring such as GNOME Keyring or KWallet to protect them.',
    'Learn More',
  );
  if (pick === 'Learn More') await vscode.env.openExternal(vscode.Uri.parse(KEYRING_HELP_URL));
  return true;
}
