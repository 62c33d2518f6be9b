import vscode = require('vscode');
import { CommandIds } from '../commands/commandIds';

/** The context key `when` clauses use (viewsWelcome, menus) to tell signed-in from signed-out. */
export const SIGNED_IN_CONTEXT_KEY = 'hubNotebooks.signedIn';

/**
 * The account's entry in the status bar. The activation bundle makes it, so that it is there at startup, and
 * shows it signed out when no session is stored; AccountStatus keeps it current once the rest has loaded.
 */
export function createAccountItem(): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('hubNotebooks.account', vscode.StatusBarAlignment.Left, 0);
  item.name = 'Hub Notebooks Account';
  return item;
}

/** `$(sign-in) Hub Notebooks: Sign In`, which signs in when clicked. */
export function showSignedOut(item: vscode.StatusBarItem): void {
  item.text = '$(sign-in) Hub Notebooks: Sign In';
  item.tooltip = 'Sign in to your JupyterHub';
  item.command = CommandIds.signIn;
  item.show();
}
