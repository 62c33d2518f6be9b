import vscode = require('vscode');
import type { CellEdits, CellOutput, CellOutputs, OutputItem } from '../../core/kernels/cellOutputs';
import type { IopubOutput } from '../../core/kernels/types';
import type { Logger } from '../../core/logger';
import { messageOf } from '../../core/errors';

/**
 * Applies the core output model's edits to VS Code cell executions, batched: a cell that prints a million lines
 * costs a few edits per second instead of a million, so the extension host stays responsive. Edits are applied
 * in order through one chain, since each is an asynchronous call into the renderer process.
 */
export class OutputWriter implements vscode.Disposable {
  private readonly executions = new Map<string, vscode.NotebookCellExecution>();
  private readonly cells = new Map<string, vscode.NotebookCell>();
  /** The VS Code output shown for each model output id, per cell, for `replaceOutputItems`. */
  private readonly shown = new Map<string, Map<string, vscode.NotebookCellOutput>>();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly model: CellOutputs,
    private readonly logger: Logger,
    private readonly intervalMs = 100,
  ) {}

  /**
   * Starts showing a cell's run. Its outputs are cleared unless `keep` (a run adopted after a reload, whose
   * earlier outputs stay and new ones follow them).
   */
  async begin(cellKey: string, execution: vscode.NotebookCellExecution, keep = false): Promise<void> {
    this.model.reset(cellKey);
    this.executions.set(cellKey, execution);
    this.cells.set(cellKey, execution.cell);
    this.shown.set(cellKey, new Map());
    if (!keep) await this.enqueue(() => execution.clearOutput());
  }

  push(cellKey: string, output: IopubOutput): void {
    this.model.push(cellKey, output);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.applyPending();
    }, this.intervalMs);
  }

  /** Shows whatever is pending and forgets the execution: call before `execution.end()`. */
  async finish(cellKey: string): Promise<void> {
    // The end of a stream that could begin a secret is held back while the cell runs; it ends now.
    this.model.settle(cellKey);
    await this.applyPending();
    this.executions.delete(cellKey);
  }

  /** Appends a plain output (an error the kernel did not send, such as "the kernel restarted") to a cell. */
  async appendNotice(cellKey: string, output: vscode.NotebookCellOutput): Promise<void> {
    const execution = this.executions.get(cellKey);
    if (!execution) return;
    await this.applyPending();
    await this.enqueue(() => execution.appendOutput(output));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.executions.clear();
    this.cells.clear();
    this.shown.clear();
    this.model.dispose();
  }

  private applyPending(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const edits = this.model.takeEdits();
    if (edits.length === 0) return this.chain;
    return this.enqueue(() => this.apply(edits));
  }

  private enqueue(step: () => Thenable<void> | Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.logger.warn(`could not show a cell output: ${messageOf(err)}`);
    });
    return this.chain;
  }

  private async apply(cells: readonly CellEdits[]): Promise<void> {
    for (const { cellKey, edits } of cells) {
      // An update_display_data may target a cell whose run has ended: any live execution can edit it, naming
      // the cell for whole outputs, and finding an output by id in the whole notebook for its items.
      const own = this.executions.get(cellKey);
      const execution = own ?? this.executions.values().next().value;
      const cell = own ? undefined : this.cells.get(cellKey);
      const shown = this.shown.get(cellKey) ?? new Map<string, vscode.NotebookCellOutput>();
      this.shown.set(cellKey, shown);
      if (!execution) {
        this.logger.debug(`dropped an output edit for a cell no run is showing (${edits.length} edits)`);
        continue;
      }
      for (const edit of edits) {
        if (edit.kind === 'replaceItems') {
          const target = shown.get(edit.outputId);
          if (target) await execution.replaceOutputItems(edit.items.map(toItem), target);
          continue;
        }
        const outputs = edit.outputs.map((o) => this.toOutput(o, shown));
        if (edit.kind === 'append') await execution.appendOutput(outputs, cell);
        else {
          for (const id of [...shown.keys()]) if (!edit.outputs.some((o) => o.id === id)) shown.delete(id);
          await execution.replaceOutput(outputs, cell);
        }
      }
    }
  }

  private toOutput(
    output: CellOutput,
    shown: Map<string, vscode.NotebookCellOutput>,
  ): vscode.NotebookCellOutput {
    const converted = new vscode.NotebookCellOutput(output.items.map(toItem), { ...output.metadata });
    shown.set(output.id, converted);
    return converted;
  }
}

function toItem(item: OutputItem): vscode.NotebookCellOutputItem {
  return new vscode.NotebookCellOutputItem(item.data, item.mime);
}
