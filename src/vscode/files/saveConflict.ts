import vscode = require('vscode');
import type { Logger } from '../../core/logger';

/** The buttons of the save-conflict dialog, in the order shown. */
export const CONFLICT_CHOICES = { overwrite: 'Overwrite', compare: 'Compare', reload: 'Reload' } as const;

/** A save the hub refused because the file changed there since the editor read it. */
export interface SaveConflict {
  /** The file being saved. */
  uri: vscode.Uri;
  /** Its name as shown to the user. */
  fileName: string;
  /** A read-only URI that serves the hub's current version of the file. */
  hubVersionUri: vscode.Uri;
  /** A read-only URI that serves the bytes being saved, once `keepUnsaved` has run. */
  unsavedUri: vscode.Uri;
  /** Keeps the bytes being saved in memory under `unsavedUri`, for the comparison. */
  keepUnsaved(): void;
  /** Reports the file as changed, so VS Code notices the hub's version (and reloads it once reverted). */
  announceChange(): void;
  logger: Logger;
}

/**
 * Asks the user what to do about a save conflict. Returns 'overwrite' when they chose to replace the hub's
 * version with theirs; in every other case it throws a FileSystemError, so the save fails and the editor stays
 * dirty: nothing the user typed is lost, whatever they pick.
 *
 * Reload does not revert the editor itself. VS Code 1.100 does not reload a dirty document on a change event,
 * and running `workbench.action.files.revert` from inside a save would act on whatever editor is active (with
 * Save All, not necessarily this one) while the save is still in flight. So Reload announces the change and
 * fails the save with a message that says to revert; VS Code's save-error notification offers Revert right
 * there, and the edits stay in the editor until the user clicks it.
 */
export async function resolveSaveConflict(conflict: SaveConflict): Promise<'overwrite'> {
  const { fileName, logger } = conflict;
  const pick = await vscode.window.showWarningMessage(
    `${fileName} was changed on the hub since you opened it.`,
    {
      modal: true,
      detail:
        'Overwrite replaces the hub’s version with yours. Compare shows both side by side. Reload lets you ' +
        'revert to the hub’s version. Your edits stay in the editor until you decide.',
    },
    CONFLICT_CHOICES.overwrite,
    CONFLICT_CHOICES.compare,
    CONFLICT_CHOICES.reload,
  );
  logger.info(`save conflict on ${conflict.uri.toString()}: the user chose ${pick ?? 'to cancel'}`);
  switch (pick) {
    case CONFLICT_CHOICES.overwrite:
      return 'overwrite';
    case CONFLICT_CHOICES.compare:
      conflict.keepUnsaved();
      await vscode.commands.executeCommand(
        'vscode.diff',
        conflict.hubVersionUri,
        conflict.unsavedUri,
        `${fileName} (on the hub) ↔ ${fileName} (yours, not saved)`,
      );
      throw new vscode.FileSystemError(
        `${fileName} was not saved: it changed on the hub. The comparison shows the hub's version on the ` +
          `left and yours on the right. Save again and choose Overwrite to keep yours, or revert the file to ` +
          `take the hub's.`,
      );
    case CONFLICT_CHOICES.reload:
      conflict.announceChange();
      throw new vscode.FileSystemError(
        `${fileName} was not saved: it changed on the hub. Revert the file to load the hub's version ` +
          `(File: Revert File); your edits stay in the editor until you do.`,
      );
    default:
      throw new vscode.FileSystemError(
        `${fileName} was not saved: it changed on the hub since you opened it. Your edits are still in the ` +
          `editor; save again to choose between Overwrite, Compare and Reload.`,
      );
  }
}
