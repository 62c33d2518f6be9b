import * as vscode from 'vscode';
import { createCommands, registerCommands } from './commands';
import { DisposableStore } from './lifecycle';
import { ExtensionLog } from './log';
import { NOTEBOOKS_VIEW_ID, NotebooksTreeProvider } from './notebooksView';

/**
 * Wires the extension: builds the core, wraps it in adapters and registers them. It does nothing else, so
 * activation stays fast; heavy modules load on first use.
 */
export function activate(context: vscode.ExtensionContext): void {
  const store = new DisposableStore();
  context.subscriptions.push(store);
  const log = store._register(new ExtensionLog());
  try {
    store._register(vscode.window.registerTreeDataProvider(NOTEBOOKS_VIEW_ID, new NotebooksTreeProvider()));
    store._register(registerCommands(createCommands({ log })));
    log.for('extension').info(`Hub Notebooks ${versionOf(context)} activated`);
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
