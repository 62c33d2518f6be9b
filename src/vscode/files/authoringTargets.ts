import vscode = require('vscode');
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import { checkRelativePath } from '../../core/uris/relativePath';
import { HUBNB_SCHEME } from '../../core/uris/types';
import type { NotebookHubs } from '../hub/hubAccess';
import { hubnbUri, uriOf } from '../trees/nodeUris';
import type { TreeNode } from '../trees/treeNodes';
import { readOnly } from './hubnbErrors';

/**
 * Where the authoring commands act: a tree node, a URI (the Explorer, an editor), or the active notebook.
 * Anything outside the user's own home is refused with the read-only message before anything is asked.
 */

/** The user's own file or folder a command acts on, as a hubnb URI under `/me/`. */
export function ownEntry(arg: unknown): vscode.Uri {
  const uri = isTreeNode(arg) ? uriOf(arg) : arg instanceof vscode.Uri ? arg : activeHubNotebook();
  if (!uri) throw new Error('choose a file or folder in My Notebooks first');
  requireOwn(uri, true);
  return uri;
}

/**
 * The folder a new notebook, folder or upload goes into: the chosen folder, the folder of the chosen file, a
 * hub's home (its node in My Notebooks), the active hub notebook's folder, or the signed-in hub's home.
 */
export async function targetFolder(
  arg: unknown,
  hubs: NotebookHubs,
  isFolder: (uri: vscode.Uri) => Promise<boolean>,
): Promise<vscode.Uri> {
  if (isTreeNode(arg)) {
    if (arg.kind === 'hub' || arg.kind === 'message') return homeOf(arg.hub.hubUrl);
    const uri = uriOf(arg);
    if (!uri) throw new Error('choose a folder in My Notebooks first');
    requireOwn(uri, false);
    return arg.kind === 'myEntry' && arg.entry.type === 'directory' ? uri : parentOf(uri);
  }
  const uri = arg instanceof vscode.Uri ? arg : activeHubNotebook();
  if (uri && uri.scheme === HUBNB_SCHEME) {
    requireOwn(uri, false);
    return (await isFolder(uri)) ? uri : parentOf(uri);
  }
  return homeOf(await pickHub(hubs));
}

/** The home folder of a hub, `hubnb://<hub>/me`. */
export function homeOf(hubUrl: string): vscode.Uri {
  return hubnbUri(hubUrl, { area: 'me', path: '' });
}

/** The folder holding a hubnb file. */
export function parentOf(uri: vscode.Uri): vscode.Uri {
  const path = uri.path.slice(0, uri.path.lastIndexOf('/'));
  return uri.with({ path: path === '' ? '/' : path, query: '', fragment: '' });
}

/** A URI's last segment: the file's name. */
export function nameOf(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The URI of `name` inside a hubnb folder. */
export function childOf(folder: vscode.Uri, name: string): vscode.Uri {
  return folder.with({ path: `${folder.path.replace(/\/$/, '')}/${name}` });
}

/** The one signed-in hub, or the one the user picks when there are several. */
export async function pickHub(hubs: NotebookHubs): Promise<string> {
  const accounts = await hubs.signedInAccounts();
  const only = accounts.length === 1 ? accounts[0] : undefined;
  if (only) return only.hubUrl;
  if (accounts.length === 0) throw new Error('sign in to your hub first (Hub Notebooks: Sign In)');
  const pick = await vscode.window.showQuickPick(
    accounts.map((a) => ({ label: new URL(a.hubUrl).host, description: a.user, hubUrl: a.hubUrl })),
    { title: 'Which hub?', placeHolder: 'You are signed in to several hubs' },
  );
  if (!pick) throw new vscode.CancellationError();
  return pick.hubUrl;
}

/** Checks a name the user typed for a file or folder: one path segment the contents API accepts. */
export function nameProblem(value: string): string | undefined {
  const name = value.trim();
  if (name === '') return 'Enter a name.';
  if (name.includes('/')) return 'Enter a name without `/`; to move it, drag it onto a folder.';
  const check = checkRelativePath(name);
  return check.ok ? undefined : check.message;
}

function requireOwn(uri: vscode.Uri, notHome: boolean): void {
  let own = false;
  try {
    const location = parseHubnbPath(uri.path);
    own =
      uri.scheme === HUBNB_SCHEME &&
      location.area === 'me' &&
      uri.query === '' &&
      (!notHome || location.path !== '');
  } catch {
    own = false;
  }
  if (!own) throw readOnly(uri);
}

function activeHubNotebook(): vscode.Uri | undefined {
  const uri = vscode.window.activeNotebookEditor?.notebook.uri;
  return uri?.scheme === HUBNB_SCHEME ? uri : undefined;
}

export function isTreeNode(arg: unknown): arg is TreeNode {
  return typeof arg === 'object' && arg !== null && 'kind' in arg && 'hub' in arg;
}
