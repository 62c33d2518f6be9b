import vscode = require('vscode');
import { messageOf } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { serializeNotebook } from '../../core/notebook/nbformat';
import {
  emptyNotebook,
  headerTemplateFromNotebook,
  notebookFromTemplate,
  type HeaderTemplate,
} from '../../core/notebook/template';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import type { NotebookHubs } from '../hub/hubAccess';
import { openMyNotebooksInExplorer } from './explorerFolder';
import type { HubnbFileSystemProvider } from './hubnbFileSystem';
import { childOf, nameOf, nameProblem, ownEntry, parentOf, targetFolder } from './authoringTargets';

/** What the authoring commands work with: the signed-in hubs (for the template) and the hubnb file system. */
export interface AuthoringDeps {
  hubs: NotebookHubs;
  files: Pick<
    HubnbFileSystemProvider,
    'stat' | 'readDirectory' | 'writeFile' | 'createDirectory' | 'rename' | 'delete' | 'copy'
  >;
  logger: Logger;
}

type Handler = (...args: unknown[]) => unknown;
const DELETE = 'Delete';
const NOTEBOOK = '.ipynb';

/** New Notebook, New Notebook from Template, New Folder, Rename, Delete and Duplicate, on the user's own files. */
export function authoringCommands(deps: AuthoringDeps) {
  return {
    [CommandIds.newNotebook]: (arg?: unknown) => newNotebook(deps, arg, false),
    [CommandIds.newNotebookFromTemplate]: (arg?: unknown) => newNotebook(deps, arg, true),
    [CommandIds.newFolder]: (arg?: unknown) => newFolder(deps, arg),
    [CommandIds.rename]: (arg?: unknown) => rename(deps, arg),
    [CommandIds.deleteEntry]: (arg?: unknown) => deleteEntry(deps, arg),
    [CommandIds.duplicate]: (arg?: unknown) => duplicate(deps, arg),
    [CommandIds.openInExplorer]: (arg?: unknown) => openMyNotebooksInExplorer(deps.hubs, arg),
  } satisfies Record<string, Handler>;
}

/** Makes a notebook (empty, or from the team's template) in the chosen folder, under a name the user gives. */
async function newNotebook(
  deps: AuthoringDeps,
  arg: unknown,
  fromTemplate: boolean,
): Promise<vscode.Uri | undefined> {
  const folder = await targetFolder(arg, deps.hubs, (uri) => isFolder(deps, uri));
  const suggested = await freeName(deps, folder, fromTemplate ? 'Notebook' : 'Untitled', NOTEBOOK);
  const name = await askName(
    fromTemplate ? 'New Notebook from Template' : 'New Notebook',
    folder,
    suggested,
    NOTEBOOK,
  );
  if (name === undefined) return undefined;
  const file = name.endsWith(NOTEBOOK) ? name : `${name}${NOTEBOOK}`;
  const uri = childOf(folder, file);
  const title = file.slice(0, -NOTEBOOK.length);
  const notebook = fromTemplate
    ? notebookFromTemplate({ title, ...(await teamTemplate(deps, folder)) })
    : emptyNotebook();
  await deps.files.writeFile(uri, new TextEncoder().encode(serializeNotebook(notebook)), {
    create: true,
    overwrite: false,
  });
  deps.logger.info(`created ${uri.toString()}${fromTemplate ? " from the team's template" : ''}`);
  await vscode.commands.executeCommand('vscode.openWith', uri, 'jupyter-notebook');
  return uri;
}

/**
 * The operator's template from the hub's service, or nothing (the built-in template) when the hub has none or
 * its service predates `api/authoring`.
 */
