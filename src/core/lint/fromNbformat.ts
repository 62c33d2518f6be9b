/**
 * The lint's view of an nbformat notebook, for the hub service (the extension builds the same view from a
 * NotebookDocument): each cell's kind, source, tags and the text of its outputs.
 */

import { isRecord, sourceText, type Notebook, type NotebookCell } from '../notebook/nbformat';
import type { LintCell, LintNotebook, LintOutput } from './types';

/** Turns a parsed nbformat 4 notebook into the cells, outputs and kernel language the lint reads. */
export function lintNotebookFromNbformat(nb: Notebook): LintNotebook {
  return { cells: nb.cells.map(lintCell), language: kernelLanguage(nb.metadata) };
}

function lintCell(cell: NotebookCell): LintCell {
  // A cell type nbformat does not define is read as raw text: it is linted, but not as code.
  const kind = cell.cell_type === 'code' || cell.cell_type === 'markdown' ? cell.cell_type : 'raw';
  const tags = cell.metadata?.tags;
  const outputs: LintOutput[] = [];
  if (kind === 'code') {
    (cell.outputs ?? []).forEach((output, index) => {
      const text = outputText(output);
      if (text !== '') outputs.push({ index, text });
    });
  }
  return {
    kind,
    source: sourceText(cell),
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
    outputs,
  };
}

/** `metadata.language_info.name`, else the kernelspec's language, in lower case. */
function kernelLanguage(metadata: Record<string, unknown> | undefined): string | undefined {
  const info = metadata?.language_info;
  const spec = metadata?.kernelspec;
  const name = isRecord(info) ? info.name : undefined;
  const language =
    typeof name === 'string' && name !== '' ? name : isRecord(spec) ? spec.language : undefined;
  return typeof language === 'string' && language !== '' ? language.toLowerCase() : undefined;
}

/**
 * The text a person can read in one output: a stream's text; the `text/*` and JSON data of a display or a
 * result, one after the other; an error's `ename: evalue` and its traceback without colour codes. Empty for
 * outputs with no text (images alone).
 */
function outputText(output: unknown): string {
  if (!isRecord(output)) return '';
  switch (output.output_type) {
    case 'stream':
      return joined(output.text);
    case 'display_data':
    case 'execute_result':
      return isRecord(output.data) ? dataText(output.data) : '';
    case 'error': {
      const head = `${typeof output.ename === 'string' ? output.ename : ''}: ${typeof output.evalue === 'string' ? output.evalue : ''}`;
      const traceback = Array.isArray(output.traceback)
        ? output.traceback.filter((l) => typeof l === 'string')
        : [];
      return [head, ...traceback].join('\n').replace(ANSI, '');
    }
    default:
      return '';
  }
}

function dataText(data: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [mime, value] of Object.entries(data)) {
    if (mime.startsWith('text/')) parts.push(joined(value));
    else if (mime === 'application/json' || mime.endsWith('+json')) {
      // JSON data is JSON itself, never split into lines the way text is.
      parts.push(typeof value === 'string' ? value : JSON.stringify(value, null, 1));
    }
  }
  return parts.filter((p) => p !== '').join('\n');
}

/** nbformat's multiline strings: one string, or a list of lines that each keep their `\n`. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.filter((l): l is string => typeof l === 'string').join('') : '';
}

// CSI sequences (colours, cursor moves) and the two-character escapes IPython's tracebacks are coloured with.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
