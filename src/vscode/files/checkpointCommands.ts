import vscode = require('vscode');
import type { Checkpoint, ContentsApi } from '../../core/contents/types';
import type { Logger } from '../../core/logger';
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import { CommandIds } from '../commands/commandIds';
import type { HubAccounts } from '../hub/hubAccounts';
import type { HubServers } from '../hub/serverStart';
import { nameOf, ownEntry } from './authoringTargets';
import type { HubnbFileSystemProvider } from './hubnbFileSystem';
import { checkpointUri } from './hubnbViews';

/** What the checkpoint commands work with. */
export interface CheckpointDeps {
  clients: Pick<HubAccounts, 'hubForAuthority' | 'run'>;
  servers: Pick<HubServers, 'withServer'>;
  files: Pick<HubnbFileSystemProvider, 'notifyChanged'>;
  logger: Logger;
}

type Handler = (...args: unknown[]) => unknown;
const RESTORE = 'Restore';

/** Create Checkpoint, Restore Checkpoint… and Compare with Checkpoint, with jupyter_server's checkpoints. */
export function checkpointCommands(deps: CheckpointDeps) {
  return {
    [CommandIds.createCheckpoint]: (arg?: unknown) => createCheckpoint(deps, arg),
    [CommandIds.restoreCheckpoint]: (arg?: unknown) => restoreCheckpoint(deps, arg),
    [CommandIds.compareWithCheckpoint]: (arg?: unknown) => compareWithCheckpoint(deps, arg),
  } satisfies Record<string, Handler>;
}

/** Saves the file's editor first when it has unsaved changes: a checkpoint is of the file on the hub. */
async function createCheckpoint(deps: CheckpointDeps, arg: unknown): Promise<Checkpoint | undefined> {
  const uri = ownEntry(arg);
  const dirty = openDocument(uri)?.isDirty === true;
  if (dirty && !(await openDocument(uri)?.save())) return undefined;
  const made = await withContents(deps, uri, `create a checkpoint of ${nameOf(uri)}`, (c, path) =>
    c.createCheckpoint(path),
  );
  deps.logger.info(`created checkpoint ${made.id} of ${uri.toString()}`);
  void vscode.window.showInformationMessage(`Created a checkpoint of ${nameOf(uri)} (${when(made)}).`);
  return made;
}

/** Lists the checkpoints with their times, confirms, and puts the chosen one back in place of the file. */
async function restoreCheckpoint(deps: CheckpointDeps, arg: unknown): Promise<boolean> {
  const uri = ownEntry(arg);
  if (openDocument(uri)?.isDirty) {
    throw new Error(`${nameOf(uri)} has unsaved changes. Save or revert them first, so that nothing is lost`);
  }
  const chosen = await pickCheckpoint(deps, uri, 'Restore Checkpoint');
  if (!chosen) return false;
  const pick = await vscode.window.showWarningMessage(
    `Restore ${nameOf(uri)} to its checkpoint of ${when(chosen)}?`,
    {
      modal: true,
      detail: 'The version on the hub is replaced by the checkpoint. Create a checkpoint first to keep it.',
    },
    RESTORE,
  );
  if (pick !== RESTORE) return false;
  await withContents(deps, uri, `restore ${nameOf(uri)}`, (c, path) => c.restoreCheckpoint(path, chosen.id));
  deps.logger.info(`restored ${uri.toString()} to checkpoint ${chosen.id}`);
  // The editor reloads a clean file it is told changed on the hub.
  deps.files.notifyChanged([uri]);
  void vscode.window.showInformationMessage(`Restored ${nameOf(uri)} to its checkpoint of ${when(chosen)}.`);
  return true;
}

/** VS Code's diff (the notebook diff for a notebook) of a checkpoint, read-only, against the file. */
async function compareWithCheckpoint(deps: CheckpointDeps, arg: unknown): Promise<vscode.Uri | undefined> {
  const uri = ownEntry(arg);
  const chosen = await pickCheckpoint(deps, uri, 'Compare with Checkpoint');
  if (!chosen) return undefined;
  const left = checkpointUri(uri, chosen.id);
  const title = `${nameOf(uri)} (checkpoint of ${when(chosen)}) ↔ ${nameOf(uri)}`;
  await vscode.commands.executeCommand('vscode.diff', left, uri, title);
  return left;
}

/** The one checkpoint, or the one the user picks; a clear message when there is none. */
async function pickCheckpoint(
  deps: CheckpointDeps,
  uri: vscode.Uri,
  title: string,
): Promise<Checkpoint | undefined> {
  const list = await withContents(deps, uri, `list the checkpoints of ${nameOf(uri)}`, (c, path) =>
    c.listCheckpoints(path),
  );
  if (list.length === 0) {
    void vscode.window.showInformationMessage(
      `${nameOf(uri)} has no checkpoint yet. Use "Create Checkpoint" to make one.`,
    );
    return undefined;
  }
  const newest = [...list].sort((a, b) => b.lastModified.localeCompare(a.lastModified));
  if (newest.length === 1) return newest[0];
  const pick = await vscode.window.showQuickPick(
    newest.map((c) => ({ label: when(c), description: c.id, checkpoint: c })),
    { title, placeHolder: 'Checkpoints, newest first' },
  );
  return pick?.checkpoint;
}

async function withContents<T>(
  deps: CheckpointDeps,
  uri: vscode.Uri,
  action: string,
  op: (contents: ContentsApi, path: string) => Promise<T>,
): Promise<T> {
  const location = parseHubnbPath(uri.path);
  if (location.area !== 'me') throw new Error('checkpoints are kept for your own files only');
  const hubUrl = await deps.clients.hubForAuthority(uri.authority);
  return deps.servers.withServer(
    hubUrl,
    () => deps.clients.run(hubUrl, (a) => op(a.contents, location.path)),
    action,
  );
}

function openDocument(uri: vscode.Uri): { isDirty: boolean; save(): Thenable<boolean> } | undefined {
  const key = uri.toString();
  return (
    vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === key) ??
    vscode.workspace.textDocuments.find((d) => d.uri.toString() === key)
  );
}

function when(checkpoint: Checkpoint): string {
  return new Date(checkpoint.lastModified).toLocaleString();
}
