/**
 * What the header rules share: the header cell as read, the templates it is compared with, and the edits that
 * their quick fixes make (adding a section where the template puts it, adding a line after another).
 */
import {
  headerPlaceholders,
  isPlaceholderText,
  parseHeaderCell,
  type HeaderCell,
  type HeaderSection,
} from '../notebook/header';
import {
  DEFAULT_HEADER_TEMPLATE,
  HEADER_SECTION_KEYS,
  HEADER_SECTION_NAMES,
  type HeaderPlaceholders,
  type HeaderSectionKey,
} from '../notebook/template';
import { lineOf, lineStarts, positionAt } from './text';
import type { LintEdit, LintNotebook, LintRange } from './types';

/** A header template as the rules use it: its markdown, read back, and its placeholders. */
export interface TemplateModel {
  markdown: string;
  lines: readonly string[];
  header: HeaderCell;
  placeholders: HeaderPlaceholders;
}

/** The template's markdown read back for the rules. */
export function templateModel(markdown: string): TemplateModel {
  return {
    markdown,
    lines: markdown.split('\n'),
    header: parseHeaderCell(markdown, {}),
    placeholders: headerPlaceholders(markdown),
  };
}

/** The templates to compare with: the operator's first when there is one, then the built-in template. */
export function templateModels(operatorTemplate: string | undefined): [TemplateModel, ...TemplateModel[]] {
  const builtIn = templateModel(DEFAULT_HEADER_TEMPLATE);
  return operatorTemplate === undefined || operatorTemplate === DEFAULT_HEADER_TEMPLATE
    ? [builtIn]
    : [templateModel(operatorTemplate), builtIn];
}

/** The header cell (always cell 0), read, with what the rules need to place findings and edits. */
export interface HeaderContext {
  nb: LintNotebook;
  source: string;
  starts: readonly number[];
  header: HeaderCell;
  /** The operator's template first, when there is one; the built-in template last. */
  templates: readonly [TemplateModel, ...TemplateModel[]];
}

/** The header context of a notebook whose first cell is the markdown `source`. */
export function headerContext(
  nb: LintNotebook,
  source: string,
  templates: readonly [TemplateModel, ...TemplateModel[]],
): HeaderContext {
  return { nb, source, starts: lineStarts(source), header: parseHeaderCell(source, {}), templates };
}

/**
 * True when a section still says what a template's placeholder says. Every template counts: a notebook made
 * from the built-in template before the operator served their own still holds the built-in placeholders.
 */
export function stillPlaceholder(ctx: HeaderContext, section: HeaderSection): boolean {
  const key = section.key;
  return (
    key !== 'parameters' && ctx.templates.some((t) => isPlaceholderText(section.text, t.placeholders[key]))
  );
}

/** The range of a whole line (without its `\r`). */
export function lineRange(source: string, starts: readonly number[], line: number): LintRange {
  const length = lineOf(source, starts, line).replace(/\r$/, '').length;
  return { startLine: line, startColumn: 0, endLine: line, endColumn: length };
}

/** An edit inserting `text` at a position of a cell. */
export function insertAt(cell: number, line: number, column: number, text: string): LintEdit {
  return {
    kind: 'replace',
    cell,
    range: { startLine: line, startColumn: column, endLine: line, endColumn: column },
    text,
  };
}

/** An edit adding `text` as new lines after line `line` of a cell. */
export function insertAfterLine(source: string, cell: number, line: number, text: string): LintEdit {
  const starts = lineStarts(source);
  return insertAt(cell, line, lineRange(source, starts, line).endColumn, `\n${text}`);
}

/** An edit adding `text` as new lines at the end of a cell, keeping its trailing newline if it has one. */
export function appendLines(source: string, cell: number, text: string): LintEdit {
  const end = positionAt(lineStarts(source), source.length);
  const newline = source.endsWith('\n');
  return insertAt(
    cell,
    end.line,
    end.column,
    `${source === '' || newline ? '' : '\n'}${text}${newline ? '\n' : ''}`,
  );
}

/** The style a new section should take: inline when every section of the header is, else a heading. */
export function preferredStyle(header: HeaderCell): 'heading' | 'inline' {
  const inline = header.sections.length > 0 && header.sections.every((s) => s.style === 'inline');
  return inline ? 'inline' : 'heading';
}

/**
 * A new section as a template writes it: its lines as they are in the first template holding the section in
 * that style, else the section's name and placeholder (`## Purpose` and its text, or `**Purpose:** text`).
 */
export function templateSection(
  ctx: HeaderContext,
  key: HeaderSectionKey,
  style: 'heading' | 'inline',
): string {
  for (const template of ctx.templates) {
    const section = template.header.sections.find((s) => s.key === key && s.style === style);
    if (!section) continue;
    const lines = template.lines.slice(
      section.headingLine,
      Math.max(section.headingLine + 1, section.body.end),
    );
    while (lines.length > 1 && lines[lines.length - 1]?.trim() === '') lines.pop();
    return lines.join('\n');
  }
  const name = HEADER_SECTION_NAMES[key];
  const text =
    key === 'parameters' ? '' : (ctx.templates.find((t) => t.placeholders[key])?.placeholders[key] ?? '');
  if (style === 'inline') return `**${name}:** ${text}`.trimEnd();
  return text ? `## ${name}\n${text}` : `## ${name}`;
}

/**
 * An edit adding a section's lines (`block`) where the template's order puts it: before the first section
 * that the template puts after it, else at the end of the cell, a blank line apart from what is there.
 */
export function insertSection(ctx: HeaderContext, key: HeaderSectionKey, block: string): LintEdit {
  const order = HEADER_SECTION_KEYS.indexOf(key);
  const next = ctx.header.sections.find((s) => HEADER_SECTION_KEYS.indexOf(s.key) > order);
  if (next) return insertAt(0, next.headingLine, 0, `${block}\n\n`);
  const source = ctx.source;
  const end = positionAt(ctx.starts, source.length);
  const gap =
    source.trim() === '' ? '' : source.endsWith('\n\n') ? '' : source.endsWith('\n') ? '\n' : '\n\n';
  return insertAt(0, end.line, end.column, `${gap}${block}${source.endsWith('\n') ? '\n' : ''}`);
}
