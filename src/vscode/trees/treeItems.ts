import vscode = require('vscode');
import type { NotebookHeader } from '../../core/catalog/schemas';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { uriOfOrUndefined } from './nodeUris';
import {
  ContextValues,
  nodeKey,
  type HubNode,
  type MessageNode,
  type MyEntryNode,
  type SupportedNotebookNode,
  type SupportedVersionNode,
  type TeamEntryNode,
  type TeammateNode,
  type TreeNode,
} from './treeNodes';

/** How a node looks in its view: label, icon, tooltip, what a click does, and its `contextValue`. */
export function treeItemOf(node: TreeNode): vscode.TreeItem {
  const item = itemOf(node);
  item.id = `${node.kind}\n${nodeKey(node)}`;
  return item;
}

function itemOf(node: TreeNode): vscode.TreeItem {
  switch (node.kind) {
    case 'hub':
      return hubItem(node);
    case 'myEntry':
      return myEntryItem(node);
    case 'teammate':
      return teammateItem(node);
    case 'teamEntry':
      return teamEntryItem(node);
    case 'supportedNotebook':
      return supportedNotebookItem(node);
    case 'supportedVersion':
      return supportedVersionItem(node);
    case 'message':
      return messageItem(node);
  }
}

function hubItem(node: HubNode): vscode.TreeItem {
  const item = new vscode.TreeItem(hostOf(node.hub.hubUrl), vscode.TreeItemCollapsibleState.Expanded);
  item.description = node.hub.user;
  item.tooltip = `${node.hub.user} on ${node.hub.hubUrl}`;
  item.iconPath = new vscode.ThemeIcon('server');
  item.contextValue = ContextValues.hub;
  return item;
}

function myEntryItem(node: MyEntryNode): vscode.TreeItem {
  const { entry } = node;
  const folder = entry.type === 'directory';
  const item = fileItem(node, entry.name, folder);
  const notebook = entry.type === 'notebook';
  // Other files get the file icon theme's icon for their name, from the resource URI.
  item.iconPath = folder
    ? vscode.ThemeIcon.Folder
    : notebook
      ? new vscode.ThemeIcon('notebook')
      : vscode.ThemeIcon.File;
  item.tooltip = tooltip([
    ['Path', `~/${entry.path}`],
    ['Modified', when(entry.lastModified)],
  ]);
  item.contextValue = folder
    ? ContextValues.myFolder
    : notebook
      ? ContextValues.myNotebook
      : ContextValues.myFile;
  if (!folder) item.command = openCommand(node);
  return item;
}

/** A file or folder of a hub: collapsible when a folder, with its hubnb URI. */
function fileItem(node: MyEntryNode | TeamEntryNode, name: string, folder: boolean): vscode.TreeItem {
  const state = folder ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(name, state);
  setResourceUri(item, node);
  return item;
}

function teammateItem(node: TeammateNode): vscode.TreeItem {
  const { teammate } = node;
  const item = new vscode.TreeItem(teammate.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.description = `${teammate.notebooks} notebook${teammate.notebooks === 1 ? '' : 's'}`;
  item.tooltip = tooltip([
    ['Teammate', teammate.name],
    ['Notebooks you can read', String(teammate.notebooks)],
    ['Newest', teammate.lastModified ? when(teammate.lastModified) : undefined],
  ]);
  item.iconPath = new vscode.ThemeIcon('person');
  item.contextValue = ContextValues.teammate;
  return item;
}

function teamEntryItem(node: TeamEntryNode): vscode.TreeItem {
  const { entry } = node;
  const folder = entry.type === 'directory';
  const item = fileItem(node, entry.name, folder);
  const description = entry.warning ? 'cannot be read' : entry.header?.title;
  if (description) item.description = description;
  item.tooltip = tooltip([
    ['Warning', entry.warning],
    ...headerLines(entry.header),
    ['Path', `${node.owner}/${entry.path}`],
    ['Modified', when(entry.lastModified)],
  ]);
  item.iconPath = folder
    ? vscode.ThemeIcon.Folder
    : entry.warning
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('notebook');
  item.contextValue = folder ? ContextValues.teamFolder : ContextValues.teamNotebook;
  if (!folder) item.command = openCommand(node);
  return item;
}

function supportedNotebookItem(node: SupportedNotebookNode): vscode.TreeItem {
  const { summary } = node;
  const { header } = summary.current;
  const item = new vscode.TreeItem(summary.name, vscode.TreeItemCollapsibleState.Collapsed);
  const description = header.title ?? header.purpose;
  if (description) item.description = description;
  item.tooltip = tooltip([
    ...headerLines(header),
    ['Name', summary.name],
    ['Current version', summary.current.version],
    ['Versions', String(summary.versionCount)],
  ]);
  item.iconPath = new vscode.ThemeIcon('book');
  item.contextValue = ContextValues.supportedNotebook;
  return item;
}

function supportedVersionItem(node: SupportedVersionNode): vscode.TreeItem {
  const { version } = node;
  const item = new vscode.TreeItem(version.version, vscode.TreeItemCollapsibleState.None);
  setResourceUri(item, node);
  const published = `${version.publishedBy}, ${day(version.publishedAt)}`;
  item.description = node.current ? `current · ${published}` : published;
  item.tooltip = tooltip([
    ['Version', `${version.version}${node.current ? ' (current)' : ''}`],
    ['Published', `${version.publishedBy}, ${when(version.publishedAt)}`],
    ...headerLines(version.header),
  ]);
  item.iconPath = node.current
    ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'))
    : new vscode.ThemeIcon('history');
  item.contextValue = node.current
    ? ContextValues.supportedVersionCurrent
    : node.maintainer
      ? ContextValues.supportedVersionRollback
      : ContextValues.supportedVersion;
  item.command = openCommand(node);
  return item;
}

function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(node.action ? 'debug-start' : 'info');
  item.contextValue = ContextValues.message;
  if (node.action) {
    item.command = { ...node.action, arguments: [node] };
    item.tooltip = node.action.title;
  }
  return item;
}

/** The file's URI, for its file icon and for menus that match on the resource. */
function setResourceUri(item: vscode.TreeItem, node: TreeNode): void {
  const uri = uriOfOrUndefined(node);
  if (uri) item.resourceUri = uri;
}

function openCommand(node: TreeNode): vscode.Command {
  return { command: CommandIds.open, title: 'Open', arguments: [node] };
}

type Line = [label: string, value: string | undefined];

function headerLines(header: NotebookHeader | undefined): Line[] {
  return [
    ['Title', header?.title],
    ['Purpose', header?.purpose],
    ['Audience', header?.audience],
    ['Data sources', header?.dataSources],
  ];
}

/** A tooltip of `**Label:** value` lines; values are appended as text, so nothing in them renders. */
function tooltip(lines: Line[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  for (const [label, value] of lines) {
    if (value === undefined || value === '') continue;
    md.appendMarkdown(`${md.value ? '  \n' : ''}**${label}:** `);
    md.appendText(value);
  }
  return md;
}

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function day(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString();
}
