import vscode = require('vscode');
import { warnIfNoKeyring } from './app/keyringWarning';
import { DisposableStore } from './app/lifecycle';
import type { ExtensionLog } from './app/log';
import { Settings } from './app/settings';
import { AccountStatus } from './auth/accountStatus';
import { HubAuthProvider } from './auth/authProvider';
import { UriCallbackRouter } from './auth/uriCallbacks';
import { createCommands, wrapCommands } from './commandTable';
import { HubnbFileSystemProvider } from './files/hubnbFileSystem';
import { ReadOnlyNotice } from './files/readOnlyNotice';
import { RemoteChangeWatcher } from './files/remoteChanges';
import { saveCopyToMyNotebooks } from './files/saveCopy';
import { HubAccounts, type ServerChoice } from './hub/hubAccounts';
import { HubServers } from './hub/serverStart';
import { ServerStates } from './hub/serverStates';
import { JupyterBridge } from './jupyter/jupyterBridge';
import { HubKernelControllers } from './kernels/kernelControllers';
import { KernelStatusBar } from './kernels/kernelStatusBar';
import { LintFeature } from './lint/lintFeature';
import type { ShellPorts } from './shell/extensionShell';
import { NotebookTrees } from './trees/notebookTrees';
import { TreeDrops } from './trees/treeDrops';
import type { UploadDeps } from './files/uploads';

/** The server of each hub the user chose ("Choose Server…"), remembered across windows. */
function serverChoice(state: vscode.Memento): ServerChoice {
  const key = (hubUrl: string) => `hubNotebooks.server.${hubUrl}`;
  return {
    get: (hubUrl) => {
      const name = state.get<unknown>(key(hubUrl), '');
      return typeof name === 'string' ? name : '';
    },
    set: (hubUrl, name) => state.update(key(hubUrl), name),
  };
}

/**
 * The extension, as one object (like rust-analyzer's `Ctx`): it builds the core, wraps it in adapters,
 * attaches them to the registrations the activation bundle made (shell/extensionShell.ts), and owns them all,
 * so disposing it undoes loading. Nothing here talks to a hub: clients are built on first use, and each tree
 * fetches when its view first asks for children.
 */
export class HubNotebooks extends DisposableStore {
  readonly settings: Settings;
  readonly auth: HubAuthProvider;
  readonly accounts: HubAccounts;
  readonly servers: HubServers;
  readonly serverStates: ServerStates;
  readonly kernels: HubKernelControllers;
  readonly files: HubnbFileSystemProvider;
  readonly trees: NotebookTrees;
  readonly lint: LintFeature;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: ExtensionLog,
    private readonly ports: ShellPorts,
  ) {
    super();
    this.settings = this._register(new Settings(log.for('settings')));
    this.auth = this.signIn();
    this.accounts = this._register(
      new HubAccounts({
        auth: this.auth,
        settings: this.settings,
        logger: log.for('hub'),
        serverChoice: serverChoice(context.globalState),
      }),
    );
    this.serverStates = this._register(new ServerStates());
    this.servers = new HubServers(this.accounts, log.for('server'), this.serverStates);
    this._register(
      new JupyterBridge({
        clients: this.accounts,
        servers: this.servers,
        auth: this.auth,
        logger: log.for('jupyter'),
      }),
    );
    this.kernels = this.notebookKernels();
    this.files = this._register(
      new HubnbFileSystemProvider({
        clients: this.accounts,
        servers: this.servers,
        logger: log.for('files'),
      }),
    );
    this._register(ports.fileSystem(this.files));
    this._register(new ReadOnlyNotice());
    const drops = new TreeDrops({
      hubs: this.accounts,
      files: this.files,
      uploads: this.uploadDeps(),
      logger: log.for('trees'),
    });
    this.trees = this._register(
      new NotebookTrees({
        hubs: this.accounts,
        servers: this.serverStates,
        fileChanges: this.files.onDidChangeFile,
        log: log.for('trees'),
        attach: ports.treeData,
        drops: (view) => drops.forView(view),
      }),
    );
    this.lint = this._register(new LintFeature(this.settings, log.for('lint'), this.accounts));
    this.registerCommands();
  }

  /** The authentication provider and what shows its state: the URI callbacks and the account in the status bar. */
  private signIn(): HubAuthProvider {
    const authLog = this.log.for('auth');
    const callbacks = this._register(new UriCallbackRouter(this.context.extension.id, authLog));
    this._register(callbacks.register(this.ports.uriHandler));
    const auth = this._register(
      new HubAuthProvider({
        secrets: this.context.secrets,
        settings: this.settings,
        callbacks,
        logger: authLog,
        showLog: () => this.log.show(),
      }),
    );
    this._register(this.ports.authentication(auth));
    this._register(new AccountStatus(auth, authLog, this.ports.accountItem));
    void warnIfNoKeyring(
      {
        platform: process.platform,
        env: process.env,
        remoteName: vscode.env.remoteName,
        globalState: this.context.globalState,
      },
      authLog,
    ).catch((err: unknown) => authLog.warn(`the keyring check failed: ${String(err)}`));
    return auth;
  }

  /** The notebooks' hub kernels and their status bar item. */
  private notebookKernels(): HubKernelControllers {
    const kernels = this._register(
      new HubKernelControllers({
        clients: this.accounts,
        servers: this.servers,
        track: (hubUrl, close) => this.accounts.track(hubUrl, close),
        settings: this.settings,
        logger: this.log.for('kernels'),
        // @jupyterlab/services is loaded when the first cell runs, not when the extension activates.
        loadKernels: () => import('../core/kernels'),
        globalState: this.context.globalState,
        workspaceState: this.context.workspaceState,
      }),
    );
    this._register(new KernelStatusBar(kernels));
    return kernels;
  }

  /** What uploads need: the accounts, server-start consent, and My Notebooks to list the new files. */
  private uploadDeps(): UploadDeps {
    return {
      clients: this.accounts,
      servers: this.servers,
      refresh: () => this.trees.myNotebooks.refresh(),
      logger: this.log.for('files'),
    };
  }

  /** The one command table, each command's failures reported the one way (commands/commandFailures.ts). */
  private registerCommands(): void {
    const { log, files, accounts } = this;
    const filesLog = log.for('files');
    const notebooks = {
      hubs: accounts,
      trees: this.trees,
      servers: this.servers,
      saveCopy: (source: vscode.Uri) => saveCopyToMyNotebooks({ files, logger: filesLog }, source),
      remoteChanges: this._register(new RemoteChangeWatcher(files, filesLog)),
    };
    const failures = {
      logger: log.for('commands'),
      showLog: () => log.show(),
      promptSignIn: accounts.promptSignIn.bind(accounts),
    };
    const table = createCommands({
      log,
      auth: this.auth,
      notebooks,
      serverStates: this.serverStates,
      accounts,
      kernels: this.kernels,
      authoring: { hubs: accounts, files, logger: filesLog },
      checkpoints: { clients: accounts, servers: this.servers, files, logger: filesLog },
      uploads: { ...this.uploadDeps(), hubs: accounts, files },
      lint: this.lint,
    });
    this._register(this.ports.commands(wrapCommands(table, failures)));
  }
}
