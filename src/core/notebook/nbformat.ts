/**
 * The few parts of the Jupyter notebook format (nbformat 4, https://nbformat.readthedocs.io) that the catalog
 * relies on. The check is deliberately shallow: enough to say clearly why a file is not a notebook, without
 * rejecting notebooks that carry fields a newer nbformat minor version added. Unknown fields are kept as they
 * are, so a parsed notebook serialises back without losing anything.
 */

import { MAX_NOTEBOOK_JSON_DEPTH, parseJson } from '../json';

/** One cell of an nbformat 4 notebook; fields beyond these are preserved untouched. */
export interface NotebookCell {
  cell_type: string;
  /** nbformat allows one string or a list of lines (each keeping its `\n`). */
  source: string | string[];
  metadata?: Record<string, unknown>;
  /** Code cells only. */
  outputs?: unknown[];
  /** Code cells only. */
  execution_count?: number | null;
  [key: string]: unknown;
}

/** An nbformat 4 notebook as JSON. */
export interface Notebook {
  cells: NotebookCell[];
  metadata?: Record<string, unknown>;
  nbformat?: number;
  nbformat_minor?: number;
  [key: string]: unknown;
}

/** The outcome of parseNotebook: the notebook, or a reason a person can act on. */
export type ParseNotebookResult = { ok: true; notebook: Notebook } | { ok: false; reason: string };

/** Parses .ipynb bytes (UTF-8 JSON, nbformat 4) and checks the shape the catalog relies on. Never throws. */
export function parseNotebook(bytes: Uint8Array | string): ParseNotebookResult {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, reason: 'The file is not UTF-8 text, so it cannot be a Jupyter notebook.' };
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, reason: 'The file is empty.' };
  const parsed = parseJson(text, MAX_NOTEBOOK_JSON_DEPTH);
  if (!parsed.ok) return { ok: false, reason: parsed.reason.replace(/^The (JSON|text)/, 'The file') };
  const json = parsed.value;
  const reason = shapeProblem(json);
  return reason === undefined ? { ok: true, notebook: json as Notebook } : { ok: false, reason };
}

/** A cell's source as one string, whichever of the two nbformat encodings it uses. */
export function sourceText(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Serialises a notebook the way Jupyter writes it (one-space indent, trailing newline). */
export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

function shapeProblem(json: unknown): string | undefined {
  if (!isRecord(json)) return 'The file is JSON but not a notebook: its top level is not an object.';
  if (json.nbformat !== undefined && json.nbformat !== 4) {
    return `The notebook uses nbformat ${JSON.stringify(json.nbformat)}; only nbformat 4 is supported (open and save it in a current Jupyter to convert it).`;
  }
  if (json.metadata !== undefined && !isRecord(json.metadata)) {
    return 'The notebook is malformed: its "metadata" is not an object.';
  }
  if (!Array.isArray(json.cells)) return 'The file is JSON but not a notebook: it has no "cells" list.';
  for (const [index, cell] of json.cells.entries()) {
    const problem = cellProblem(cell);
    if (problem !== undefined) return `The notebook is malformed: cell ${index + 1} ${problem}.`;
  }
  return undefined;
}

function cellProblem(cell: unknown): string | undefined {
  if (!isRecord(cell)) return 'is not an object';
  if (typeof cell.cell_type !== 'string') return 'has no "cell_type"';
  const source = cell.source;
  const sourceOk =
    typeof source === 'string' || (Array.isArray(source) && source.every((l) => typeof l === 'string'));
  if (!sourceOk) return 'has no "source" text (a string or a list of strings)';
  if (cell.metadata !== undefined && !isRecord(cell.metadata))
    return 'has a "metadata" that is not an object';
  if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) return 'has "outputs" that are not a list';
  return undefined;
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
