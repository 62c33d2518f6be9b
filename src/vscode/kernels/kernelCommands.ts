import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { CommandIds } from '../commands/commandIds';
import type { NotebookKernel } from './notebookKernel';

/** What the kernel commands need: the hub kernel of a notebook, if it runs on one. */
export interface KernelCommandDeps {
  kernels: { kernelOf(notebook: vscode.NotebookDocument): NotebookKernel | undefined };
  log: Logger;
}

/** Restart, Restart and Run All, and Shut Down for the active notebook's hub kernel. */
export function kernelCommands(deps: KernelCommandDeps) {
  const withKernel = async (action: (kernel: NotebookKernel) => Promise<void>) => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    const kernel = notebook && deps.kernels.kernelOf(notebook);
    if (!kernel) {
      void vscode.window.showInformationMessage(
        'The active notebook does not run on a hub kernel. Pick one in the kernel picker ("Select Kernel").',
      );
      return;
    }
    // A failure reaches the command wrapper (commandFailures.ts), which reports it.
    await action(kernel);
  };
  return {
    [CommandIds.restartKernel]: () => withKernel(async (k) => void (await restartAsked(k, false))),
    [CommandIds.restartKernelAndRunAll]: () =>
      withKernel(async (k) => {
        if (await restartAsked(k, true))
          await vscode.commands.executeCommand('notebook.execute', k.notebook.uri);
      }),
    [CommandIds.shutdownKernel]: () => withKernel((k) => k.shutdown()),
  };
}

const RESTART = 'Restart';

/**
 * VS Code's habit for a restart: ask first (the variables go), then say it happened. True when it restarted;
 * a notebook whose kernel has not started yet has nothing to restart, and is told so.
 */
async function restartAsked(kernel: NotebookKernel, thenRunAll: boolean): Promise<boolean> {
  const name = notebookName(kernel.notebook.uri);
  if (!kernel.hasSession) {
    void vscode.window.showInformationMessage(
      `The kernel of ${name} has not started yet: it starts with the first cell you run.`,
    );
    return false;
  }
  const pick = await vscode.window.showWarningMessage(
    thenRunAll
      ? `Restart the kernel of ${name} and run all cells? All variables will be lost.`
      : `Restart the kernel of ${name}? All variables will be lost.`,
    { modal: true },
    RESTART,
  );
  if (pick !== RESTART) return false;
  await kernel.restart();
  void vscode.window.showInformationMessage(`Restarted the kernel of ${name}.`);
  return true;
}

function notebookName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? uri.toString();
}
