/**
 * The outputs of the cells of one kernel, as VS Code should show them, built from the iopub messages of their
 * runs. The VS Code adapter pushes messages as they arrive and, at most every 50–100 ms, takes the edits made
 * since the last time and applies them with NotebookCellExecution.replaceOutput / appendOutput /
 * replaceOutputItems / clearOutput. That keeps a flood of 10^6 `print` calls to a few edits, and the text a
 * cell keeps within `maxTextBytes` per output and `maxOutputs` outputs.
 */
import {
  bundleItems,
  errorItem,
  errorMetadata,
  outputsNotice,
  NOTICE_METADATA,
  richMetadata,
  STDERR_MIME,
  STREAM_METADATA,
  STDOUT_MIME,
  textNotice,
  utf8,
  type OutputItem,
} from './outputItems';
import { Redactor } from './redact';
import { redactOutput, type RedactorRef } from './redactOutput';
import { RedactedStreamText } from './redactStream';
import type { IopubOutput, MimeBundle, OutputMetadata } from './types';

export type { OutputItem } from './outputItems';

/**
 * One cell output: the adapter makes it `new NotebookCellOutput(items, metadata)` and keeps it by `id` for
 * later `replaceItems` edits. The metadata is what VS Code's ipynb serializer reads when the notebook is saved
 * (CellOutputMetadata in extensions/ipynb/src/common.ts): `outputType`, `executionCount` for results,
 * `metadata` (the Jupyter output metadata), `transient` with the `display_id`, and `originalError` for errors.
 */
