import vscode = require('vscode');
import { messageOf } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { isUserCancellation } from '../app/cancellation';
import { NotSignedInError } from '../hub/notSignedInError';
import { CommandIds, type CommandId } from './commandIds';

/** What each command was doing, for "Hub Notebooks could not …" when it fails. */
const DOING: Record<CommandId, string> = {
  [CommandIds.showLog]: 'show its log',
  [CommandIds.signIn]: 'sign in',
  [CommandIds.signInWithToken]: 'sign in with the API token',
  [CommandIds.signOut]: 'sign out',
  [CommandIds.open]: 'open the notebook',
  [CommandIds.openVersion]: 'open the version',
  [CommandIds.saveCopy]: 'save a copy',
  [CommandIds.copyPath]: 'copy the path',
  [CommandIds.openInBrowser]: 'open it in the browser',
  [CommandIds.rollback]: 'roll back',
  [CommandIds.refreshMyNotebooks]: 'refresh My Notebooks',
  [CommandIds.refreshTeam]: 'refresh the team’s notebooks',
  [CommandIds.refreshSupported]: 'refresh the supported notebooks',
  [CommandIds.startServer]: 'start the server',
  [CommandIds.stopServer]: 'stop the server',
  [CommandIds.chooseServer]: 'choose the server',
  [CommandIds.openSupportedNotebook]: 'open the supported notebook',
  [CommandIds.openTeammateNotebook]: 'open the teammate’s notebook',
  [CommandIds.restartKernel]: 'restart the kernel',
  [CommandIds.restartKernelAndRunAll]: 'restart the kernel and run all cells',
  [CommandIds.shutdownKernel]: 'shut down the kernel',
  [CommandIds.newNotebook]: 'create the notebook',
  [CommandIds.newNotebookFromTemplate]: 'create the notebook from the template',
  [CommandIds.newFolder]: 'create the folder',
  [CommandIds.rename]: 'rename it',
  [CommandIds.deleteEntry]: 'delete it',
  [CommandIds.duplicate]: 'duplicate it',
  [CommandIds.openInExplorer]: 'add My Notebooks to the Explorer',
  [CommandIds.uploadToHub]: 'upload to the hub',
  [CommandIds.moveToHub]: 'move it to the hub',
  [CommandIds.saveToHub]: 'save it to the hub',
  [CommandIds.createCheckpoint]: 'create the checkpoint',
  [CommandIds.restoreCheckpoint]: 'restore the checkpoint',
  [CommandIds.compareWithCheckpoint]: 'compare with the checkpoint',
  [CommandIds.lintShowFixNote]: 'show the quick fix’s note',
};

const SHOW_LOG = 'Show Log';

export interface CommandFailureDeps {
  logger: Logger;
  showLog(): void;
  /** Offers to sign in to the hub a NotSignedInError names (HubAccounts.promptSignIn). */
  promptSignIn(err: NotSignedInError): void;
}

type Handler = (...args: unknown[]) => unknown;

/**
 * Wraps a command's handler so that every command reports a failure the same way: a cancellation stays
 * silent, "not signed in" offers Sign In, and anything else is logged and shown as "Hub Notebooks could not
 * <what the command does>: <why>" with Show Log. Handlers show their own messages only for what is not a
 * failure (nothing to act on, a question).
 */
export function reportingFailures(id: CommandId, handler: Handler, deps: CommandFailureDeps): Handler {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (err) {
      reportFailure(id, err, deps);
      return undefined;
    }
  };
}

function reportFailure(id: CommandId, err: unknown, deps: CommandFailureDeps): void {
  if (isUserCancellation(err)) {
    deps.logger.debug(`${id} cancelled`);
    return;
  }
  if (err instanceof NotSignedInError) {
    deps.promptSignIn(err);
    return;
  }
  const message = messageOf(err);
  deps.logger.warn(`${id} failed: ${message}`);
  void vscode.window
    .showErrorMessage(`Hub Notebooks could not ${DOING[id]}: ${message}`, SHOW_LOG)
    .then((pick) => pick === SHOW_LOG && deps.showLog());
}
