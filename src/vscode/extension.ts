// Must stay the first two imports: they mark when the bundle's modules start to evaluate and when VS Code has
// built the extension's `vscode` API object.
import { BUNDLE_EVALUATION_STARTED } from './loadMark';
import { VSCODE_API_READY } from './vscodeMark';
import * as vscode from 'vscode';
import { AccountConnections } from '../core/auth';
import { AccountStatus } from './accountStatus';
import { HubAuthProvider } from './authProvider';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL } from './authSession';
import { createCommands, registerCommands } from './commands';
import { HubNotebookClients } from './hubClients';
import { HubnbFileSystemProvider, registerHubnbFileSystem } from './hubnbFileSystem';
import { JupyterBridge } from './jupyterBridge';
import { HubKernelControllers } from './kernels/kernelControllers';
import { KernelStatusBar } from './kernels/kernelStatusBar';
import { HubSessions } from './hubSessions';
import { warnIfNoKeyring } from './keyringWarning';
import { DisposableStore } from './lifecycle';
import { ExtensionLog } from './log';
import { RemoteChangeWatcher } from './remoteChanges';
import { saveCopyToMyNotebooks } from './saveCopy';
import { HubServers } from './serverStart';
import { Settings } from './settings';
import { NotebookTrees } from './trees/notebookTrees';
import { UriCallbackRouter } from './uriCallbacks';

/**
 * Wires the extension: builds the core, wraps it in adapters and registers them. It does nothing else, so
 * activation stays fast; heavy modules load on first use.
 */
export function activate(context: vscode.ExtensionContext): void {
  const activateStarted = performance.now();
  const store = new DisposableStore();
  context.subscriptions.push(store);
  const log = store._register(new ExtensionLog());
  try {
    const authLog = log.for('auth');
    const settings = store._register(new Settings(log.for('settings')));
    const callbacks = store._register(new UriCallbackRouter(context.extension.id, authLog));
    store._register(callbacks.register());
    const connections = new AccountConnections();
    const auth = store._register(
      new HubAuthProvider({
        secrets: context.secrets,
        settings,
        callbacks,
        connections,
        logger: authLog,
        showLog: () => log.show(),
      }),
    );
    store._register(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, auth, {
        supportsMultipleAccounts: true,
      }),
    );
    const sessions = new HubSessions(auth, connections, log.for('hub'));
    store._register(new AccountStatus(auth, authLog));
    // Nothing below talks to a hub yet: clients are built on first use, and each tree fetches when its view
    // first asks for children.
    const filesLog = log.for('files');
    const clients = store._register(
      new HubNotebookClients({ auth, sessions, settings, logger: log.for('clients') }),
    );
    const servers = new HubServers(clients, log.for('server'));
    store._register(new JupyterBridge({ clients, servers, auth, logger: log.for('jupyter') }));
    const kernelLog = log.for('kernels');
    const kernels = store._register(
      new HubKernelControllers({
        clients,
        servers,
        reauth: sessions,
        track: async (hubUrl, close) => {
          const id = await sessions.accountIdFor(hubUrl);
          return id ? connections.register(id, { close }) : () => undefined;
        },
        settings,
        logger: kernelLog,
        // @jupyterlab/services is loaded when the first cell runs, not when the extension activates.
        loadKernels: () => import('../core/kernels'),
        globalState: context.globalState,
        workspaceState: context.workspaceState,
      }),
    );
    store._register(new KernelStatusBar(kernels));
    const files = store._register(new HubnbFileSystemProvider({ clients, servers, logger: filesLog }));
    store._register(registerHubnbFileSystem(files));
    const remoteChanges = store._register(new RemoteChangeWatcher(files, filesLog));
    const trees = store._register(new NotebookTrees(clients, log.for('trees')));
    const notebooks = {
      hubs: clients,
      trees,
      servers,
      saveCopy: (source: vscode.Uri) => saveCopyToMyNotebooks({ files, logger: filesLog }, source),
      remoteChanges,
    };
    store._register(registerCommands(createCommands({ log, auth, sessions, notebooks, kernels })));
    void warnIfNoKeyring(
      {
        platform: process.platform,
        env: process.env,
        remoteName: vscode.env.remoteName,
        globalState: context.globalState,
      },
      authLog,
    ).catch((err: unknown) => authLog.warn(`the keyring check failed: ${String(err)}`));
    const api = VSCODE_API_READY - BUNDLE_EVALUATION_STARTED;
    const evaluated = BUNDLE_EVALUATED - VSCODE_API_READY;
    const activated = performance.now() - activateStarted;
    log
      .for('extension')
      .info(
        `Hub Notebooks ${versionOf(context)} activated: vscode API ${api.toFixed(1)} ms, modules evaluated ` +
          `in ${evaluated.toFixed(1)} ms, activate() took ${activated.toFixed(1)} ms`,
      );
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.for('extension').error(`Activation failed: ${message}`);
    void vscode.window
      .showErrorMessage(`Hub Notebooks could not start: ${message}`, 'Show Log')
      .then((pick) => {
        if (pick) log.show();
      });
    throw err;
  }
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}

function versionOf(context: vscode.ExtensionContext): string {
  const pkg = context.extension.packageJSON as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

// The last statement of the entry module, so every other module of the bundle has been evaluated by now.
const BUNDLE_EVALUATED = performance.now();
