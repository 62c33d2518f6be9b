import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { HUBNB_SCHEME } from '../../core/uris/types';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { isTreeNode } from '../files/authoringTargets';
import { describeError, type NotebookHubs, type ServerControl } from '../hub/hubAccess';
import { hubnbUri, uriOf } from '../trees/nodeUris';
import type { NotebookTrees } from '../trees/notebookTrees';
import { newestFirst } from '../trees/supportedModel';
import type { SupportedNotebookNode, SupportedVersionNode, TreeNode } from '../trees/treeNodes';

/** What the notebook commands work with; the extension wires the real parts, tests fakes. */
export interface NotebookCommandDeps {
  hubs: NotebookHubs;
  trees: NotebookTrees;
  servers: ServerControl;
  /** "Save a Copy to My Notebooks" (saveCopy.ts). */
  saveCopy(source: vscode.Uri): Promise<unknown>;
  /** Notices open files changed on the hub (remoteChanges.ts); every Refresh runs it. */
  remoteChanges: { checkNow(): Promise<unknown> };
  log: Logger;
}

type Handler = (...args: unknown[]) => unknown;

const ROLL_BACK = 'Roll Back';

/** The handlers of the tree and notebook commands, for the one command table in commands.ts. */
export function notebookCommands(deps: NotebookCommandDeps) {
  const { trees } = deps;
  const refresh = (model: { refresh(): void }) => () => {
    model.refresh();
    void deps.remoteChanges
      .checkNow()
      .catch((err: unknown) => deps.log.warn(`remote check: ${describeError(err)}`));
  };
  return {
    [CommandIds.open]: (arg?: unknown) => openNotebook(targetUri(arg), deps.log),
    [CommandIds.openVersion]: (arg?: unknown) => openVersion(deps, arg),
    [CommandIds.saveCopy]: (arg?: unknown) => deps.saveCopy(targetUri(arg)),
    [CommandIds.copyPath]: (arg?: unknown) => vscode.env.clipboard.writeText(targetUri(arg).toString()),
    [CommandIds.openInBrowser]: (arg?: unknown) => openInBrowser(arg),
    [CommandIds.rollback]: (arg?: unknown) => rollback(deps, arg),
    [CommandIds.refreshMyNotebooks]: refresh(trees.myNotebooks),
    [CommandIds.refreshTeam]: refresh(trees.team),
    [CommandIds.refreshSupported]: refresh(trees.supported),
  } satisfies Record<string, Handler>;
}

/**
 * Opens a hubnb notebook in VS Code's notebook editor. Reading goes through the hubnb file system, so a file
 * that cannot be opened (a malformed team notebook, a stopped server the user will not start) fails here with
 * the provider's message, shown to the user.
 */
export async function openNotebook(uri: vscode.Uri, log: Logger): Promise<void> {
  try {
    // Other files open in the editor VS Code picks for them: text, or the image viewer.
    if (!uri.path.endsWith('.ipynb')) {
      await vscode.commands.executeCommand('vscode.open', uri);
      return;
    }
    const document = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(document);
  } catch (err) {
    log.warn(`could not open ${uri.toString()}: ${describeError(err)}`);
    void vscode.window.showErrorMessage(`Could not open ${lastSegment(uri)}: ${describeError(err)}`);
  }
}

/** The hubnb URI a command acts on: a tree node's, a URI passed in (the editor), or the active notebook's. */
export function targetUri(arg: unknown): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  if (isTreeNode(arg)) {
    const uri = uriOf(arg);
    if (uri) return uri;
  }
  const active = vscode.window.activeNotebookEditor?.notebook.uri;
  if (arg === undefined && active?.scheme === HUBNB_SCHEME) return active;
  throw new Error('choose a notebook in the Hub Notebooks views, or open one from the hub first');
}

