import vscode = require('vscode');
import { CommandIds } from '../commands/commandIds';
import type { NotebookHubs, SignedInHub } from './hubAccess';

/** The button that offers to sign in, wherever a command finds the user signed out. */
export const SIGN_IN = 'Sign In';

/**
 * The signed-in accounts, for a command that needs at least one. With none, it says `message` with a Sign In
 * button (which runs Hub Notebooks: Sign In) and returns undefined, so the command can stop there.
 */
export async function signedInOrOffer(
  hubs: NotebookHubs,
  message: string,
): Promise<SignedInHub[] | undefined> {
  const accounts = await hubs.signedInAccounts();
  if (accounts.length > 0) return accounts;
  const pick = await vscode.window.showInformationMessage(message, SIGN_IN);
  if (pick === SIGN_IN) await vscode.commands.executeCommand(CommandIds.signIn);
  return undefined;
}
