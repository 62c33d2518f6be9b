import vscode = require('vscode');
import type { Logger } from '../../core/logger';
import { DisposableStore } from '../app/lifecycle';
import type { Settings } from '../app/settings';
import { LintFixes } from './lintFixes';
import { NotebookLint } from './notebookLint';

/** The lint as the extension shows it: diagnostics on cells, and the quick fixes on them. */
export class LintFeature extends DisposableStore {
  readonly diagnostics: NotebookLint;

  constructor(settings: Settings, logger: Logger) {
    super();
    this.diagnostics = this._register(
      new NotebookLint({
        // The rules (and secretlint's) load with the first notebook linted, not with the extension.
        lint: async (nb, options, signal) =>
          (await import('../../core/lint')).lintNotebook(nb, options, signal),
        options: () => (settings.lintEnabled ? { disabled: settings.lintDisabledRules } : undefined),
        onDidChangeOptions: settings.onDidChange,
        logger,
      }),
    );
    const fixes = new LintFixes((d) => this.diagnostics.findingOf(d));
    this._register(
      vscode.languages.registerCodeActionsProvider({ scheme: 'vscode-notebook-cell' }, fixes, {
        providedCodeActionKinds: LintFixes.kinds,
      }),
    );
  }

  /** Shows a fix's note once its edit is applied (the `hubNotebooks.lint.showFixNote` command). */
  showFixNote(note: unknown): void {
    if (typeof note === 'string' && note !== '') void vscode.window.showInformationMessage(note);
  }
}
