// Must stay the first two imports: they mark when the bundle's modules start to evaluate and when VS Code has
// built the extension's `vscode` API object.
import { BUNDLE_EVALUATION_STARTED } from './app/loadMark';
import { VSCODE_API_READY } from './app/vscodeMark';
import * as vscode from 'vscode';
import { AccountStatus } from './auth/accountStatus';
import { HubAuthProvider } from './auth/authProvider';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL } from './auth/authSession';
import { createCommands, registerCommands } from './commandTable';
import { HubAccounts } from './hub/hubAccounts';
import type { NotSignedInError } from './hub/notSignedInError';
import { HubnbFileSystemProvider, registerHubnbFileSystem } from './files/hubnbFileSystem';
import { JupyterBridge } from './jupyter/jupyterBridge';
import { HubKernelControllers } from './kernels/kernelControllers';
import { KernelStatusBar } from './kernels/kernelStatusBar';
import { warnIfNoKeyring } from './app/keyringWarning';
import { DisposableStore } from './app/lifecycle';
import { ExtensionLog } from './app/log';
import { RemoteChangeWatcher } from './files/remoteChanges';
import { saveCopyToMyNotebooks } from './files/saveCopy';
import { HubServers } from './hub/serverStart';
import { Settings } from './app/settings';
import { NotebookTrees } from './trees/notebookTrees';
import { UriCallbackRouter } from './auth/uriCallbacks';
import { messageOf } from '../core/errors';

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
    const auth = store._register(
      new HubAuthProvider({
        secrets: context.secrets,
        settings,
        callbacks,
        logger: authLog,
        showLog: () => log.show(),
      }),
    );
    store._register(
      vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, auth, {
        supportsMultipleAccounts: true,
      }),
    );
    store._register(new AccountStatus(auth, authLog));
    // Nothing below talks to a hub yet: clients are built on first use, and each tree fetches when its view
    // first asks for children.
    const filesLog = log.for('files');
    const clients = store._register(new HubAccounts({ auth, settings, logger: log.for('hub') }));
    const servers = new HubServers(clients, log.for('server'));
    store._register(new JupyterBridge({ clients, servers, auth, logger: log.for('jupyter') }));
    const kernelLog = log.for('kernels');
    const kernels = store._register(
      new HubKernelControllers({
        clients,
        servers,
        track: (hubUrl, close) => clients.track(hubUrl, close),
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
    const failures = {
      logger: log.for('commands'),
      showLog: () => log.show(),
      promptSignIn: (err: NotSignedInError) => clients.promptSignIn(err),
    };
    store._register(registerCommands(createCommands({ log, auth, notebooks, kernels }), failures));
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
    const message = messageOf(err);
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
