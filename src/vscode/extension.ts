// Must stay the first two imports: they mark when the bundle's modules start to evaluate and when VS Code has
// built the extension's `vscode` API object.
import { BUNDLE_EVALUATION_STARTED } from './app/loadMark';
import { VSCODE_API_READY } from './app/vscodeMark';
import vscode = require('vscode');
import { messageOf } from '../core/errors';
import { DisposableStore } from './app/lifecycle';
import { ExtensionLog } from './app/log';
import { ExtensionShell } from './shell/extensionShell';

/**
 * The activation bundle's entry. It builds the shell, which registers what VS Code needs from activation on,
 * and logs what activation cost. The rest of the extension (hubNotebooks.ts, built as dist/main.js) loads on
 * first use, or right after activation when a session is stored.
 */
export function activate(context: vscode.ExtensionContext): void {
  const activateStarted = performance.now();
  const store = new DisposableStore();
  context.subscriptions.push(store);
  // The log goes first into the store, so it is disposed last and what disposing the rest logs is kept.
  const log = store._register(new ExtensionLog());
  try {
    const shell = store._register(new ExtensionShell(context, log, () => import('./hubNotebooks')));
    const built = performance.now();
    shell.startup();
    const done = performance.now();
    const api = VSCODE_API_READY - BUNDLE_EVALUATION_STARTED;
    const evaluated = BUNDLE_EVALUATED - VSCODE_API_READY;
    // The last thing activate() does; only writing this line is left out of what it reports.
    log
      .for('extension')
      .info(
        `Hub Notebooks ${versionOf(context)} activated: vscode API ${api.toFixed(1)} ms, modules evaluated ` +
          `in ${evaluated.toFixed(1)} ms, activate() took ${(done - activateStarted).toFixed(1)} ms ` +
          `(the shell ${(built - activateStarted).toFixed(1)} ms, startup ${(done - built).toFixed(1)} ms)`,
      );
  } catch (err) {
    const message = messageOf(err);
    log.for('extension').error(`Activation failed: ${message}`);
    void vscode.window
      .showErrorMessage(`Hub Notebooks could not start: ${message}`, 'Show Log')
      .then((pick) => pick && log.show());
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
