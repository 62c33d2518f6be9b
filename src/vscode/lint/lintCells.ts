import vscode = require('vscode');
import type { LintCell, LintNotebook, LintOutput } from '../../core/lint/types';
import { isRecord } from '../../core/notebook/nbformat';

const decoder = new TextDecoder();
const ERROR_MIME = 'application/vnd.code.notebook.error';
const TEXT_MIMES = /^(text\/|application\/(.+\+)?json$|application\/vnd\.code\.notebook\.std(out|err)$)/;

/** A notebook document as the lint sees it: cells, their Jupyter tags, their text outputs, and the language. */
export function lintNotebookOf(doc: vscode.NotebookDocument): LintNotebook {
  const cells = doc.getCells().map(lintCellOf);
  return { cells, language: languageOf(doc) };
}

function lintCellOf(cell: vscode.NotebookCell): LintCell {
  const kind = cell.kind === vscode.NotebookCellKind.Markup ? 'markdown' : 'code';
  const jupyter = record(record(cell.metadata)['metadata']);
  const tags = Array.isArray(jupyter['tags']) ? jupyter['tags'].filter((t) => typeof t === 'string') : [];
  const outputs: LintOutput[] = [];
  cell.outputs.forEach((output, index) => {
    const text = output.items
      .map(itemText)
      .filter((t) => t !== '')
      .join('\n');
    if (text !== '') outputs.push({ index, text });
  });
  return { kind, source: cell.document.getText(), tags, outputs };
}

function itemText(item: vscode.NotebookCellOutputItem): string {
  if (item.mime === ERROR_MIME) {
    const error = record(safeJson(decoder.decode(item.data)));
    return ['name', 'message', 'stack'].map((k) => (typeof error[k] === 'string' ? error[k] : '')).join('\n');
  }
  return TEXT_MIMES.test(item.mime) ? decoder.decode(item.data) : '';
}

/** The kernel's language from the ipynb metadata VS Code keeps, else the first code cell's language. */
function languageOf(doc: vscode.NotebookDocument): string | undefined {
  const metadata = record(doc.metadata['metadata'] ?? doc.metadata);
  const info = record(metadata['language_info']);
  const spec = record(metadata['kernelspec']);
  const name = info['name'] ?? spec['language'];
  if (typeof name === 'string') return name.toLowerCase();
  return doc.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)?.document.languageId;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
