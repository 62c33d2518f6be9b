/**
 * The header cell of a notebook: what the catalog shows in the quick pick and searches. The one parser of it;
 * a later header template and lint build on this file rather than beside it.
 *
 * The header cell is the notebook's first cell, when it is a markdown cell. The template:
 *
 * ```markdown
 * # Monthly sales report
 *
 * **Purpose:** Sum last month's sales per region.
 * **Audience:** Regional managers.
 * **Data Sources:** warehouse.sales, crm.accounts
 * **Description:** Longer text, until the next blank line.
 *
 * ## Parameters
 * - month: the month to report, `YYYY-MM`
 * - region: one region, or `all`
 *
 * ## References
 * https://wiki.example.org/sales
 * ```
 *
 * - Title: the cell's first `# ` heading.
 * - Sections: Purpose, Audience, Data Sources, Description, Parameters, References, case-insensitive, written
 *   either as a heading (`## Purpose`; the text runs to the next heading) or as a line `**Purpose:** text` or
 *   `Purpose: text` (the text runs to the next blank line, section line or heading). A bold `- **Purpose:** x`
 *   list line counts too; a plain `- purpose: x` list line does not, since that is how parameters are listed.
 * - Values are trimmed with whitespace collapsed; list items inside a section are joined with `; `.
 * - Parameters: the names of the section's list items (`- name: description` or `- name` gives `name`), or a
 *   comma-separated list of names. When the section names none, the variables assigned at top level in the
 *   papermill parameters cell (the code cell tagged `parameters`) are used instead.
 * - Anything missing stays undefined. The parser never throws, whatever the notebook holds.
 */
import type { NotebookHeader } from '../catalog/schemas';
import { isRecord, sourceText, type Notebook, type NotebookCell } from './nbformat';

/** Reads title, sections and parameters from a notebook's header cell (see the template above). */
export function parseNotebookHeader(notebook: Notebook): NotebookHeader {
  try {
    const cells = Array.isArray(notebook.cells) ? notebook.cells : [];
    const first = cells[0];
    const found = first && first.cell_type === 'markdown' ? readHeaderCell(sourceText(first)) : emptyFound();
    const header: NotebookHeader = {};
    if (found.title) header.title = found.title;
    for (const key of TEXT_KEYS) {
      const value = found.sections.get(key);
      const text = value ? sectionText(value) : '';
      if (text) header[key] = text;
    }
    const listed = parametersFromSection(found.sections.get('parameters') ?? []);
    const parameters = listed.length > 0 ? listed : papermillParameters(cells);
    if (parameters.length > 0) header.parameters = parameters;
    return header;
  } catch {
    // Unreachable with a parsed notebook; a header is a nicety that must never break a listing.
    return {};
  }
}

type SectionKey = 'purpose' | 'audience' | 'dataSources' | 'description' | 'parameters' | 'references';
const TEXT_KEYS = ['purpose', 'audience', 'dataSources', 'description', 'references'] as const;

const SECTION_NAMES: Record<string, SectionKey> = {
  purpose: 'purpose',
  audience: 'audience',
  'data sources': 'dataSources',
  'data source': 'dataSources',
  description: 'description',
  parameters: 'parameters',
  references: 'references',
};

interface Found {
  title: string | undefined;
  sections: Map<SectionKey, string[]>;
}

function emptyFound(): Found {
  return { title: undefined, sections: new Map() };
}

const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const LIST_ITEM = /^\s*[-*+]\s+/;
// `**Purpose:** x`, `**Purpose**: x`, `__Purpose:__ x`, `Purpose: x`, and `- **Purpose:** x`.
const BOLD_KEY_LINE = /^\s*(?:[-*+]\s+)?(\*\*|__)\s*([A-Za-z ]+?)\s*(?::\s*\1|\1\s*:)\s*(.*)$/;
const PLAIN_KEY_LINE = /^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$/;

