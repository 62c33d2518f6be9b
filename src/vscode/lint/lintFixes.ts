import vscode = require('vscode');
import type { LintEdit, LintFix, NewCell } from '../../core/lint/types';
import { CommandIds } from '../commands/commandIds';
import { LINT_SOURCE, type LintedDiagnostic } from './notebookLint';

/** The command a fix with a note runs after its edit: shows the note (e.g. what the operator must add). */
const SHOW_FIX_NOTE = CommandIds.lintShowFixNote;

/** The lint's quick fixes: each finding's fixes, as workspace edits on the cell or the notebook. */
export class LintFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly findingOf: (d: vscode.Diagnostic) => LintedDiagnostic | undefined) {}

  provideCodeActions(
    _document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== LINT_SOURCE) continue;
      const linted = this.findingOf(diagnostic);
      if (!linted) continue;
      for (const fix of linted.finding.fixes) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.edit = workspaceEdit(linted.notebook, fix);
        if (fix.note) action.command = { command: SHOW_FIX_NOTE, title: fix.title, arguments: [fix.note] };
        actions.push(action);
      }
    }
    return actions;
  }
}

/** A core fix as one workspace edit: text edits on cells, cell insertions and output removals on the notebook. */
export function workspaceEdit(notebook: vscode.NotebookDocument, fix: LintFix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  const notebookEdits: vscode.NotebookEdit[] = [];
  const language = notebook.getCells().find((c) => c.kind === vscode.NotebookCellKind.Code)
    ?.document.languageId;
  for (const e of fix.edits) {
    const cell = e.kind === 'insert-cells' ? undefined : notebook.cellAt(e.cell);
    if (e.kind === 'replace' && cell) edit.replace(cell.document.uri, rangeOf(e), e.text);
    else if (e.kind === 'insert-cells') {
      const cells = e.cells.map((c) => cellData(c, language ?? 'python'));
      notebookEdits.push(vscode.NotebookEdit.insertCells(e.index, cells));
    } else if (e.kind === 'clear-output' && cell) notebookEdits.push(withoutOutput(cell, e.output));
  }
  if (notebookEdits.length > 0) edit.set(notebook.uri, notebookEdits);
  return edit;
}

function rangeOf(e: Extract<LintEdit, { kind: 'replace' }>): vscode.Range {
  const r = e.range;
  return new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn);
}

function cellData(cell: NewCell, language: string): vscode.NotebookCellData {
  const markup = cell.kind === 'markdown';
  const data = new vscode.NotebookCellData(
    markup ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code,
    cell.source,
    markup ? 'markdown' : language,
  );
  // The ipynb serializer keeps a cell's Jupyter metadata under `metadata`, tags included.
  if (cell.tags && cell.tags.length > 0) data.metadata = { metadata: { tags: [...cell.tags] } };
  return data;
}

/**
 * The cell again without one of its outputs. No edit removes a single output, so the cell is replaced by a
 * copy of itself (same source, metadata and run summary) holding the other outputs.
 */
function withoutOutput(cell: vscode.NotebookCell, output: number): vscode.NotebookEdit {
  const data = new vscode.NotebookCellData(cell.kind, cell.document.getText(), cell.document.languageId);
  data.metadata = { ...cell.metadata };
  data.outputs = cell.outputs.filter((_, i) => i !== output);
  if (cell.executionSummary) data.executionSummary = cell.executionSummary;
  return vscode.NotebookEdit.replaceCells(new vscode.NotebookRange(cell.index, cell.index + 1), [data]);
}
