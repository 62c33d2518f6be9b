import vscode = require('vscode');
import type { NotebookHubs } from '../hub/hubAccess';
import { homeOf, isTreeNode, pickHub } from './authoringTargets';

/**
 * "Open My Notebooks in Explorer": adds the user's home on a hub (`hubnb://<hub>/me`) as a workspace folder,
 * so that VS Code's Explorer, quick open and file operations work on the hub. A folder already there is
 * revealed instead of added twice.
 */
export async function openMyNotebooksInExplorer(hubs: NotebookHubs, arg?: unknown): Promise<vscode.Uri> {
  const hubUrl = isTreeNode(arg) ? arg.hub.hubUrl : await pickHub(hubs);
  const home = homeOf(hubUrl);
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.some((f) => f.uri.toString() === home.toString())) {
    const name = `My Notebooks (${home.authority})`;
    // With no workspace open, adding a folder makes an untitled workspace: VS Code reloads the window for it.
    const added = vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri: home, name });
    if (!added)
      throw new Error('VS Code did not add the folder; try again once the window has finished loading');
  }
  await vscode.commands.executeCommand('workbench.view.explorer');
  return home;
}
