/**
 * The header cell of a notebook: what the catalog shows in the quick pick and searches, and what the lint's
 * header rules check. The one parser of it.
 *
 * The header cell is the notebook's first cell, when it is a markdown cell. It is written like the team's
 * template (template.ts), or in the older inline style:
 *
 * ```markdown
 * # Monthly sales report
 *
 * **Purpose:** Sum last month's sales per region.
 * **Audience:** Regional managers.
 * **Parameters:** month, region
 * ```
 *
 * - Title: the cell's first `# ` heading, unless that heading is just a section's name (`# Purpose`).
 * - Sections: Purpose, Audience, Data Sources, Description, Parameters, References, case-insensitive, written
 *   either as a heading or as a line `**Purpose:** text` or `Purpose: text`. A heading's text runs to the next
 *   heading of its level or above; an inline section's to the next blank line, section line or heading. A
 *   heading or bold key may say more after the name (`## Description (How does it work?)`, `## Purpose of
 *   this notebook`); a plain `Purpose: text` line must be the name alone, and a plain `- purpose: x` list line
 *   does not count, since that is how parameters are listed.
 * - Values are trimmed with whitespace collapsed; list items inside a section are joined with `; `. Fenced code
 *   blocks are never read as headings or names, and are left out of the text.
 * - Parameters: the first column of the section's table (not its header or separator row, whichever dash the
 *   separator is drawn with), else the names of its list items (`- name: description`), else names separated
 *   by commas. When the section names none, parseNotebookHeader uses the variables assigned at top level in
 *   the papermill parameters cell (the code cell tagged `parameters`) instead.
 * - Anything missing stays undefined. The parser never throws, whatever the notebook holds.
 */
import type { NotebookHeader } from '../catalog/schemas';
import {
  FenceTracker,
  HEADING,
  collapse,
  inlineKeyLine,
  sectionKey,
  sectionText,
  type BodyLine,
} from './headerLines';
import {
  parametersCellAssignments,
  readParameters,
  type HeaderParameter,
  type HeaderParameterLayout,
} from './headerParameters';
import { isRecord, sourceText, type Notebook, type NotebookCell } from './nbformat';
import { DEFAULT_HEADER_PLACEHOLDERS, type HeaderPlaceholders, type HeaderSectionKey } from './template';

export type { HeaderParameter, HeaderParameterLayout, ParameterAssignment } from './headerParameters';
export { parametersCellAssignments } from './headerParameters';

/** The header's title: the text of its `# ` heading and that heading's line. */
export interface HeaderTitle {
  text: string;
  line: number;
}

/** One section of the header, where it is written, and what it says. Lines are 0-based; `end` is exclusive. */
export interface HeaderSection {
  key: HeaderSectionKey;
  /** `heading` for `## Purpose` and its lines, `inline` for a `**Purpose:** text` line and those after it. */
  style: 'heading' | 'inline';
  /** The line of the heading, or of the `**Purpose:**` line. */
  headingLine: number;
  /** The lines the text comes from: after the heading, or from the `**Purpose:**` line on. */
  body: { start: number; end: number };
  /** For the inline style, the column where the text starts on the `**Purpose:**` line. */
  inlineColumn?: number;
  /** The section's text, as parseNotebookHeader gives it; empty when the section says nothing. */
  text: string;
  /** True when the text is still the template's placeholder (see HeaderPlaceholders). */
  placeholder: boolean;
}

/** Everything the header cell says, and where, for the lint and its quick fixes. */
export interface HeaderCell {
  title: HeaderTitle | undefined;
  /** Every section in the order written; a repeated section appears once per time it is written. */
  sections: HeaderSection[];
  /** The parameters the Parameters sections list, in order, each name once. */
  parameters: HeaderParameter[];
  /** How they are listed; undefined when no Parameters section names one. */
  parameterLayout: HeaderParameterLayout | undefined;
}

/** Reads a header cell's markdown: title, sections, parameters, and where each is written. Never throws. */
export function parseHeaderCell(
  source: string,
  placeholders: HeaderPlaceholders = DEFAULT_HEADER_PLACEHOLDERS,
): HeaderCell {
  try {
    const lines = source.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    const { title, drafts } = walk(lines);
    const sections = drafts.map((draft) => finish(draft, placeholders));
    const listed = readParameters(drafts.filter((d) => d.key === 'parameters').flatMap((d) => d.lines));
    const parameters = listed.parameters.filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i);
    return { title, sections, parameters, parameterLayout: listed.layout };
  } catch {
    // Unreachable for a string; a header is a nicety that must never break a listing or a lint run.
    return { title: undefined, sections: [], parameters: [], parameterLayout: undefined };
  }
}

/** The placeholders of a header template's markdown: its title and each section's text (see template.ts). */
export function headerPlaceholders(template: string): HeaderPlaceholders {
  const cell = parseHeaderCell(template, {});
  const out: Partial<Record<keyof HeaderPlaceholders, string>> = {};
  if (cell.title) out.title = cell.title.text;
  for (const section of cell.sections) {
    if (section.key !== 'parameters' && section.text && out[section.key] === undefined)
      out[section.key] = section.text;
  }
  return out;
}

