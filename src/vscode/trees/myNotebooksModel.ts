import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import type { ContentsEntry } from '../../core/contents/types';
import type { Logger } from '../../core/logger';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { isServerStopped, type SignedInHub, type NotebookHubs } from '../hub/hubAccess';
import type { ServerState, ServerStates } from '../hub/serverStates';
import { HUBNB_SCHEME } from '../../core/uris/types';
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import { TreeModel, type HubListing } from './treeModel';
import { ViewIds, type MessageNode, type MyEntryNode, type TreeNode } from './treeNodes';

/**
 * The model of My Notebooks: the user's home on each hub, through their own server's contents API. Folders
 * are listed when expanded; every file but hidden ones is shown. A stopped server is reported, never started:
 * starting one takes the user's consent (Start Server).
 */
export class MyNotebooksModel extends TreeModel {
  /** The server state each hub's listing showed, to tell when the shared states say otherwise. */
  private readonly shown = new Map<HubUrl, ServerState | undefined>();
  /** When each listing began, as the shared states count changes: a late answer does not undo a newer state. */
  private readonly began = new WeakMap<HubListing, number>();

  constructor(
    hubs: NotebookHubs,
    private readonly states: ServerStates,
    log: Logger,
    fileChanges: vscode.Event<readonly vscode.FileChangeEvent[]>,
  ) {
    super(ViewIds.myNotebooks, hubs, log);
    // Signed out of a hub, its server's state means nothing any more; the listings that follow re-learn it.
    this._register(hubs.onDidChange(() => states.clear()));
    this._register(states.onDidChange(() => this.followServers()));
    this._register(fileChanges((events) => this.followFiles(events)));
  }

  protected async listHub(hub: SignedInHub): Promise<HubListing> {
    const began = this.states.mark();
    const listing = await this.listHome(hub);
    this.began.set(listing, began);
    return listing;
  }

  private async listHome(hub: SignedInHub): Promise<HubListing> {
    try {
      const nodes = await this.list(hub, '');
      return nodes.length > 0
        ? { nodes }
        : {
            empty:
              'No notebooks yet. Make one with New Notebook from Template, or save a copy of a team notebook here.',
          };
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
    this.shown.set(hub.hubUrl, state ?? this.states.get(hub.hubUrl));
    if (state !== undefined) this.states.set(hub.hubUrl, state, this.began.get(listing));
    // A state learnt while this listing was out, and different from what it showed, lists again.
    this.followServers();
  }

  override refresh(): void {
    this.shown.clear();
    super.refresh();
  }

  /** Lists again when a hub's server was started or stopped since its listing (by a prompt, a button). */
  private followServers(): void {
    for (const [hubUrl, shown] of this.shown) {
      const known = this.states.get(hubUrl);
      if (known !== undefined && known !== shown) {
        this.log.debug(`the server on ${hostOf(hubUrl)} is now ${known}; listing My Notebooks again`);
        this.refresh();
        return;
      }
    }
  }

  /**
   * Lists again when a file or folder was created, deleted or moved in a home through the extension (Save a
   * Copy, the explorer). A save of an existing file changes nothing the tree shows, so it lists nothing.
   */
  private followFiles(events: readonly vscode.FileChangeEvent[]): void {
    const touchesHome = events.some((e) => e.type !== vscode.FileChangeType.Changed && isInHome(e.uri));
    if (touchesHome) this.refresh();
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

/** Whether a URI is in someone's own home (`hubnb://host/me/...`), the part My Notebooks lists. */
function isInHome(uri: vscode.Uri): boolean {
  if (uri.scheme !== HUBNB_SCHEME) return false;
  try {
    return parseHubnbPath(uri.path).area === 'me';
  } catch {
    return false;
  }
}

/** Every file and folder but hidden ones (the server leaves them out too, unless told otherwise). */
function isShown(entry: ContentsEntry): boolean {
  return !entry.name.startsWith('.');
}

/** Folders first, then by name, the order of a file explorer. */
export function foldersFirst<T extends { type: string; name: string }>(a: T, b: T): number {
  const folder = (e: T) => (e.type === 'directory' ? 0 : 1);
  return folder(a) - folder(b) || a.name.localeCompare(b.name);
}
