import type * as vscode from 'vscode';
import type { ServerStateReader } from '../hub/serverStates';
import type { MyNotebooksModel } from './myNotebooksModel';
import { NotebookTree } from './notebookTree';
import { ContextValues, type TreeNode } from './treeNodes';

/**
 * My Notebooks. Besides the common rendering, a hub's top node (several hubs signed in) says whether its
 * server is stopped, and offers Start or Stop Server through its contextValue.
 */
export class MyNotebooksTree extends NotebookTree {
  constructor(
    myModel: MyNotebooksModel,
    private readonly states: ServerStateReader,
  ) {
    super(myModel);
    // Redraws the hub nodes; their children come from the model's cache, so nothing is fetched again.
    this._register(states.onDidChange(() => this.changed.fire(undefined)));
  }

  override getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = super.getTreeItem(node);
    if (node.kind !== 'hub') return item;
    const state = this.states.get(node.hub.hubUrl);
    if (state === 'stopped') {
      item.description = `${node.hub.user} · server stopped`;
      item.contextValue = ContextValues.myHubStopped;
    } else if (state === 'running') {
      item.contextValue = ContextValues.myHubRunning;
    }
    return item;
  }
}
