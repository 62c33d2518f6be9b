import vscode = require('vscode');
import { DisposableStore } from '../app/lifecycle';
import { treeItemOf } from './treeItems';
import type { TreeModel } from './treeModel';
import type { TreeNode } from './treeNodes';

/**
 * The TreeDataProvider of a Hub Notebooks view: it only turns the model's nodes into tree items. Fetching,
 * caching and the view's state live in the model (STYLE.md rule 13).
 */
export class NotebookTree extends DisposableStore implements vscode.TreeDataProvider<TreeNode> {
  protected readonly changed = this._register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(readonly model: TreeModel) {
    super();
    this._register(model.onDidChange(() => this.changed.fire(undefined)));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return treeItemOf(node);
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return this.model.children(node);
  }
}