function readHeaderCell(text: string): Found {
  const found = emptyFound();
  // The section being filled, and whether it ends at a blank line (the inline style) or at a heading.
  let current: { lines: string[]; inline: boolean } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading) {
      current = undefined;
      const level = heading[1]?.length ?? 0;
      const name = (heading[2] ?? '').replace(/:$/, '');
      if (level === 1 && found.title === undefined) {
        found.title = collapse(name) || undefined;
        continue;
      }
      const key = sectionKey(name);
      if (key) current = startSection(found, key, false);
      continue;
    }
    const keyLine = inlineKeyLine(line);
    if (keyLine) {
      current = startSection(found, keyLine.key, true);
      if (keyLine.rest.trim()) current.lines.push(keyLine.rest);
      continue;
    }
    if (!current) continue;
    if (line.trim() === '' && current.inline && current.lines.some((l) => l.trim() !== '')) {
      current = undefined;
      continue;
    }
    current.lines.push(line);
  }
  return found;
}

function startSection(found: Found, key: SectionKey, inline: boolean): { lines: string[]; inline: boolean } {
  // A repeated section adds to the first rather than replacing it, so nothing written is lost.
  const lines = found.sections.get(key) ?? [];
  found.sections.set(key, lines);
  return { lines, inline };
}

function inlineKeyLine(line: string): { key: SectionKey; rest: string } | undefined {
  const bold = BOLD_KEY_LINE.exec(line);
  if (bold) {
    const key = sectionKey(bold[2] ?? '');
    return key ? { key, rest: bold[3] ?? '' } : undefined;
  }
  if (LIST_ITEM.test(line)) return undefined;
  const plain = PLAIN_KEY_LINE.exec(line);
  const key = plain ? sectionKey(plain[1] ?? '') : undefined;
  return key ? { key, rest: plain?.[2] ?? '' } : undefined;
}

function sectionKey(name: string): SectionKey | undefined {
  return SECTION_NAMES[collapse(name.replace(/[*_`]/g, '')).toLowerCase()];
}

function sectionText(lines: string[]): string {
  let out = '';
  for (const line of lines) {
    if (line.trim() === '') continue;
    const item = LIST_ITEM.test(line);
    const text = collapse(line.replace(LIST_ITEM, ''));
    if (!text) continue;
    out = out ? `${out}${item ? '; ' : ' '}${text}` : text;
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;
const NOT_A_NAME = new Set(['none', 'n/a', 'na']);

function parametersFromSection(lines: string[]): string[] {
  const items = lines.filter((l) => LIST_ITEM.test(l));
  const pieces = items.length > 0 ? items.map((l) => l.replace(LIST_ITEM, '')) : lines.join(',').split(',');
  const names: string[] = [];
  for (const piece of pieces) {
    // `name: description`, `name - description`, `` `name` (int): description `` all name `name`.
    const head =
      piece
        .replace(/[*`]/g, '')
        .trim()
        .split(/[\s:=(]/, 1)[0] ?? '';
    if (IDENTIFIER.test(head) && !NOT_A_NAME.has(head.toLowerCase()) && !names.includes(head))
      names.push(head);
  }
  return names;
}

const ASSIGNMENT = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=)/;

/** The variables a papermill parameters cell assigns at top level, in order, each once. */
function papermillParameters(cells: NotebookCell[]): string[] {
  const cell = cells.find((c) => c.cell_type === 'code' && hasParametersTag(c));
  if (!cell) return [];
  const names: string[] = [];
  let inString: string | undefined;
  for (const line of sourceText(cell).split(/\r?\n/)) {
    // Lines inside a triple-quoted string are text, not code, even when they look like `x = 1`.
    const wasInString = inString !== undefined;
    for (const quote of line.match(/"""|'''/g) ?? []) {
      if (inString === undefined) inString = quote;
      else if (inString === quote) inString = undefined;
    }
    if (wasInString) continue;
    const match = ASSIGNMENT.exec(line);
    for (const name of match?.[1]?.split(',') ?? []) {
      const trimmed = name.trim();
      if (!names.includes(trimmed)) names.push(trimmed);
    }
  }
  return names;
}

function hasParametersTag(cell: NotebookCell): boolean {
  const metadata = cell.metadata;
  if (!isRecord(metadata)) return false;
  const tags = metadata.tags;
  return Array.isArray(tags) && tags.includes('parameters');
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