/** Open Version…: a quick pick of a supported notebook's versions, newest first, the current one marked. */
async function openVersion(deps: NotebookCommandDeps, arg: unknown): Promise<void> {
  const node = arg as SupportedNotebookNode | SupportedVersionNode | undefined;
  if (!isTreeNode(node) || (node.kind !== 'supportedNotebook' && node.kind !== 'supportedVersion')) {
    throw new Error('choose a supported notebook in the Supported view');
  }
  const name = node.kind === 'supportedNotebook' ? node.summary.name : node.version.name;
  const notebook = await deps.hubs.run(node.hub.hubUrl, ({ catalog }) => catalog.getSupported(name));
  const items = newestFirst(notebook.versions).map((v) => ({
    label: v.version,
    description: v.version === notebook.currentVersion ? 'current' : '',
    detail: `Published by ${v.publishedBy}, ${new Date(v.publishedAt).toLocaleString()}`,
    version: v.version,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: `Open a Version of ${name}`,
    placeHolder: 'Versions are read-only; the newest is first',
    matchOnDescription: true,
  });
  if (!pick) return;
  const uri = hubnbUri(node.hub.hubUrl, { area: 'supported', name, version: pick.version });
  await openNotebook(uri, deps.log);
}

/**
 * Open in Browser: the file in JupyterLab on the hub, in the viewer's own server. The hub's servers have
 * the folder holding every home as their root (`notebook_dir=/home`, as hubClients.ts assumes for the
 * contents API), so the viewer's JupyterLab reaches their own files at `lab/tree/<viewer>/<path>` and a
 * teammate's, read-only through the unix groups, at `lab/tree/<owner>/<path>`. Supported notebooks live in the
 * service's store and have no JupyterLab page; their menus leave this command out. No token goes in the URL:
 * the browser signs in with its own hub cookie.
 */
async function openInBrowser(arg: unknown): Promise<void> {
  if (!isTreeNode(arg)) throw new Error('choose a notebook or folder in My Notebooks or Team');
  const url = browserUrl(arg);
  if (!url) throw new Error('supported notebooks have no page in JupyterLab; open them here instead');
  await vscode.env.openExternal(vscode.Uri.parse(url));
}

/** The JupyterLab URL of a tree node on its hub, or undefined when it has none (see openInBrowser). */
export function browserUrl(node: TreeNode): string | undefined {
  const viewer = node.hub.user;
  const inLab = (owner: string, path: string) =>
    `${node.hub.hubUrl}user/${encodeURIComponent(viewer)}/lab/tree/${[owner, ...path.split('/')]
      .filter((s) => s !== '')
      .map(encodeURIComponent)
      .join('/')}`;
  switch (node.kind) {
    case 'myEntry':
      return inLab(viewer, node.entry.path);
    case 'teammate':
      return inLab(node.teammate.name, '');
    case 'teamEntry':
      return inLab(node.owner, node.entry.path);
    default:
      return undefined;
  }
}

/** Roll Back to This Version: after a modal confirmation, moves the notebook's current pointer back. */
async function rollback(deps: NotebookCommandDeps, arg: unknown): Promise<void> {
  const node = arg as SupportedVersionNode | undefined;
  if (!isTreeNode(node) || node.kind !== 'supportedVersion') {
    throw new Error('choose a version in the Supported view');
  }
  const { name, version } = node.version;
  const host = hostOf(node.hub.hubUrl);
  const pick = await vscode.window.showWarningMessage(
    `Roll ${name} back to version ${version}?`,
    {
      modal: true,
      detail:
        `Everyone on ${host} who opens ${name} gets version ${version} instead of ${node.currentVersion}. ` +
        'No version is deleted, and the rollback is recorded with your name.',
    },
    ROLL_BACK,
  );
  if (pick !== ROLL_BACK) return;
  try {
    const result = await deps.hubs.run(node.hub.hubUrl, ({ catalog }) => catalog.rollback(name, version));
    deps.log.info(`rolled ${name} back to ${result.currentVersion} on ${host}`);
    void vscode.window.showInformationMessage(`${name} is now at version ${result.currentVersion}.`);
  } finally {
    // Refreshed whatever happened: a refusal (409) usually means the view was out of date.
    deps.trees.supported.refresh();
  }
}

function lastSegment(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1) || uri.toString();
}
