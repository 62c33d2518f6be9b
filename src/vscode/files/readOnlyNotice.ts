import vscode = require('vscode');
import { CommandIds } from '../commands/commandIds';
import { DisposableStore } from '../app/lifecycle';
import { parseHubnbPath } from '../../core/uris/hubnbUri';
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
    const whose = uri.scheme === HUBNB_SCHEME ? readOnlyName(uri.path) : undefined;
    if (whose === undefined) return;
    const key = uri.toString();
    if (this.told.has(key)) return;
    this.told.add(key);
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

/** How the notice names a read-only notebook: bob's analysis.ipynb, the supported notebook churn; else none. */
function readOnlyName(path: string): string | undefined {
  let location;
  try {
    location = parseHubnbPath(path);
  } catch {
    return undefined; // the file system refuses such a URI with its own message
  }
  if (location.area === 'team') return `${location.user}'s ${location.path.split('/').pop() ?? ''}`;
  if (location.area === 'supported') return `The supported notebook ${location.name}`;
  return undefined;
}
