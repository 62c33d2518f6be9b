import * as vscode from 'vscode';
import type { ContentsEntry } from '../../core/contents/types';
import type { Logger } from '../../core/logger';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { isServerStopped, type SignedInHub, type NotebookHubs } from '../hub/hubAccess';
import { TreeModel, type HubListing } from './treeModel';
import { ViewIds, type MessageNode, type MyEntryNode, type TreeNode } from './treeNodes';

/** Whether the user's server on each hub answered at its last listing. */
export type ServerStates = ReadonlyMap<string, 'running' | 'stopped'>;

/**
 * The model of My Notebooks: the user's home on each hub, through their own server's contents API. Folders
 * are listed when expanded; only folders and notebooks are shown. A stopped server is reported, never started:
 * starting one takes the user's consent (Start Server).
 */
export class MyNotebooksModel extends TreeModel {
  private readonly servers = new Map<string, 'running' | 'stopped'>();
  private readonly serversChanged = this._register(new vscode.EventEmitter<ServerStates>());
  /** Fires when a hub's server is found running or stopped; the title bar's Start/Stop follow it. */
  readonly onDidChangeServers = this.serversChanged.event;

  constructor(hubs: NotebookHubs, log: Logger) {
    super(ViewIds.myNotebooks, hubs, log);
  }

  /** The server states seen so far, by hub URL. */
  get serverStates(): ServerStates {
    return this.servers;
  }

  protected async listHub(hub: SignedInHub): Promise<HubListing> {
    try {
      const nodes = await this.list(hub, '');
      return nodes.length > 0
        ? { nodes }
        : { empty: 'No notebooks yet. Create one in JupyterLab, or save a copy of a team notebook here.' };
    } catch (err) {
      if (!isServerStopped(err)) throw err;
      return {
        problem: {
          kind: 'serverStopped',
          message: `Your server on ${hostOf(hub.hubUrl)} is not running.`,
        },
      };
    }
  }

  protected async listChildren(node: TreeNode): Promise<TreeNode[]> {
    if (node.kind !== 'myEntry' || node.entry.type !== 'directory') return [];
    return this.list(node.hub, node.entry.path);
  }

  protected override onHubListed(hub: SignedInHub, listing: HubListing): void {
    // Any other problem (the hub is down, say) tells nothing about the server, so its state is kept.
    const problem = 'problem' in listing ? listing.problem.kind : undefined;
    const state = problem === undefined ? 'running' : problem === 'serverStopped' ? 'stopped' : undefined;
    if (state === undefined || this.servers.get(hub.hubUrl) === state) return;
    this.servers.set(hub.hubUrl, state);
    this.serversChanged.fire(this.servers);
  }

  /** Forgets hubs that were signed out of, then refreshes. */
  override refresh(): void {
    this.servers.clear();
    this.serversChanged.fire(this.servers);
    super.refresh();
  }

  protected override message(hub: SignedInHub, text: string, listing: HubListing): MessageNode {
    const stopped = 'problem' in listing && listing.problem.kind === 'serverStopped';
    return {
      ...super.message(hub, text, listing),
      action: stopped ? { command: CommandIds.startServer, title: 'Start Server' } : undefined,
    };
  }

  private async list(hub: SignedInHub, path: string): Promise<MyEntryNode[]> {
    const entries = await this.hubs.run(hub.hubUrl, ({ contents }) => contents.list(path));
    return entries
      .filter(isShown)
      .sort(foldersFirst)
      .map((entry) => ({ kind: 'myEntry', hub, entry }));
  }
}

/** Folders and notebooks; hidden names never (the server leaves them out too, unless told otherwise). */
function isShown(entry: ContentsEntry): boolean {
  if (entry.name.startsWith('.')) return false;
  return entry.type === 'directory' || (entry.type === 'notebook' && entry.name.endsWith('.ipynb'));
}

/** Folders first, then by name, the order of a file explorer. */
export function foldersFirst<T extends { type: string; name: string }>(a: T, b: T): number {
  const folder = (e: T) => (e.type === 'directory' ? 0 : 1);
  return folder(a) - folder(b) || a.name.localeCompare(b.name);
}
