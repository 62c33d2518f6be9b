import vscode = require('vscode');
import { messageOf } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { childOf, nameOf, targetFolder } from '../files/authoringTargets';
import { readOnly } from '../files/hubnbErrors';
import type { HubnbFileSystemProvider } from '../files/hubnbFileSystem';
import { uploadFiles, type UploadDeps } from '../files/uploads';
import type { NotebookHubs } from '../hub/hubAccess';
import { HUB_ENTRIES_MIME } from '../shell/relays';
import { uriOf } from './nodeUris';
import { ViewIds, type TreeNode, type ViewId } from './treeNodes';

export interface TreeDropDeps {
  hubs: NotebookHubs;
  files: Pick<HubnbFileSystemProvider, 'stat' | 'rename'>;
  uploads: UploadDeps;
  logger: Logger;
}

/**
 * Dragging and dropping in the Hub Notebooks views. In My Notebooks, own files and folders move into the
 * folder they are dropped on (a rename on the server), and local files dropped from the OS or VS Code's
 * Explorer are uploaded there. Team and Supported are read-only: a drop there is refused with the read-only
 * message, and nothing changes.
 */
export class TreeDrops {
  constructor(private readonly deps: TreeDropDeps) {}

  /** The drag and drop handlers of a view. */
  forView(view: ViewId): Pick<vscode.TreeDragAndDropController<TreeNode>, 'handleDrag' | 'handleDrop'> {
    return {
      handleDrag: (source, data) => this.drag(source, data),
      handleDrop: (target, data) => this.drop(view, target, data),
    };
  }

  private drag(source: readonly TreeNode[], data: vscode.DataTransfer): void {
    const uris = source.filter((n) => n.kind === 'myEntry').map((n) => uriOf(n)?.toString());
    if (uris.length > 0) data.set(HUB_ENTRIES_MIME, new vscode.DataTransferItem(JSON.stringify(uris)));
  }

  private async drop(view: ViewId, target: TreeNode | undefined, data: vscode.DataTransfer): Promise<void> {
    try {
      if (view !== ViewIds.myNotebooks) {
        const where = view === ViewIds.team ? 'team' : 'supported';
        throw readOnly(vscode.Uri.from({ scheme: 'hubnb', authority: 'hub', path: `/${where}` }));
      }
      const isFolder = async (uri: vscode.Uri) =>
        (await this.deps.files.stat(uri)).type === vscode.FileType.Directory;
      const folder = await targetFolder(target, this.deps.hubs, isFolder);
      const entries = data.get(HUB_ENTRIES_MIME);
      if (entries) await this.move(JSON.parse(await entries.asString()) as string[], folder);
      else await this.upload(data, folder);
    } catch (err) {
      this.deps.logger.warn(`a drop in ${view} was refused: ${messageOf(err)}`);
      void vscode.window.showErrorMessage(messageOf(err));
    }
  }

  /** Moves own entries into `folder`, on the same hub; an entry already there, or a folder into itself, stays. */
  private async move(uris: readonly string[], folder: vscode.Uri): Promise<void> {
    for (const raw of uris) {
      const from = vscode.Uri.parse(raw);
      const to = childOf(folder, nameOf(from));
      if (to.toString() === from.toString() || `${folder.path}/`.startsWith(`${from.path}/`)) continue;
      if (from.authority !== folder.authority) throw new Error('Files move only within one hub.');
      await this.deps.files.rename(from, to, { overwrite: false });
      this.deps.logger.info(`moved ${from.toString()} into ${folder.toString()}`);
    }
  }

  /** Local files dropped from the OS or the Explorer: uploaded into `folder`. */
  private async upload(data: vscode.DataTransfer, folder: vscode.Uri): Promise<void> {
    const list = await data.get('text/uri-list')?.asString();
    const uris = (list ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => vscode.Uri.parse(l))
      .filter((u) => u.scheme === 'file' || u.scheme === 'vscode-remote');
    if (uris.length === 0)
      throw new Error('Drop files from your computer, or hub entries from My Notebooks.');
    await uploadFiles(this.deps.uploads, uris, folder, false);
  }
}
