import vscode = require('vscode');
import { CommandIds } from '../commands/commandIds';
import type { NotebookHubs } from '../hub/hubAccess';
import { childOf, homeOf, pickHub, targetFolder } from './authoringTargets';
import type { HubnbFileSystemProvider } from './hubnbFileSystem';
import { saveToHub } from './saveToHub';
import { uploadFiles, type UploadDeps } from './uploads';

/** What the upload commands need besides the uploads themselves. */
export interface UploadCommandDeps extends UploadDeps {
  hubs: NotebookHubs;
  files: Pick<HubnbFileSystemProvider, 'stat' | 'readDirectory' | 'writeFile'>;
}

type Handler = (...args: unknown[]) => unknown;

/**
 * "Upload to Hub…" (a file dialog, into the chosen folder), "Move to Hub" (local files in the Explorer) and
 * "Save to Hub" (an untitled or local notebook in the editor).
 */
export function uploadCommands(deps: UploadCommandDeps) {
  return {
    [CommandIds.uploadToHub]: (arg?: unknown) => uploadToHub(deps, arg),
    [CommandIds.moveToHub]: (arg?: unknown, all?: unknown) => moveToHub(deps, arg, all),
    [CommandIds.saveToHub]: (arg?: unknown) => saveToHub(deps, arg),
  } satisfies Record<string, Handler>;
}

async function uploadToHub(deps: UploadCommandDeps, arg: unknown) {
  const folder = await targetFolder(
    arg,
    deps.hubs,
    async (uri) => (await deps.files.stat(uri)).type === vscode.FileType.Directory,
  );
  const picked = await vscode.window.showOpenDialog({
    title: `Upload to ${folder.path.replace(/^\/me\/?/, '') || 'My Notebooks'} on ${folder.authority}`,
    openLabel: 'Upload',
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
  });
  if (!picked || picked.length === 0) return [];
  return uploadFiles(deps, picked, folder, false);
}

/** The local files the Explorer passed (the clicked one, or the whole selection), into a folder the user picks. */
async function moveToHub(deps: UploadCommandDeps, arg: unknown, all: unknown) {
  const chosen = Array.isArray(all) && all.every((u) => u instanceof vscode.Uri) ? all : [];
  const sources = chosen.length > 0 ? chosen : arg instanceof vscode.Uri ? [arg] : [];
  const local = sources.filter((u) => u.scheme !== 'hubnb');
  if (local.length === 0)
    throw new Error('choose files on this computer in the Explorer to move them to the hub');
  const folder = await pickFolder(deps);
  if (!folder) return [];
  return uploadFiles(deps, local, folder, true);
}

/** My Notebooks or one of its top-level folders, on the signed-in hub (or the one picked). */
async function pickFolder(deps: UploadCommandDeps): Promise<vscode.Uri | undefined> {
  const home = homeOf(await pickHub(deps.hubs));
  const entries = await deps.files.readDirectory(home);
  const folders = entries.filter(([, type]) => type === vscode.FileType.Directory).map(([name]) => name);
  const items = [
    { label: 'My Notebooks', description: 'your home folder', uri: home },
    ...folders
      .sort()
      .map((name) => ({ label: name, description: 'in My Notebooks', uri: childOf(home, name) })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Move to Hub',
    placeHolder: `Which folder on ${home.authority}? The local copy is deleted only once the hub's copy reads back identical`,
  });
  return pick?.uri;
}
