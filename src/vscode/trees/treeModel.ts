import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { hostOf } from '../auth/authSession';
import { DisposableStore } from '../app/lifecycle';
import { describeError, type SignedInHub, type HubProblem, type NotebookHubs } from '../hub/hubAccess';
import { nodeKey, type MessageNode, type TreeNode, type ViewId } from './treeNodes';

/**
 * What a view shows when it has no items, as its context key says (`hubNotebooks.<view>.state`), so
 * `viewsWelcome` can pick the right text. `loading` and `ready` show no welcome text.
 */
export type ViewState = 'signedOut' | 'loading' | 'ready' | 'empty' | HubProblem['kind'];

/** What one hub contributes at the top of a view: its items, nothing yet, or a problem. */
export type HubListing = { nodes: TreeNode[] } | { empty: string } | { problem: HubProblem };

/**
 * The part every tree model shares: it fetches children on demand, caches them until refresh, and keeps the
 * view's state. With one hub signed in, the hub's items are the view's top level; with several, each hub gets
 * a top node, and a hub with nothing to list shows a line of text under its node instead of welcome content.
 * Subclasses say how one hub is listed (`listHub`) and how a node's children are fetched (`listChildren`).
 */
export abstract class TreeModel extends DisposableStore {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the cache was dropped and the view should ask again. */
  readonly onDidChange = this.changed.event;
  private readonly stateChanged = this._register(new vscode.EventEmitter<ViewState>());
  readonly onDidChangeState = this.stateChanged.event;
  private readonly cache = new Map<string, Promise<TreeNode[]>>();
  private currentState: ViewState = 'loading';
  /** Bumped by refresh, so a listing that started before it does not set the state afterwards. */
  private generation = 0;

  constructor(
    readonly view: ViewId,
    protected readonly hubs: NotebookHubs,
    protected readonly log: Logger,
  ) {
    super();
    this._register(hubs.onDidChange(() => this.refresh()));
  }

  get state(): ViewState {
    return this.currentState;
  }

  /** The children of a node, or the view's top level; fetched once, then cached until refresh. */
  children(parent?: TreeNode): Promise<TreeNode[]> {
    const key = parent ? nodeKey(parent) : '';
    let pending = this.cache.get(key);
    if (!pending) {
      pending = parent ? this.childrenOf(parent) : this.topLevel(this.generation);
      this.cache.set(key, pending);
      // A failed fetch is not cached, so the next expand or refresh tries again.
      pending.catch(() => this.cache.delete(key));
    }
    return pending;
  }

  /** Drops every cached listing and asks the view to fetch again. */
  refresh(): void {
    this.generation++;
    this.cache.clear();
    this.changed.fire();
  }

  /** Lists one hub's top items; problems are returned, not thrown. */
  protected abstract listHub(hub: SignedInHub): Promise<HubListing>;

  /** Lists the children of a node below a hub's top level. */
  protected abstract listChildren(node: TreeNode): Promise<TreeNode[]>;

  /** Called with every listing of a hub's top, for models that track more than the view's state. */
  protected onHubListed(_hub: SignedInHub, _listing: HubListing): void {}

  private async topLevel(generation: number): Promise<TreeNode[]> {
    let accounts: SignedInHub[];
    try {
      accounts = await this.hubs.signedInAccounts();
    } catch (err) {
      this.log.error(`could not read the sessions: ${describeError(err)}`);
      this.setState('error', generation);
      return [];
    }
    if (accounts.length === 0) {
      this.setState('signedOut', generation);
      return [];
    }
    const [only] = accounts;
    if (only && accounts.length === 1) {
      const listing = await this.listHubSafely(only);
      if ('nodes' in listing) {
        this.setState('ready', generation);
        return listing.nodes;
      }
      this.setState('empty' in listing ? 'empty' : listing.problem.kind, generation);
      return [];
    }
    this.setState('ready', generation);
    return accounts.map((hub) => ({ kind: 'hub', view: this.view, hub }));
  }

  private async childrenOf(parent: TreeNode): Promise<TreeNode[]> {
    if (parent.kind !== 'hub') return this.listChildren(parent);
    const listing = await this.listHubSafely(parent.hub);
    if ('nodes' in listing) return listing.nodes;
    const text = 'empty' in listing ? listing.empty : listing.problem.message;
    return [this.message(parent.hub, text, listing)];
  }

  private async listHubSafely(hub: SignedInHub): Promise<HubListing> {
    let listing: HubListing;
    try {
      listing = await this.listHub(hub);
    } catch (err) {
      this.log.error(`could not list ${hostOf(hub.hubUrl)}: ${describeError(err)}`);
      listing = { problem: { kind: 'error', message: describeError(err) } };
    }
    this.onHubListed(hub, listing);
    return listing;
  }

  /** The line shown for a hub with nothing to list; subclasses add a command (Start Server). */
  protected message(hub: SignedInHub, text: string, _listing: HubListing): MessageNode {
    return { kind: 'message', hub, view: this.view, text };
  }

  private setState(state: ViewState, generation: number): void {
    if (generation !== this.generation || state === this.currentState) return;
    this.currentState = state;
    this.stateChanged.fire(state);
  }
}
