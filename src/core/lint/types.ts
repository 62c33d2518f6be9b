/**
 * The notebook lint: the team's header template and its rules of the road (no secrets in notebooks). Pure
 * logic with no vscode import: the extension shows the findings as diagnostics on cells and turns the fixes
 * into workspace edits; the hub service runs the same rules when publishing.
 *
 * Positions are 0-based lines and UTF-16 columns within one cell's source (or one output's text), as VS Code
 * counts them. A finding's message never holds a secret's value: at most its kind and its length.
 */

/** Every rule, by the id its setting and its escape-hatch comment use. */
export const LINT_RULES = [
  'header-missing',
  'header-title',
  'header-purpose',
  'header-audience',
  'header-parameter-unassigned',
  'header-parameter-unlisted',
  'secret-token',
  'secret-assignment',
  'secret-output',
] as const;
export type LintRuleId = (typeof LINT_RULES)[number];

export type LintSeverity = 'error' | 'warning' | 'information';

/** A range inside one cell's source or one output's text. `end` is exclusive. */
export interface LintRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** One text output of a code cell: streams, `text/*` and JSON data, errors (name, value and traceback). */
export interface LintOutput {
  /** The output's index among the cell's outputs. */
  index: number;
  text: string;
}

/** A cell as the lint sees it: the extension builds these from a NotebookDocument, the service from nbformat. */
export interface LintCell {
  kind: 'markdown' | 'code' | 'raw';
  source: string;
  /** The cell's Jupyter tags (`metadata.tags`), `parameters` among them for papermill's parameters cell. */
  tags: readonly string[];
  /** Text outputs only; empty for markdown and raw cells. */
  outputs: readonly LintOutput[];
}

export interface LintNotebook {
  cells: readonly LintCell[];
  /** The kernel's language (`metadata.language_info.name` or the kernelspec's), lower case; default python. */
  language?: string | undefined;
}

/** A change to the notebook that a quick fix makes, in the core's terms; the adapter applies it. */
export type LintEdit =
  /** Replace a range of a cell's source with `text`. */
  | { kind: 'replace'; cell: number; range: LintRange; text: string }
  /** Insert new cells before the cell at `index` (the cell count appends). */
  | { kind: 'insert-cells'; index: number; cells: readonly NewCell[] }
  /** Remove one output of a cell. */
  | { kind: 'clear-output'; cell: number; output: number };

export interface NewCell {
  kind: 'markdown' | 'code';
  source: string;
  tags?: readonly string[];
}

export interface LintFix {
  /** The code action's title, e.g. "Insert the team's header template". */
  title: string;
  edits: readonly LintEdit[];
  /** A sentence to show once the fix is applied (e.g. that the operator must add NAME to Spawner.environment). */
  note?: string;
}

export interface LintFinding {
  rule: LintRuleId;
  severity: LintSeverity;
  /** The cell the finding is on. */
  cell: number;
  /** In the cell's source, or in one of its outputs (by the output's index). */
  where: { kind: 'source' } | { kind: 'output'; output: number };
  range: LintRange;
  /** A sentence for the user; never the secret's value. */
  message: string;
  fixes: readonly LintFix[];
}

export interface LintOptions {
  /** Rules turned off by the user's or the operator's settings. */
  disabled?: ReadonlySet<LintRuleId>;
  /** The header cell's markdown of the operator's template, when the hub has one (its placeholders count too). */
  template?: string | undefined;
}

/**
 * The escape hatch for a known false positive: a line holding `hubnb-lint-ignore` (in any comment syntax)
 * silences every finding on it; `hubnb-lint-ignore secret-token, secret-assignment` only those rules.
 */
export const IGNORE_MARKER = 'hubnb-lint-ignore';