export interface CellOutput {
  /** Unique within the model; not a Jupyter or VS Code id. */
  readonly id: string;
  readonly items: readonly OutputItem[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A change to one cell's outputs since the previous `takeEdits`/`flush`, in the order to apply. */
export type OutputEdit =
  /** Replace all of the cell's outputs (`replaceOutput`; `clearOutput` when `outputs` is empty). */
  | { readonly kind: 'replaceAll'; readonly outputs: readonly CellOutput[] }
  /** Add outputs after the existing ones (`appendOutput`). */
  | { readonly kind: 'append'; readonly outputs: readonly CellOutput[] }
  /** Replace the items of an output already shown, by its id (`replaceOutputItems`). */
  | { readonly kind: 'replaceItems'; readonly outputId: string; readonly items: readonly OutputItem[] };

/** The edits of one cell. */
export interface CellEdits {
  readonly cellKey: string;
  readonly edits: readonly OutputEdit[];
}

/** The limits of a model; the adapter passes the user's settings. */
export interface CellOutputsOptions {
  /**
   * UTF-8 bytes of text kept per stream output (and per `text/plain` item); the rest is counted and noted.
   * Default 1 000 000: about 20 000 lines, one second of output at jupyter_server's default iopub data rate
   * limit. VS Code resends an output's whole text on every update and saves it in the .ipynb, so more only
   * makes the editor and saves slow while nobody reads that much in a cell.
   */
  readonly maxTextBytes?: number | undefined;
  /** Outputs kept per cell; later ones are counted and noted. Default 1000. */
  readonly maxOutputs?: number | undefined;
  /** The settings the notices name, so that users can find them. */
  readonly settingNames?: { readonly maxTextBytes: string; readonly maxOutputs: string } | undefined;
}

/** The default of `maxTextBytes`: 1 MB per output. */
export const DEFAULT_MAX_TEXT_BYTES = 1_000_000;
/** The default of `maxOutputs` per cell. */
export const DEFAULT_MAX_OUTPUTS = 1000;

/**
 * The output model of one kernel connection. Display ids are kernel-wide, so one model serves every cell that
 * runs on the kernel: an `update_display_data` from one cell's run updates a display another cell created.
 * Cell keys are opaque strings chosen by the adapter. A run goes: `reset(cell)` and `execution.clearOutput()`
 * at its start, `push(cell, output)` per message, `takeEdits()` on a timer while anything is dirty, and
 * `settle(cell)` and `flush(cell)` before `execution.end()`. Every text it hands out is redacted (redact.ts).
 */
export class CellOutputs {
  private readonly cells = new Map<string, CellState>();
  /** display_id → the outputs showing it, in any cell: the targets of `update_display_data`. */
  private readonly displays = new Map<string, Set<RichEntry>>();
  private readonly dirty = new Set<CellState>();
  private readonly maxTextBytes: number;
  private readonly maxOutputs: number;
  private readonly settings: { readonly maxTextBytes: string; readonly maxOutputs: string };
  private readonly redaction: RedactorRef = { current: Redactor.none };
  private nextId = 0;
  private disposed = false;

  constructor(options: CellOutputsOptions = {}) {
    this.maxTextBytes = checkLimit(options.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES, 'maxTextBytes');
    this.maxOutputs = checkLimit(options.maxOutputs ?? DEFAULT_MAX_OUTPUTS, 'maxOutputs');
    this.settings = options.settingNames ?? {
      maxTextBytes: 'hubNotebooks.output.maxTextBytes',
      maxOutputs: 'hubNotebooks.output.maxOutputs',
    };
  }

  /** Applies one iopub output message (`stream`, `display_data`, `clear_output`, ...) of a run of a cell. */
  push(cellKey: string, message: IopubOutput): void {
    if (this.disposed) return;
    // Redacted before the model keeps anything of it, metadata included; streams are redacted as a whole.
    const output = redactOutput(message, this.redaction.current);
    if (output.type === 'update_display_data') {
      this.updateDisplay(output.displayId, output.data, output.metadata);
      return;
    }
    const cell = this.cell(cellKey);
    if (output.type === 'clear_output') {
      // With wait, Jupyter clears only when the cell's next output arrives, so that an animation does not
      // flicker; if the run ends first, the outputs stay.
      if (output.wait) cell.clearOnNextOutput = true;
      else this.clear(cell);
      return;
    }
    if (cell.clearOnNextOutput) this.clear(cell);
    if (output.type === 'stream') this.pushStream(cell, output.name, output.text);
    else if (this.isFull(cell)) this.dropOutput(cell, undefined);
    else if (output.type === 'error') this.add<FixedEntry>(cell, this.errorEntry(output));
    else this.add<RichEntry>(cell, this.richEntry(cell, output));
  }

  /**
   * Sets the secret values to hide in what is pushed from now on; they come from the kernel once it runs
   * (readKernelEnvironment). Outputs made before stay as they are (stream outputs still growing are redacted
   * from their next edit), and VS Code may have saved them: the adapter sets it before a cell runs.
   */
  setRedactor(redactor: Redactor): void {
    this.redaction.current = redactor;
  }

  /**
   * The cell's run ended, so its last stream output gets no more text: what it held back because it could be
   * the start of a secret value (see RedactedStreamText) is shown at the next flush.
   */
  settle(cellKey: string): void {
    const cell = this.cells.get(cellKey);
    const last = cell?.outputs[cell.outputs.length - 1];
    if (cell && last?.kind === 'stream' && last.text.settle()) this.markChanged(cell, last);
  }

  /** The edits of every cell changed since the last call: what a throttled flush applies. */
  takeEdits(): CellEdits[] {
    const result: CellEdits[] = [];
    for (const cell of [...this.dirty]) {
      const edits = this.flushCell(cell);
      if (edits.length > 0) result.push({ cellKey: cell.key, edits });
    }
    return result;
  }

  /** The edits of one cell since its last flush, e.g. right before its execution ends. */
  flush(cellKey: string): OutputEdit[] {
    const cell = this.cells.get(cellKey);
    return cell ? this.flushCell(cell) : [];
  }

  /** The current outputs of a cell, in full. */
  outputs(cellKey: string): CellOutput[] {
    return this.cells.get(cellKey)?.outputs.map((entry) => this.snapshot(entry)) ?? [];
  }

  /** What the limits dropped from a cell's current stream outputs and output list, exactly, for logs. */
  truncation(cellKey: string): { droppedTextBytes: number; droppedOutputs: number } {
    const cell = this.cells.get(cellKey);
    let droppedTextBytes = 0;
    for (const entry of cell?.outputs ?? []) {
      if (entry.kind === 'stream') droppedTextBytes += entry.text.droppedBytes;
    }
    return { droppedTextBytes, droppedOutputs: cell?.droppedOutputs ?? 0 };
  }

  /**
   * Forgets a cell: when it runs again, or the user clears or deletes it. The adapter clears the cell in VS
   * Code itself, so this produces no edit; the cell's displays stop receiving `update_display_data`.
   */
  reset(cellKey: string): void {
    const cell = this.cells.get(cellKey);
    if (!cell) return;
    this.unregister(cell);
    this.dirty.delete(cell);
    this.cells.delete(cellKey);
  }

  /** Forgets every cell and display; later pushes are ignored. */
  dispose(): void {
    this.disposed = true;
    this.cells.clear();
    this.displays.clear();
    this.dirty.clear();
  }

  private cell(key: string): CellState {
    let cell = this.cells.get(key);
    if (!cell) {
      cell = {
        key,
        outputs: [],
        flushedCount: 0,
        replaceAll: false,
        changed: new Set(),
        clearOnNextOutput: false,
        droppedOutputs: 0,
      };
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** `clear_output` now: VS Code gets the cell's next list at the next flush, in one `replaceAll`. */
  private clear(cell: CellState): void {
    cell.clearOnNextOutput = false;
    this.unregister(cell);
    // Outputs VS Code never got need no edit; if it has some, they are replaced by what the cell holds next.
    if (cell.flushedCount > 0) {
      cell.replaceAll = true;
      this.dirty.add(cell);
    }
    cell.outputs = [];
    cell.changed.clear();
    cell.droppedOutputs = 0;
    delete cell.notice;
    delete cell.lastDroppedStream;
  }

  /** Consecutive stream text of one name goes to one output, as in Jupyter. */
  private pushStream(cell: CellState, name: StreamName, text: string): void {
    const last = cell.outputs[cell.outputs.length - 1];
    if (last?.kind === 'stream' && last.name === name) {
      last.text.write(text);
      this.markChanged(cell, last);
    } else if (this.isFull(cell)) {
      this.dropOutput(cell, name);
    } else {
      const stream = new RedactedStreamText(this.maxTextBytes, this.redaction);
      stream.write(text);
      this.add<StreamEntry>(cell, { kind: 'stream', name, text: stream, metadata: STREAM_METADATA });
    }
  }

  private isFull(cell: CellState): boolean {
    return cell.notice !== undefined || cell.outputs.length >= this.maxOutputs;
  }

  /** Past `maxOutputs`: count the output, and show one notice as the cell's last output. */
  private dropOutput(cell: CellState, stream: StreamName | undefined): void {
    // Text of the stream that was dropped last would have joined that output: it is not another output.
    const continuesStream = stream !== undefined && cell.lastDroppedStream === stream;
    if (stream === undefined) delete cell.lastDroppedStream;
    else cell.lastDroppedStream = stream;
    if (continuesStream) return;
    cell.droppedOutputs += 1;
    const notice = outputsNotice(cell.droppedOutputs, this.maxOutputs, this.settings.maxOutputs);
    const items = [{ mime: 'text/plain', data: utf8(notice) }];
    if (cell.notice) {
      cell.notice.items = items;
      this.markChanged(cell, cell.notice);
    } else {
      cell.notice = this.add<FixedEntry>(cell, { kind: 'notice', items, metadata: NOTICE_METADATA });
    }
  }

  private add<T extends Entry>(cell: CellState, fresh: Fresh<T>): T {
    // A stream output followed by another output is complete: what it held back can show.
    const previous = cell.outputs[cell.outputs.length - 1];
    if (previous?.kind === 'stream' && previous.text.settle()) this.markChanged(cell, previous);
    this.nextId += 1;
    const entry = { ...fresh, id: `out-${this.nextId}`, index: cell.outputs.length } as T;
    cell.outputs.push(entry);
    if (entry.kind === 'rich' && entry.displayId !== undefined) {
      const targets = this.displays.get(entry.displayId) ?? new Set();
      targets.add(entry);
      this.displays.set(entry.displayId, targets);
    }
    this.dirty.add(cell);
    return entry;
  }

  /** An output VS Code already has changed its items; a newer one is sent whole by the next `append`. */
  private markChanged(cell: CellState, entry: Entry): void {
    if (!cell.replaceAll && entry.index < cell.flushedCount) cell.changed.add(entry);
    this.dirty.add(cell);
  }

  /** `update_display_data`: new data for every output of that display id, in whichever cell; never appends. */
  private updateDisplay(displayId: string, data: MimeBundle, metadata: OutputMetadata): void {
    const targets = this.displays.get(displayId);
    if (!targets) return;
    const items = this.bundle(data);
    for (const entry of targets) {
      const sameMetadata = JSON.stringify(entry.metadata['metadata']) === JSON.stringify(metadata);
      entry.items = items;
      entry.metadata = { ...entry.metadata, metadata };
      if (sameMetadata) {
        this.markChanged(entry.cell, entry);
      } else {
        // replaceOutputItems cannot change an output's metadata, which the serializer saves: replace all.
        if (entry.index < entry.cell.flushedCount) entry.cell.replaceAll = true;
        this.dirty.add(entry.cell);
      }
    }
  }

  private unregister(cell: CellState): void {
    for (const entry of cell.outputs) {
      if (entry.kind !== 'rich' || entry.displayId === undefined) continue;
      const targets = this.displays.get(entry.displayId);
      targets?.delete(entry);
      if (targets?.size === 0) this.displays.delete(entry.displayId);
    }
  }

  private flushCell(cell: CellState): OutputEdit[] {
    this.dirty.delete(cell);
    const edits: OutputEdit[] = [];
    if (cell.replaceAll) {
      edits.push({ kind: 'replaceAll', outputs: cell.outputs.map((entry) => this.snapshot(entry)) });
    } else {
      for (const entry of cell.changed) {
        edits.push({ kind: 'replaceItems', outputId: entry.id, items: this.items(entry) });
      }
      const added = cell.outputs.slice(cell.flushedCount).map((entry) => this.snapshot(entry));
      if (added.length > 0) edits.push({ kind: 'append', outputs: added });
    }
    cell.replaceAll = false;
    cell.changed.clear();
    cell.flushedCount = cell.outputs.length;
    return edits;
  }

  private snapshot(entry: Entry): CellOutput {
    return { id: entry.id, items: this.items(entry), metadata: entry.metadata };
  }

  /** A stream's items are built when sent: its kept text, and the truncation notice once text was dropped. */
  private items(entry: Entry): readonly OutputItem[] {
    if (entry.kind !== 'stream') return entry.items;
    const { text } = entry;
    const notice =
      text.droppedBytes === 0 ? '' : `${text.endsLine ? '' : '\n'}${this.textNotice(text.droppedBytes)}\n`;
    return [{ mime: entry.name === 'stderr' ? STDERR_MIME : STDOUT_MIME, data: text.toBytes(notice) }];
  }

  private textNotice(droppedBytes: number): string {
    return textNotice(droppedBytes, this.maxTextBytes, this.settings.maxTextBytes);
  }

  private bundle(data: MimeBundle): OutputItem[] {
    return bundleItems(data, this.maxTextBytes, (dropped) => this.textNotice(dropped));
  }

  private errorEntry(output: Extract<IopubOutput, { type: 'error' }>): Fresh<FixedEntry> {
    return { kind: 'error', items: [errorItem(output)], metadata: errorMetadata(output) };
  }

  private richEntry(cell: CellState, output: Extract<IopubOutput, { type: RichType }>): Fresh<RichEntry> {
    const { displayId } = output;
    return { kind: 'rich', cell, displayId, items: this.bundle(output.data), metadata: richMetadata(output) };
  }
}

type StreamName = 'stdout' | 'stderr';
type RichType = 'display_data' | 'execute_result';

/** One output of a cell as the model keeps it: `index` is its position in the cell's list. */
type Entry = StreamEntry | RichEntry | FixedEntry;
/** An entry before `add` gives it its id and place. */
type Fresh<T extends Entry> = Omit<T, 'id' | 'index'>;

interface EntryBase {
  readonly id: string;
  index: number;
  /** The VS Code output metadata. */
  metadata: Readonly<Record<string, unknown>>;
}

interface StreamEntry extends EntryBase {
  readonly kind: 'stream';
  readonly name: StreamName;
  readonly text: RedactedStreamText;
}

interface RichEntry extends EntryBase {
  readonly kind: 'rich';
  /** The cell it is in, for updates that come from another cell's run. */
  readonly cell: CellState;
  readonly displayId: string | undefined;
  items: readonly OutputItem[];
}

/** An error, or the "… N more outputs not shown" notice that ends a cell past `maxOutputs`. */
interface FixedEntry extends EntryBase {
  readonly kind: 'error' | 'notice';
  items: readonly OutputItem[];
}

interface CellState {
  readonly key: string;
  outputs: Entry[];
  /** How many of `outputs` VS Code has: the edits since then are for these, then an append of the rest. */
  flushedCount: number;
  /** VS Code's list is stale as a whole (a clear, or new metadata): the next flush replaces it. */
  replaceAll: boolean;
  /** Outputs VS Code has whose items changed since the last flush. */
  readonly changed: Set<Entry>;
  /** A `clear_output(wait=true)` waiting for the cell's next output. */
  clearOnNextOutput: boolean;
  droppedOutputs: number;
  notice?: FixedEntry;
  /** The stream whose output was dropped last, if nothing else was dropped since. */
  lastDroppedStream?: StreamName;
}

function checkLimit(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`CellOutputs: ${name} must be a whole number ≥ 0, not ${value}`);
  }
  return value;
}
