/**
 * The header rules of the lint: a notebook starts with the team's header (template.ts), which has a title, says
 * what the notebook is for and who it is for, and lists the parameters its papermill parameters cell assigns.
 *
 * The header is cell 0 when it is a markdown cell holding a `# ` title or a section. A notebook without cells
 * gets no finding at all: a finding must sit on a cell, and an empty notebook has none to put it on (the
 * extension's new-notebook command starts from the template anyway). A notebook without a header gets the one
 * header-missing finding, whose fix inserts the whole template, and no other header finding, since each would
 * only repeat it. Every finding is returned raw: the orchestrator (index.ts) applies the user's settings and
 * the `hubnb-lint-ignore` comments.
 */
import { parseHeaderCell } from '../notebook/header';
import { HEADER_SECTION_NAMES } from '../notebook/template';
import {
  headerContext,
  insertAt,
  insertSection,
  lineRange,
  preferredStyle,
  stillPlaceholder,
  templateModels,
  templateSection,
  type HeaderContext,
  type TemplateModel,
} from './headerEdits';
import { lintHeaderParameters } from './headerParameterRules';
import { lineOf, lineStarts } from './text';
import type { LintFinding, LintNotebook, LintRange, NewCell } from './types';

/** What the header rules compare a notebook with. */
export interface HeaderLintOptions {
  /** The header markdown of the operator's template (HeaderTemplate.markdown); the built-in one when absent. */
  template?: string;
}

/** The header rules (header-missing, -title, -purpose, -audience, -parameter-*): every finding, unfiltered. */
export function lintHeader(nb: LintNotebook, options: HeaderLintOptions = {}): LintFinding[] {
  const first = nb.cells[0];
  if (!first) return [];
  const templates = templateModels(options.template);
  const header = first.kind === 'markdown' ? parseHeaderCell(first.source, {}) : undefined;
  if (!header || (header.title === undefined && header.sections.length === 0)) {
    return [missingHeader(nb, first.source, templates[0])];
  }
  const ctx = headerContext(nb, first.source, templates);
  return [
    ...missingTitle(ctx),
    ...textSection(ctx, 'purpose', 'Say what this notebook is for'),
    ...textSection(ctx, 'audience', 'Say who this notebook is for'),
    ...lintHeaderParameters(ctx),
  ];
}

function missingHeader(nb: LintNotebook, source: string, template: TemplateModel): LintFinding {
  const cells: NewCell[] = [{ kind: 'markdown', source: template.markdown }];
  // The template's parameters cell comes with it, unless the notebook has one already.
  if (!nb.cells.some((c) => c.kind === 'code' && c.tags.includes('parameters'))) {
    cells.push({ kind: 'code', source: '', tags: ['parameters'] });
  }
  return {
    rule: 'header-missing',
    severity: 'warning',
    cell: 0,
    where: { kind: 'source' },
    range: lineRange(source, lineStarts(source), 0),
    message: "The notebook has no header: start it with a markdown cell from the team's header template.",
    fixes: [
      { title: "Insert the team's header template", edits: [{ kind: 'insert-cells', index: 0, cells }] },
    ],
  };
}

function missingTitle(ctx: HeaderContext): LintFinding[] {
  if (ctx.header.title) return [];
  const titleLine = ctx.templates.find((t) => t.header.title)?.header.title?.text ?? 'Notebook Name';
  return [
    finding('header-title', lineRange(ctx.source, ctx.starts, 0), 'The header has no `# ` title.', [
      { title: 'Add a title', edits: [insertAt(0, 0, 0, `# ${titleLine}\n\n`)] },
    ]),
  ];
}

/**
 * A section that must say something: missing (the fix adds it with the template's placeholder, so the author
 * sees where to write), empty, or still the template's placeholder (no fix: only the author knows the text).
 */
function textSection(ctx: HeaderContext, key: 'purpose' | 'audience', ask: string): LintFinding[] {
  const rule = key === 'purpose' ? 'header-purpose' : 'header-audience';
  const name = HEADER_SECTION_NAMES[key];
  const found = ctx.header.sections.filter((s) => s.key === key);
  const first = found[0];
  if (!first) {
    const block = templateSection(ctx, key, preferredStyle(ctx.header));
    const line = ctx.header.title?.line ?? 0;
    return [
      finding(rule, lineRange(ctx.source, ctx.starts, line), `The header has no ${name} section.`, [
        { title: `Add the ${name} section`, edits: [insertSection(ctx, key, block)] },
      ]),
    ];
  }
  // A repeated section counts when any of its copies says something of the author's own.
  if (found.some((s) => s.text !== '' && !stillPlaceholder(ctx, s))) return [];
  const placeholder = found.find((s) => stillPlaceholder(ctx, s));
  if (placeholder) {
    const message = `${ask} under ${name}: it still holds the template's text.`;
    return [finding(rule, bodyRange(ctx, placeholder.body, placeholder.headingLine), message, [])];
  }
  const message = `${ask} under ${name}: the section is empty.`;
  return [finding(rule, lineRange(ctx.source, ctx.starts, first.headingLine), message, [])];
}

/** The lines of a section's body that hold text, or its heading line when none does. */
function bodyRange(ctx: HeaderContext, body: { start: number; end: number }, headingLine: number): LintRange {
  let first: number | undefined;
  let last: number | undefined;
  for (let line = body.start; line < body.end; line++) {
    if (lineOf(ctx.source, ctx.starts, line).trim() === '') continue;
    first ??= line;
    last = line;
  }
  if (first === undefined || last === undefined) return lineRange(ctx.source, ctx.starts, headingLine);
  const end = lineRange(ctx.source, ctx.starts, last);
  return { startLine: first, startColumn: 0, endLine: last, endColumn: end.endColumn };
}

function finding(
  rule: 'header-title' | 'header-purpose' | 'header-audience',
  range: LintRange,
  message: string,
  fixes: LintFinding['fixes'],
): LintFinding {
  return { rule, severity: 'warning', cell: 0, where: { kind: 'source' }, range, message, fixes };
}
