import type * as vscode from 'vscode';

/** The id of the Notebooks view in the Hub Notebooks container (package.json `contributes.views`). */
export const NOTEBOOKS_VIEW_ID = 'hubNotebooks.notebooks';

/**
 * The Notebooks tree. Until sign-in lands it has no items, so VS Code shows the view's welcome content
 * (`viewsWelcome` in package.json) with its command links.
 */
export class NotebooksTreeProvider implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
