/**
 * The notebook lint: the header rules and the secret rules, with the user's settings and the escape-hatch
 * comments applied. The extension runs it on open notebooks and shows the findings as diagnostics; the hub
 * service runs it when publishing.
 */
import { lintHeader } from './headerRules';
import { lintSecrets } from './secretRules';
import { lineIgnores, lineOf, lineStarts } from './text';
import type { LintFinding, LintNotebook, LintOptions } from './types';

export * from './types';
export { lintNotebookFromNbformat } from './fromNbformat';

/** Every finding of every rule that is on, less those a `hubnb-lint-ignore` comment silences. */
export async function lintNotebook(
  nb: LintNotebook,
  options: LintOptions = {},
  signal?: AbortSignal,
): Promise<LintFinding[]> {
  const disabled = options.disabled ?? new Set();
  const secrets = await lintSecrets(nb, signal);
  const header = lintHeader(nb, options.template === undefined ? {} : { template: options.template });
  return [...header, ...secrets].filter((f) => !disabled.has(f.rule) && !ignored(nb, f));
}

/**
 * True when an escape-hatch comment silences the finding: on the finding's own line of a cell's source, or,
 * for a finding in an output, on any line of the cell's source (an output has no comments of its own).
 */
function ignored(nb: LintNotebook, finding: LintFinding): boolean {
  const cell = nb.cells[finding.cell];
  if (!cell) return false;
  const starts = lineStarts(cell.source);
  if (finding.where.kind === 'source') {
    return lineIgnores(lineOf(cell.source, starts, finding.range.startLine), finding.rule);
  }
  return starts.some((_, line) => lineIgnores(lineOf(cell.source, starts, line), finding.rule));
}
