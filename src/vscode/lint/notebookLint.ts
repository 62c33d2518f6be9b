import vscode = require('vscode');
import { messageOf } from '../../core/errors';
import type { LintFinding, LintOptions } from '../../core/lint/types';
import type { Logger } from '../../core/logger';
import { DisposableStore } from '../app/lifecycle';
import { lintNotebookOf } from './lintCells';

/** The `source` of every diagnostic the lint makes, so code actions and tests can tell ours apart. */
export const LINT_SOURCE = 'Hub Notebooks';

type RunLint = (
  nb: ReturnType<typeof lintNotebookOf>,
  options: LintOptions,
  signal: AbortSignal,
) => Promise<LintFinding[]>;

export interface NotebookLintDeps {
  /** The core's lintNotebook, loaded when the first notebook is linted. */
  lint: RunLint;
  /** The rules the user turned off and the hub's template, for a notebook; `undefined` turns the lint off. */
  options: (doc: vscode.NotebookDocument) => Promise<LintOptions | undefined>;
  /** Fires when the lint's settings change. */
  onDidChangeOptions: vscode.Event<void>;
  logger: Logger;
  /** How long edits are gathered before a notebook is linted again. */
  debounceMs?: number;
}

/** What one diagnostic stands for, so a code action can find its finding's fixes. */
export interface LintedDiagnostic {
  notebook: vscode.NotebookDocument;
  finding: LintFinding;
}

/**
 * Shows the lint's findings as diagnostics on the cells of the user's hub notebooks (and untitled ones),
 * updated as they type, debounced, and cleared when a cell or the notebook goes away.
 */
export class NotebookLint extends DisposableStore {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('hub-notebooks'));
  private readonly timers = new Map<vscode.NotebookDocument, ReturnType<typeof setTimeout>>();
  private readonly running = new Map<vscode.NotebookDocument, AbortController>();
  /** The cell URIs that carry diagnostics, per notebook, so cells that went away are cleared. */
  private readonly shown = new Map<vscode.NotebookDocument, vscode.Uri[]>();
  private readonly byDiagnostic = new WeakMap<vscode.Diagnostic, LintedDiagnostic>();
  private readonly linted = this._register(new vscode.EventEmitter<vscode.NotebookDocument>());
  /** Fires after a notebook's diagnostics were replaced (tests wait on it). */
  readonly onDidLint = this.linted.event;

  constructor(private readonly deps: NotebookLintDeps) {
    super();
    const ws = vscode.workspace;
    this._register(ws.onDidOpenNotebookDocument((doc) => this.schedule(doc, 0)));
    this._register(ws.onDidChangeNotebookDocument((e) => this.schedule(e.notebook)));
    this._register(ws.onDidSaveNotebookDocument((doc) => this.schedule(doc, 0)));
    this._register(ws.onDidCloseNotebookDocument((doc) => this.clear(doc)));
    this._register(
      ws.onDidChangeTextDocument((e) => {
        if (e.document.uri.scheme !== 'vscode-notebook-cell') return;
        const doc = ws.notebookDocuments.find((n) => n.getCells().some((c) => c.document === e.document));
        if (doc) this.schedule(doc);
      }),
    );
    this._register(deps.onDidChangeOptions(() => this.lintAll()));
    this._register({ dispose: () => this.stopAll() });
    this.lintAll();
  }

  /** The finding behind one of our diagnostics, for the code actions. */
  findingOf(diagnostic: vscode.Diagnostic): LintedDiagnostic | undefined {
    return this.byDiagnostic.get(diagnostic);
  }

  /** Lints a notebook now (after a quick fix, or from a test) and resolves once its diagnostics are shown. */
  async lintNow(doc: vscode.NotebookDocument): Promise<void> {
    clearTimeout(this.timers.get(doc));
    this.timers.delete(doc);
    await this.run(doc);
  }

  private lintAll(): void {
    for (const doc of vscode.workspace.notebookDocuments) this.schedule(doc, 0);
  }

  private schedule(doc: vscode.NotebookDocument, delay = this.deps.debounceMs ?? 300): void {
    if (!linted(doc)) return;
    clearTimeout(this.timers.get(doc));
    this.timers.set(
      doc,
      setTimeout(() => {
        this.timers.delete(doc);
        void this.run(doc);
      }, delay),
    );
  }

  private async run(doc: vscode.NotebookDocument): Promise<void> {
    this.running.get(doc)?.abort();
    const controller = new AbortController();
    this.running.set(doc, controller);
    try {
      const options = await this.deps.options(doc);
      if (controller.signal.aborted) return;
      if (!options || doc.isClosed) {
        this.clear(doc);
        return;
      }
      const findings = await this.deps.lint(lintNotebookOf(doc), options, controller.signal);
      if (controller.signal.aborted || doc.isClosed) return;
      this.show(doc, findings);
    } catch (err) {
      if (!controller.signal.aborted) this.deps.logger.warn(`could not lint a notebook: ${messageOf(err)}`);
    } finally {
      if (this.running.get(doc) === controller) this.running.delete(doc);
    }
  }

  private show(doc: vscode.NotebookDocument, findings: readonly LintFinding[]): void {
    const cells = doc.getCells();
    const byCell = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const finding of findings) {
      const cell = cells[finding.cell];
      if (!cell) continue;
      const key = cell.document.uri.toString();
      const entry = byCell.get(key) ?? { uri: cell.document.uri, diagnostics: [] };
      byCell.set(key, entry);
      const diagnostic = toDiagnostic(finding);
      this.byDiagnostic.set(diagnostic, { notebook: doc, finding });
      entry.diagnostics.push(diagnostic);
    }
    for (const uri of this.shown.get(doc) ?? []) {
      if (!byCell.has(uri.toString())) this.collection.delete(uri);
    }
    for (const { uri, diagnostics } of byCell.values()) this.collection.set(uri, diagnostics);
    this.shown.set(
      doc,
      [...byCell.values()].map((e) => e.uri),
    );
    this.linted.fire(doc);
  }

  private clear(doc: vscode.NotebookDocument): void {
    clearTimeout(this.timers.get(doc));
    this.timers.delete(doc);
    this.running.get(doc)?.abort();
    for (const uri of this.shown.get(doc) ?? []) this.collection.delete(uri);
    this.shown.delete(doc);
  }

  private stopAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const controller of this.running.values()) controller.abort();
    this.timers.clear();
    this.running.clear();
  }
}

/** The user's own hub notebooks and untitled ones: teammates' and supported notebooks are read-only here. */
function linted(doc: vscode.NotebookDocument): boolean {
  if (doc.notebookType !== 'jupyter-notebook') return false;
  if (doc.uri.scheme === 'untitled') return true;
  return doc.uri.scheme === 'hubnb' && doc.uri.path.startsWith('/me/') && doc.uri.query === '';
}

const SEVERITY: Record<LintFinding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/** A finding as a diagnostic on its cell; one in an output sits on the cell's first line. */
function toDiagnostic(finding: LintFinding): vscode.Diagnostic {
  const r = finding.range;
  const range =
    finding.where.kind === 'source'
      ? new vscode.Range(r.startLine, r.startColumn, r.endLine, r.endColumn)
      : new vscode.Range(0, 0, 0, 0);
  const diagnostic = new vscode.Diagnostic(range, finding.message, SEVERITY[finding.severity]);
  diagnostic.source = LINT_SOURCE;
  diagnostic.code = finding.rule;
  return diagnostic;
}