/**
 * True when a section's text is the placeholder: compared without case, emphasis or code marks, whitespace
 * collapsed, so that `**Who is this notebook developed for?**` is still the template's question.
 */
export function isPlaceholderText(text: string, placeholder: string | undefined): boolean {
  const plain = (t: string) => collapse(t.replace(/[*_`]/g, '')).toLowerCase();
  return text !== '' && placeholder !== undefined && plain(text) === plain(placeholder);
}

/** Reads title, sections and parameters from a notebook's header cell (see the module's comment). */
export function parseNotebookHeader(notebook: Notebook): NotebookHeader {
  try {
    const cells = Array.isArray(notebook.cells) ? notebook.cells : [];
    const first = cells[0];
    const cell = first && first.cell_type === 'markdown' ? parseHeaderCell(sourceText(first), {}) : undefined;
    const header: NotebookHeader = {};
    if (cell?.title) header.title = cell.title.text;
    for (const key of TEXT_KEYS) {
      // A repeated section adds to the first rather than replacing it, so nothing written is lost.
      const text = (cell?.sections ?? [])
        .filter((s) => s.key === key && s.text)
        .map((s) => s.text)
        .join(' ');
      if (text) header[key] = text;
    }
    const listed = cell?.parameters.map((p) => p.name) ?? [];
    const parameters = listed.length > 0 ? listed : papermillParameters(cells);
    if (parameters.length > 0) header.parameters = parameters;
    return header;
  } catch {
    // Unreachable with a parsed notebook; a header is a nicety that must never break a listing.
    return {};
  }
}

const TEXT_KEYS = ['purpose', 'audience', 'dataSources', 'description', 'references'] as const;

/** A section being read: its lines so far, and its heading's level (0 for the inline style). */
interface Draft {
  key: HeaderSectionKey;
  style: 'heading' | 'inline';
  headingLine: number;
  level: number;
  inlineColumn: number | undefined;
  lines: BodyLine[];
}

function walk(lines: readonly string[]): { title: HeaderTitle | undefined; drafts: Draft[] } {
  const drafts: Draft[] = [];
  let title: HeaderTitle | undefined;
  let current: Draft | undefined;
  const fences = new FenceTracker();
  const start = (key: HeaderSectionKey, headingLine: number, level: number, inlineColumn?: number): Draft => {
    const draft: Draft = {
      key,
      style: level > 0 ? 'heading' : 'inline',
      headingLine,
      level,
      inlineColumn,
      lines: [],
    };
    drafts.push(draft);
    return draft;
  };
  for (const [index, written] of lines.entries()) {
    // An HTML comment (a `hubnb-lint-ignore` among them) is invisible once rendered, so it is read as spaces.
    const line = written.replace(/<!--.*?-->/g, (comment) => ' '.repeat(comment.length));
    const body: BodyLine = { line: index, column: 0, text: line, code: fences.step(written) };
    const heading = body.code ? undefined : HEADING.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 0;
      const name = heading[2] ?? '';
      if (level === 1 && title === undefined && !sectionKey(name, false)) {
        const text = collapse(name);
        if (text) title = { text, line: index };
        current = undefined;
        continue;
      }
      const key = sectionKey(name, true);
      if (key) current = start(key, index, level);
      // A deeper heading inside a section, such as a step of the Description, belongs to it.
      else if (current?.style === 'heading' && level > current.level) current.lines.push(body);
      else current = undefined;
      continue;
    }
    const keyLine = body.code ? undefined : inlineKeyLine(line);
    if (keyLine) {
      const column = keyLine.column;
      current = start(keyLine.key, index, 0, column);
      if (line.slice(column).trim()) current.lines.push({ ...body, column, text: line.slice(column) });
      continue;
    }
    if (!current) continue;
    // A blank line ends an inline section's paragraph, once the section has said something.
    const blank = !body.code && line.trim() === '';
    if (blank && current.style === 'inline' && current.lines.some((l) => l.text.trim() !== ''))
      current = undefined;
    else current.lines.push(body);
  }
  return { title, drafts };
}

function finish(draft: Draft, placeholders: HeaderPlaceholders): HeaderSection {
  const start = draft.style === 'heading' ? draft.headingLine + 1 : draft.headingLine;
  const last = draft.lines[draft.lines.length - 1];
  const text = sectionText(draft.lines);
  const expected = draft.key === 'parameters' ? undefined : placeholders[draft.key];
  const section: HeaderSection = {
    key: draft.key,
    style: draft.style,
    headingLine: draft.headingLine,
    body: { start, end: last ? last.line + 1 : start },
    text,
    placeholder: isPlaceholderText(text, expected),
  };
  if (draft.inlineColumn !== undefined) section.inlineColumn = draft.inlineColumn;
  return section;
}

/** The variables the papermill parameters cell assigns at top level, in order, each once. */
function papermillParameters(cells: NotebookCell[]): string[] {
  const cell = cells.find((c) => c.cell_type === 'code' && hasParametersTag(c));
  return cell ? parametersCellAssignments(sourceText(cell)).map((a) => a.name) : [];
}

function hasParametersTag(cell: NotebookCell): boolean {
  const metadata = cell.metadata;
  if (!isRecord(metadata)) return false;
  const tags = metadata.tags;
  return Array.isArray(tags) && tags.includes('parameters');
}
