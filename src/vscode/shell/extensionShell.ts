import vscode = require('vscode');
import { SESSIONS_SECRET_KEY } from '../../core/auth/sessionKey';
import { messageOf } from '../../core/errors';
import { HUBNB_SCHEME } from '../../core/uris/types';
import { DisposableStore } from '../app/lifecycle';
import type { ExtensionLog } from '../app/log';
import type * as HubNotebooksModule from '../hubNotebooks';
import { createAccountItem, showSignedOut } from '../auth/accountItem';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL } from '../auth/authIds';
import { CommandIds, type CommandId } from '../commands/commandIds';
import { ViewIds, type ViewId } from '../trees/treeNodes';
import {
  AuthenticationRelay,
  FileSystemRelay,
  Relay,
  TreeRelay,
  UriRelay,
  type TreeProvider,
} from './relays';

type Handler = (...args: unknown[]) => unknown;

/**
 * What the activation bundle hands the rest of the extension: the registrations VS Code needs from activation
 * on, made by the shell; each attaches the real object behind one. Disposing what they return detaches it.
 */
export interface ShellPorts {
  /** The account's status bar entry, there from startup. */
  readonly accountItem: vscode.StatusBarItem;
  readonly commands: (table: Record<CommandId, Handler>) => vscode.Disposable;
  readonly authentication: (provider: vscode.AuthenticationProvider) => vscode.Disposable;
  readonly fileSystem: (provider: vscode.FileSystemProvider) => vscode.Disposable;
  /** Throws when VS Code refused the shell's URI handler, so sign-in can fall back to a loopback listener. */
  readonly uriHandler: (handler: vscode.UriHandler) => vscode.Disposable;
  readonly treeData: (view: ViewId, provider: TreeProvider) => vscode.Disposable;
}

/** The rest of the extension (hubNotebooks.ts, dist/main.js): built once, on first use. */
export type RestModule = typeof HubNotebooksModule;

/**
 * The activation bundle: registers every command, the authentication provider, the hubnb file system, the URI
 * handler and the three views with VS Code, each a relay, and loads the rest of the extension when one is
 * first used, or at once when a session is stored (the account's status bar entry and hub kernels need it).
 */
export class ExtensionShell extends DisposableStore {
  private loading: Promise<void> | undefined;
  private readonly ports: ShellPorts;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: ExtensionLog,
    private readonly importRest: () => Promise<RestModule>,
  ) {
    super();
    const load = (reason: string) => this.load(reason);
    const accountItem = this._register(createAccountItem());
    const commands = new Relay<Record<CommandId, Handler>>(load, 'the commands');
    for (const id of Object.values(CommandIds)) {
      const relay = async (...args: unknown[]) => (await commands.get())[id](...args);
      this._register(vscode.commands.registerCommand(id, relay));
    }
    const nothingStored = () =>
      Promise.resolve(context.secrets.get(SESSIONS_SECRET_KEY)).then(
        (stored) => !stored,
        () => false, // unreadable: the rest reads it again, and says why
      );
    const auth = this._register(new AuthenticationRelay(load, nothingStored));
    this._register(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, auth, {
        supportsMultipleAccounts: true,
      }),
    );
    const files = this._register(new FileSystemRelay(load));
    this._register(
      vscode.workspace.registerFileSystemProvider(HUBNB_SCHEME, files, { isCaseSensitive: true }),
    );
    this.ports = {
      accountItem,
      commands: (table) => commands.attach(table),
      authentication: (provider) => auth.attach(provider),
      fileSystem: (provider) => files.attach(provider),
      uriHandler: this.uriHandler(load),
      treeData: this.views(load),
    };
  }

  /** Loads the rest now if a session is stored, and when another window stores one; else shows Sign In. */
  startup(): void {
    const { secrets } = this.context;
    this._register(
      secrets.onDidChange((e) => {
        if (e.key === SESSIONS_SECRET_KEY) this.loadInBackground('a session stored in another window');
      }),
    );
    secrets.get(SESSIONS_SECRET_KEY).then(
      (stored) => {
        if (stored) this.loadInBackground('a stored session');
        else if (!this.loading) showSignedOut(this.ports.accountItem);
      },
      () => this.loadInBackground('the stored sessions could not be read'),
    );
  }

  /** Builds the rest of the extension once; every relay waits on this. */
  load(reason: string): Promise<void> {
    this.loading ??= this.build(reason);
    return this.loading;
  }

  private async build(reason: string): Promise<void> {
    const started = performance.now();
    try {
      const rest = await this.importRest();
      const imported = performance.now();
      this._register(new rest.HubNotebooks(this.context, this.log, this.ports));
      const built = performance.now();
      this.log
        .for('extension')
        .info(
          `loaded the rest for ${reason}: modules evaluated in ${(imported - started).toFixed(1)} ms, ` +
            `built in ${(built - imported).toFixed(1)} ms`,
        );
    } catch (err) {
      const message = messageOf(err);
      this.log.for('extension').error(`Hub Notebooks could not start: ${message}`);
      void vscode.window
        .showErrorMessage(`Hub Notebooks could not start: ${message}`, 'Show Log')
        .then((pick) => pick && this.log.show());
      throw err;
    }
  }

  private loadInBackground(reason: string): void {
    this.load(reason).catch(() => undefined); // build() has reported it
  }

  /** The URI handler's port: VS Code takes the handler at activation, or refuses it (reported on attach). */
  private uriHandler(load: (reason: string) => Promise<void>): ShellPorts['uriHandler'] {
    const relay = new UriRelay(load);
    let refused: Error | undefined;
    try {
      this._register(vscode.window.registerUriHandler(relay));
    } catch (err) {
      refused = err instanceof Error ? err : new Error(String(err));
    }
    return (handler) => {
      if (refused !== undefined) throw refused;
      return relay.attach(handler);
    };
  }

  /** The three views, made at activation so VS Code can ask them for children as soon as they show. */
  private views(load: (reason: string) => Promise<void>): ShellPorts['treeData'] {
    const relays = new Map<ViewId, TreeRelay>();
    for (const view of Object.values(ViewIds)) {
      const relay = this._register(new TreeRelay(load, view));
      relays.set(view, relay);
      const options = { treeDataProvider: relay, dragAndDropController: relay, showCollapseAll: true };
      this._register(vscode.window.createTreeView(view, { ...options, canSelectMany: true }));
    }
    return (view, provider) => {
      const relay = relays.get(view);
      if (!relay) throw new Error(`no view ${view}`);
      return relay.attach(provider);
    };
  }
}
