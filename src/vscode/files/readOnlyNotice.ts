import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import { DisposableStore } from '../app/lifecycle';
import { HUBNB_SCHEME } from '../../core/uris/types';

const SAVE_A_COPY = 'Save a Copy to My Notebooks';

/**
 * VS Code refuses an edit to a read-only notebook with its own "Cannot edit in read-only editor", which does
 * not say what to do. So when a teammate's or a supported notebook opens, this says it once per notebook and
 * window, with the way forward as a button: "Save a Copy to My Notebooks".
 */
export class ReadOnlyNotice extends DisposableStore {
  private readonly told = new Set<string>();

  constructor() {
    super();
    this._register(vscode.workspace.onDidOpenNotebookDocument((notebook) => this.opened(notebook.uri)));
  }

  private opened(uri: vscode.Uri): void {
    const area = uri.scheme === HUBNB_SCHEME ? uri.path.split('/')[1] : undefined;
    if (area !== 'team' && area !== 'supported') return;
    const key = uri.toString();
    if (this.told.has(key)) return;
    this.told.add(key);
    const [, , owner = '', ...rest] = uri.path.split('/');
    // team/<owner>/<path>; supported/<name>/<version…>: the supported notebook is named by its name.
    const whose = area === 'team' ? `${owner}'s ${rest.at(-1) ?? ''}` : `The supported notebook ${owner}`;
    void vscode.window
      .showInformationMessage(
        `${whose} is read-only: you can run it on your own kernel. To change it, save a copy to My Notebooks.`,
        SAVE_A_COPY,
      )
      .then((pick) => {
        if (pick === SAVE_A_COPY) void vscode.commands.executeCommand(CommandIds.saveCopy, uri);
      });
  }
}
