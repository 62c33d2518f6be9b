import vscode = require('vscode');
import { messageOf } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { headerTemplateFromNotebook } from '../../core/notebook/template';
import type { HubAccounts } from '../hub/hubAccounts';
import { DisposableStore } from '../app/lifecycle';
import type { Settings } from '../app/settings';
import { LintFixes } from './lintFixes';
import { NotebookLint } from './notebookLint';

/** The lint as the extension shows it: diagnostics on cells, and the quick fixes on them. */
export class LintFeature extends DisposableStore {
  readonly diagnostics: NotebookLint;

  /** The operator's header template of each hub (its markdown), asked once per hub and window. */
  private readonly templates = new Map<string, Promise<string | undefined>>();

  constructor(
    settings: Settings,
    private readonly logger: Logger,
    private readonly hubs?: Pick<HubAccounts, 'hubForAuthority' | 'run'>,
  ) {
    super();
    this.diagnostics = this._register(
      new NotebookLint({
        // The rules (and secretlint's) load with the first notebook linted, not with the extension.
        lint: async (nb, options, signal) =>
          (await import('../../core/lint')).lintNotebook(nb, options, signal),
        options: async (doc) =>
          settings.lintEnabled
            ? { disabled: settings.lintDisabledRules, template: await this.templateOf(doc.uri) }
            : undefined,
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

  /** The header markdown of the hub's own template, for a hub notebook; undefined for the built-in one. */
  private templateOf(uri: vscode.Uri): Promise<string | undefined> {
    const hubs = this.hubs;
    if (!hubs || uri.scheme !== 'hubnb') return Promise.resolve(undefined);
    let known = this.templates.get(uri.authority);
    if (!known) {
      known = (async () => {
        const hubUrl = await hubs.hubForAuthority(uri.authority);
        const answer = await hubs.run(hubUrl, ({ catalog }) => catalog.authoring());
        if (answer.template.source !== 'operator') return undefined;
        const read = headerTemplateFromNotebook(JSON.stringify(answer.template.notebook));
        return read.ok ? read.template.markdown : undefined;
      })().catch((err: unknown) => {
        this.logger.debug(`linting against the built-in template: ${messageOf(err)}`);
        return undefined;
      });
      this.templates.set(uri.authority, known);
    }
    return known;
  }

  /** Shows a fix's note once its edit is applied (the `hubNotebooks.lint.showFixNote` command). */
  showFixNote(note: unknown): void {
    if (typeof note === 'string' && note !== '') void vscode.window.showInformationMessage(note);
  }
}
