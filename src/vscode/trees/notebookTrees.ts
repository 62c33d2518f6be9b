import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { DisposableStore } from '../app/lifecycle';
import type { NotebookHubs } from '../hub/hubAccess';
import type { ServerStates } from '../hub/serverStates';
import { MyNotebooksModel } from './myNotebooksModel';
import { MyNotebooksTree } from './myNotebooksTree';
import { NotebookTree } from './notebookTree';
import { SupportedModel } from './supportedModel';
import { TeamModel } from './teamModel';
import type { TreeModel, ViewState } from './treeModel';
import { ViewIds, type TreeNode, type ViewId } from './treeNodes';
import type { TreeProvider } from '../shell/relays';

/** Context keys the views' `viewsWelcome` and title-bar menus use (package.json). */
export const TreeContextKeys = {
  /** `hubNotebooks.<view>.state`: one of ViewState, e.g. `hubNotebooks.team.state == empty`. */
  state: (view: ViewId) => `${view}.state`,
  /** Some signed-in hub's server was found stopped: My Notebooks offers Start Server. */
  serverStopped: 'hubNotebooks.serverStopped',
  /** Some signed-in hub's server was found running: My Notebooks offers Stop Server. */
  serverRunning: 'hubNotebooks.serverRunning',
} as const;

/** What the trees are built from. */
export interface NotebookTreeDeps {
  hubs: NotebookHubs;
  /** The servers' states, which My Notebooks and the title bar's Start/Stop Server follow. */
  servers: ServerStates;
  /** The hubnb file system's change events: My Notebooks lists again when a home gains or loses a file. */
  fileChanges: vscode.Event<readonly vscode.FileChangeEvent[]>;
  log: Logger;
  /**
   * Attaches a view's data provider to the view the activation bundle made (ShellPorts.treeData); by default
   * the view is made here.
   */
  attach?: (view: ViewId, provider: TreeProvider) => vscode.Disposable;
  /** What dragging and dropping does in each view (treeDrops.ts); nothing when left out. */
  drops?: (view: ViewId) => Partial<vscode.TreeDragAndDropController<TreeNode>>;
}

/**
 * The three views of the Hub Notebooks container: My Notebooks, Team and Supported. Building them fetches
 * nothing; each model fetches when VS Code first asks its view for children, i.e. when the view is visible.
 */
export class NotebookTrees extends DisposableStore {
  readonly myNotebooks: MyNotebooksModel;
  readonly team: TeamModel;
  readonly supported: SupportedModel;
  private readonly contextValues = new Map<string, unknown>();
  private readonly attach: NonNullable<NotebookTreeDeps['attach']>;

  private readonly drops: NotebookTreeDeps['drops'];

  constructor({ hubs, servers, fileChanges, log, attach, drops }: NotebookTreeDeps) {
    super();
    this.attach = attach ?? createView;
    this.drops = drops;
    this.myNotebooks = this._register(new MyNotebooksModel(hubs, servers, log, fileChanges));
    this.team = this._register(new TeamModel(hubs, log));
    this.supported = this._register(new SupportedModel(hubs, log));
    this.register(this.myNotebooks, this._register(new MyNotebooksTree(this.myNotebooks, servers)));
    this.register(this.team, this._register(new NotebookTree(this.team)));
    this.register(this.supported, this._register(new NotebookTree(this.supported)));
    this._register(
      servers.onDidChange((states) => {
        const values = [...states.values()];
        this.setContext(TreeContextKeys.serverStopped, values.includes('stopped'));
        this.setContext(TreeContextKeys.serverRunning, values.includes('running'));
      }),
    );
  }

  /** The model behind a view. */
  model(view: ViewId): TreeModel {
    return view === ViewIds.myNotebooks
      ? this.myNotebooks
      : view === ViewIds.team
        ? this.team
        : this.supported;
  }

  private register(model: TreeModel, tree: NotebookTree): void {
    const provider: vscode.TreeDataProvider<TreeNode> & Partial<vscode.TreeDragAndDropController<TreeNode>> =
      {
        onDidChangeTreeData: tree.onDidChangeTreeData,
        getTreeItem: (node) => tree.getTreeItem(node),
        getChildren: (node) => tree.getChildren(node),
        ...this.drops?.(model.view),
      };
    this._register(this.attach(model.view, provider as TreeProvider));
    this._register(
      model.onDidChangeState((state: ViewState) => this.setContext(TreeContextKeys.state(model.view), state)),
    );
  }

  /** Sets a context key when its value changes; the command runs in the background. */
  private setContext(key: string, value: unknown): void {
    if (this.contextValues.get(key) === value) return;
    this.contextValues.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}

function createView(view: ViewId, provider: TreeProvider): vscode.Disposable {
  return vscode.window.createTreeView(view, { treeDataProvider: provider, showCollapseAll: true });
}
