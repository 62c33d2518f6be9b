import vscode = require('vscode');

/** Loads the rest of the extension, saying what needed it (for the log). */
export type LoadRest = (reason: string) => Promise<void>;

/**
 * The late-bound target of a registration that the activation bundle makes with VS Code. The registration
 * exists from activation on; the first call that needs the target loads the rest of the extension, whose
 * constructor attaches the real object.
 */
export class Relay<T> {
  private target: T | undefined;

  constructor(
    private readonly load: LoadRest,
    private readonly what: string,
  ) {}

  /** The target, once the rest of the extension has loaded. */
  get current(): T | undefined {
    return this.target;
  }

  /** The target, loading the rest of the extension first if need be. */
  async get(): Promise<T> {
    if (this.target === undefined) await this.load(this.what);
    if (this.target === undefined) throw new Error(`Hub Notebooks loaded without attaching ${this.what}.`);
    return this.target;
  }

  /** Makes `target` receive the calls; disposing detaches it again, with whatever `alsoDispose` holds. */
  attach(target: T, alsoDispose?: vscode.Disposable): vscode.Disposable {
    this.target = target;
    return new vscode.Disposable(() => {
      if (this.target === target) this.target = undefined;
      alsoDispose?.dispose();
    });
  }
}

type SessionsChange = vscode.AuthenticationProviderAuthenticationSessionsChangeEvent;

/** The authentication provider VS Code knows from activation on, relaying to the real one. */
export class AuthenticationRelay implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionsChange>();
  readonly onDidChangeSessions = this.changed.event;
  private readonly relay: Relay<vscode.AuthenticationProvider>;

  /** `nothingStored` says, without loading anything, that no session is stored, so there is none to list. */
  constructor(
    load: LoadRest,
    private readonly nothingStored: () => Promise<boolean>,
  ) {
    this.relay = new Relay(load, 'the authentication provider');
  }

  attach(provider: vscode.AuthenticationProvider): vscode.Disposable {
    return this.relay.attach(
      provider,
      provider.onDidChangeSessions((e) => this.changed.fire(e)),
    );
  }

  async getSessions(
    scopes: readonly string[] | undefined,
    options: vscode.AuthenticationProviderSessionOptions,
  ): Promise<vscode.AuthenticationSession[]> {
    // VS Code asks every provider for its sessions at startup (the Accounts menu): with none stored, the
    // answer is known without loading the rest. Once it loads, its provider announces any change.
    if (this.relay.current === undefined && (await this.nothingStored())) return [];
    return (await this.relay.get()).getSessions(scopes, options);
  }

  async createSession(
    scopes: readonly string[],
    options: vscode.AuthenticationProviderSessionOptions,
  ): Promise<vscode.AuthenticationSession> {
    return (await this.relay.get()).createSession(scopes, options);
  }

  async removeSession(sessionId: string): Promise<void> {
    return (await this.relay.get()).removeSession(sessionId);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The hubnb file system VS Code knows from activation on, relaying to the real provider. */
export class FileSystemRelay implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly relay: Relay<vscode.FileSystemProvider>;

  constructor(load: LoadRest) {
    this.relay = new Relay(load, 'the hubnb file system');
  }

  attach(provider: vscode.FileSystemProvider): vscode.Disposable {
    return this.relay.attach(
      provider,
      provider.onDidChangeFile((e) => this.changed.fire(e)),
    );
  }

  /** A watch must be answered at once: before the rest has loaded, it starts once the provider is there. */
  watch(uri: vscode.Uri, options: Parameters<vscode.FileSystemProvider['watch']>[1]): vscode.Disposable {
    const target = this.relay.current;
    if (target) return target.watch(uri, options);
    let watching: vscode.Disposable | undefined;
    let disposed = false;
    this.relay.get().then(
      (provider) => {
        if (!disposed) watching = provider.watch(uri, options);
      },
      () => undefined, // the shell has reported why the rest did not load
    );
    return new vscode.Disposable(() => {
      disposed = true;
      watching?.dispose();
    });
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return (await this.relay.get()).stat(uri);
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return (await this.relay.get()).readDirectory(uri);
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    return (await this.relay.get()).createDirectory(uri);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.relay.get()).readFile(uri);
  }

  async writeFile(
    uri: vscode.Uri,
    content: Uint8Array,
    options: { readonly create: boolean; readonly overwrite: boolean },
  ): Promise<void> {
    return (await this.relay.get()).writeFile(uri, content, options);
  }

  async delete(uri: vscode.Uri, options: { readonly recursive: boolean }): Promise<void> {
    return (await this.relay.get()).delete(uri, options);
  }

  async rename(
    oldUri: vscode.Uri,
    newUri: vscode.Uri,
    options: { readonly overwrite: boolean },
  ): Promise<void> {
    return (await this.relay.get()).rename(oldUri, newUri, options);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A view's data provider from activation on; its items are the real provider's, so it is attached by then. */
export class TreeRelay
  implements vscode.TreeDataProvider<unknown>, vscode.TreeDragAndDropController<unknown>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly relay: Relay<TreeProvider>;
  /** Drops of hub entries (ours) and of files (the OS, VS Code's Explorer); drags of hub entries. */
  readonly dropMimeTypes = [HUB_ENTRIES_MIME, 'text/uri-list', 'files'];
  readonly dragMimeTypes = [HUB_ENTRIES_MIME];

  constructor(load: LoadRest, view: string) {
    this.relay = new Relay(load, `the view ${view}`);
  }

  handleDrag(source: readonly unknown[], data: vscode.DataTransfer, token: vscode.CancellationToken) {
    return this.relay.current?.handleDrag?.(source, data, token);
  }

  async handleDrop(target: unknown, data: vscode.DataTransfer, token: vscode.CancellationToken) {
    return (await this.relay.get()).handleDrop?.(target, data, token);
  }

  attach(provider: TreeProvider): vscode.Disposable {
    return this.relay.attach(
      provider,
      provider.onDidChangeTreeData?.((e) => this.changed.fire(e)),
    );
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    const target = this.relay.current;
    return target ? target.getTreeItem(element) : this.relay.get().then((p) => p.getTreeItem(element));
  }

  async getChildren(element?: unknown): Promise<unknown[] | null | undefined> {
    return (await this.relay.get()).getChildren(element);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** What a view's provider may be: its data, and what dragging and dropping on it does. */
export type TreeProvider = vscode.TreeDataProvider<unknown> &
  Partial<vscode.TreeDragAndDropController<unknown>>;

/** The data-transfer type of hub entries dragged in the Hub Notebooks views: their hubnb URIs, JSON. */
export const HUB_ENTRIES_MIME = 'application/vnd.hub-notebooks.entries+json';

/** The extension's URI handler from activation on: sign-in callbacks go to the real router. */
export class UriRelay implements vscode.UriHandler {
  private readonly relay: Relay<vscode.UriHandler>;

  constructor(load: LoadRest) {
    this.relay = new Relay(load, 'the URI handler');
  }

  attach(handler: vscode.UriHandler): vscode.Disposable {
    return this.relay.attach(handler);
  }

  handleUri(uri: vscode.Uri): void {
    this.relay.get().then(
      (handler) => handler.handleUri(uri),
      () => undefined, // the shell has reported why the rest did not load
    );
  }
}
