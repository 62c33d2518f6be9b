import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { HUBNB_SCHEME } from '../../core/uris/types';
import type { SeenVersion } from './hubnbFileSystem';
import { DisposableStore } from '../app/lifecycle';

/** What the watcher needs from the file system provider. */
export interface RemoteVersions {
  lastSeen(uri: vscode.Uri): SeenVersion | undefined;
  remoteVersion(uri: vscode.Uri): Promise<SeenVersion | undefined>;
  notifyChanged(uris: readonly vscode.Uri[]): void;
}

/**
 * Notices files that were changed on the hub (saved from JupyterLab, another window, a teammate) while they are
 * open here: when the window regains focus and on `checkNow()` (the Refresh commands), it compares each open
 * hubnb document with what the provider last read or wrote, and reports the changed ones. VS Code then reloads
 * clean documents; dirty ones keep their edits, and their next save meets the conflict dialog.
 */
export class RemoteChangeWatcher extends DisposableStore {
  private running: Promise<vscode.Uri[]> | undefined;
  /** The remote version already reported per file, so a dirty document is not reported at every focus. */
  private readonly reported = new Map<string, SeenVersion>();

  constructor(
    private readonly files: RemoteVersions,
    private readonly logger: Logger,
  ) {
    super();
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) void this.checkNow();
      }),
    );
  }

  /** Checks every open hubnb document now; resolves to those found changed. Concurrent calls share one check. */
  checkNow(): Promise<vscode.Uri[]> {
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<vscode.Uri[]> {
    const open = openHubnbDocuments();
    const changed: vscode.Uri[] = [];
    await Promise.all(
      open.map(async (uri) => {
        const seen = this.files.lastSeen(uri);
        if (!seen) return;
        const remote = await this.files.remoteVersion(uri);
        const key = uri.toString();
        if (!remote || sameVersion(remote, seen)) {
          this.reported.delete(key);
          return;
        }
        const before = this.reported.get(key);
        if (before && sameVersion(before, remote)) return;
        this.reported.set(key, remote);
        changed.push(uri);
      }),
    );
    if (changed.length > 0) {
      this.logger.info(`changed on the hub since last read: ${changed.map((u) => u.toString()).join(', ')}`);
      this.files.notifyChanged(changed);
    } else {
      this.logger.debug(`checked ${open.length} open hub document(s): no remote changes`);
    }
    return changed;
  }
}

/** Two versions are the same when their times agree (as instants) and their hashes, where both have one. */
export function sameVersion(a: SeenVersion, b: SeenVersion): boolean {
  if (a.hash !== undefined && b.hash !== undefined && a.hash !== b.hash) return false;
  if (a.lastModified === b.lastModified) return true;
  const ta = Date.parse(a.lastModified);
  return Number.isFinite(ta) && ta === Date.parse(b.lastModified);
}

/** The open notebooks and text files of scheme hubnb, once each; comparison views (with a query) are skipped. */
function openHubnbDocuments(): vscode.Uri[] {
  const byKey = new Map<string, vscode.Uri>();
  const docs = [...vscode.workspace.notebookDocuments, ...vscode.workspace.textDocuments];
  for (const { uri } of docs) {
    if (uri.scheme === HUBNB_SCHEME && uri.query === '') byKey.set(uri.toString(), uri);
  }
  return [...byKey.values()];
}
