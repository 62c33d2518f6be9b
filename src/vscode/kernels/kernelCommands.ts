import * as vscode from 'vscode';
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
    [CommandIds.restartKernel]: () => withKernel((k) => k.restart()),
    [CommandIds.restartKernelAndRunAll]: () =>
      withKernel(async (k) => {
        await k.restart();
        await vscode.commands.executeCommand('notebook.execute', k.notebook.uri);
      }),
    [CommandIds.shutdownKernel]: () => withKernel((k) => k.shutdown()),
  };
}