async function teamTemplate(deps: AuthoringDeps, folder: vscode.Uri): Promise<{ template?: HeaderTemplate }> {
  const hubs = await deps.hubs.signedInAccounts();
  const hub = hubs.find((h) => new URL(h.hubUrl).host === folder.authority) ?? hubs[0];
  if (!hub) return {};
  try {
    const answer = await deps.hubs.run(hub.hubUrl, ({ catalog }) => catalog.authoring());
    if (answer.template.source !== 'operator') return {};
    const read = headerTemplateFromNotebook(JSON.stringify(answer.template.notebook));
    if (read.ok) return { template: read.template };
    deps.logger.warn(`using the built-in template: ${read.reason}`);
  } catch (err) {
    deps.logger.warn(`using the built-in template: the hub's could not be read (${messageOf(err)})`);
  }
  return {};
}

async function newFolder(deps: AuthoringDeps, arg: unknown): Promise<vscode.Uri | undefined> {
  const folder = await targetFolder(arg, deps.hubs, (uri) => isFolder(deps, uri));
  const name = await askName('New Folder', folder, await freeName(deps, folder, 'New Folder', ''), '');
  if (name === undefined) return undefined;
  const uri = childOf(folder, name);
  await deps.files.createDirectory(uri);
  return uri;
}

async function rename(deps: AuthoringDeps, arg: unknown): Promise<vscode.Uri | undefined> {
  const from = ownEntry(arg);
  const current = nameOf(from);
  const name = await askName('Rename', parentOf(from), current, current.endsWith(NOTEBOOK) ? NOTEBOOK : '');
  if (name === undefined || name === current) return undefined;
  const to = childOf(parentOf(from), name);
  await deps.files.rename(from, to, { overwrite: false });
  deps.logger.info(`renamed ${from.toString()} to ${name}`);
  return to;
}

/** Deletes a file or folder after a modal confirmation that says it cannot be undone. */
async function deleteEntry(deps: AuthoringDeps, arg: unknown): Promise<boolean> {
  const uri = ownEntry(arg);
  const folder = await isFolder(deps, uri);
  const pick = await vscode.window.showWarningMessage(
    `Delete ${folder ? 'the folder' : ''} ${nameOf(uri)}${folder ? ' and everything in it' : ''}?`.replace(
      /\s+/g,
      ' ',
    ),
    {
      modal: true,
      detail: `It is deleted from your server on ${hostOf(`https://${uri.authority}/`)}. This cannot be undone.`,
    },
    DELETE,
  );
  if (pick !== DELETE) return false;
  await deps.files.delete(uri, { recursive: folder });
  deps.logger.info(`deleted ${uri.toString()}`);
  return true;
}

/** Copies a file next to itself as `name-Copy1.ext` (the next free number). */
async function duplicate(deps: AuthoringDeps, arg: unknown): Promise<vscode.Uri> {
  const from = ownEntry(arg);
  const name = nameOf(from);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const to = childOf(parentOf(from), await freeName(deps, parentOf(from), `${stem}-Copy`, ext, 1));
  await deps.files.copy(from, to, { overwrite: false });
  deps.logger.info(`duplicated ${from.toString()} as ${nameOf(to)}`);
  return to;
}

async function isFolder(deps: AuthoringDeps, uri: vscode.Uri): Promise<boolean> {
  return (await deps.files.stat(uri)).type === vscode.FileType.Directory;
}

/** `stem` + `ext`, or with the first number that is free in the folder. */
async function freeName(
  deps: AuthoringDeps,
  folder: vscode.Uri,
  stem: string,
  ext: string,
  first = 0,
): Promise<string> {
  const taken = new Set((await deps.files.readDirectory(folder)).map(([n]) => n));
  for (let i = first; ; i++) {
    const candidate = `${stem}${i === 0 ? '' : i}${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

async function askName(
  title: string,
  folder: vscode.Uri,
  value: string,
  ext: string,
): Promise<string | undefined> {
  const where = folder.path.replace(/^\/me\/?/, '') || 'your home folder';
  const name = await vscode.window.showInputBox({
    title,
    prompt: `A name in ${where} on ${folder.authority}`,
    value,
    valueSelection: [0, ext && value.endsWith(ext) ? value.length - ext.length : value.length],
    validateInput: nameProblem,
  });
  if (name === undefined || nameProblem(name) !== undefined) return undefined;
  return name.trim();
}
