/**
 * The line-level pieces of the header parser (header.ts): headings, `**Key:** text` lines, list items, code
 * fences and section names. Internal to core/notebook.
 */
import type { HeaderSectionKey } from './template';

/** One line of a section's body: where it is in the cell, and its text from `column` on. */
export interface BodyLine {
  line: number;
  /** Where `text` starts in the cell's line (past the `**Key:**` of an inline section's first line). */
  column: number;
  text: string;
  /** Inside a fenced code block: text to keep out of names, tables and summaries. */
  code: boolean;
}

/** An ATX heading: its level and text, without the optional closing `#`s. */
export const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;

/** A list item: indent, marker (`-`, `*`, `+`, or `1.` / `1)`), and the space after it. */
export const LIST_ITEM = /^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+|$)/;

// `**Purpose:** x`, `**Purpose**: x`, `__Purpose:__ x`, and `- **Purpose:** x`; the key may carry more words.
const BOLD_KEY_LINE = /^\s*(?:[-*+]\s+)?(\*\*|__)\s*([^*_:]+?)\s*(?::\s*\1|\1\s*:)\s*(.*)$/;
const PLAIN_KEY_LINE = /^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$/;

// Longest first, so that "data sources" is tried before "data source".
const SECTION_WORDS: readonly [string, HeaderSectionKey][] = (
  [
    ['purpose', 'purpose'],
    ['audience', 'audience'],
    ['data sources', 'dataSources'],
    ['data source', 'dataSources'],
    ['description', 'description'],
    ['parameters', 'parameters'],
    ['parameter', 'parameters'],
    ['references', 'references'],
    ['reference', 'references'],
  ] as [string, HeaderSectionKey][]
).sort((a, b) => b[0].length - a[0].length);

// What may follow a section's name in a heading such as "Description (How does it work?)" or "Purpose of this
// notebook". A hyphen or a letter may not: "Purpose-built charts" names no section.
const AFTER_NAME = /[\s:([{\u2013\u2014.,;!?/]/;

/**
 * The section a heading or key names. Exact: the name alone (`Purpose`, `Purpose:`), for plain `Key: text`
 * lines, which are ordinary prose too often to read more into. Loose: the name followed by punctuation or more
 * words, for headings and bold keys, which say plainly that they start something.
 */
export function sectionKey(raw: string, loose: boolean): HeaderSectionKey | undefined {
  const name = collapse(raw.replace(/[*_`]/g, ''))
    .toLowerCase()
    .replace(/^\d{1,3}[.)]\s*/, '');
  for (const [word, key] of SECTION_WORDS) {
    if (name === word || name === `${word}:`) return key;
    if (loose && name.startsWith(word) && AFTER_NAME.test(name.charAt(word.length))) return key;
  }
  return undefined;
}

/** A line that starts an inline section (`**Purpose:** text` or `Purpose: text`), and where its text starts. */
export function inlineKeyLine(line: string): { key: HeaderSectionKey; column: number } | undefined {
  const bold = BOLD_KEY_LINE.exec(line);
  if (bold) {
    const key = sectionKey(bold[2] ?? '', true);
    return key ? { key, column: line.length - (bold[3] ?? '').length } : undefined;
  }
  // A plain `- purpose: x` list line is how parameters are listed, so only the bold form counts in a list.
  if (LIST_ITEM.test(line)) return undefined;
  const plain = PLAIN_KEY_LINE.exec(line);
  const key = plain ? sectionKey(plain[1] ?? '', false) : undefined;
  return key ? { key, column: line.length - (plain?.[2] ?? '').length } : undefined;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/** Follows fenced code blocks, whose lines are text even when they look like `# headings`. */
export class FenceTracker {
  private open: string | undefined;

  /** True when the line opens, continues or closes a fenced code block. */
  step(line: string): boolean {
    const open = this.open;
    if (open === undefined) {
      this.open = FENCE.exec(line)?.[1];
      return this.open !== undefined;
    }
    // Only a fence of the same character, at least as long and with nothing after it, closes the block.
    const close = CLOSING_FENCE.exec(line)?.[1];
    if (close !== undefined && close[0] === open[0] && close.length >= open.length) this.open = undefined;
    return true;
  }
}

/** True for a table's separator row (`--- | :---:`), in any dash a wiki or blog may have rendered it with. */
export function isSeparatorRow(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((cell) => SEPARATOR_CELL.test(cell.replace(/\s+/g, '')));
}
const SEPARATOR_CELL = /^:?[-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]+:?$/;

/**
 * The text of a section's lines, whitespace collapsed: list items joined with `; `, other lines with a space.
 * Code blocks and table separator rows are left out, since neither says anything in one line of summary.
 */
export function sectionText(lines: readonly BodyLine[]): string {
  let out = '';
  for (const { text: line, code } of lines) {
    if (code || line.trim() === '' || (line.includes('|') && isSeparatorRow(splitCells(line)))) continue;
    const item = LIST_ITEM.test(line);
    const text = collapse(line.replace(LIST_ITEM, '').replace(/^ {0,3}#{1,6}[ \t]+/, ''));
    if (!text) continue;
    out = out ? `${out}${item ? '; ' : ' '}${text}` : text;
  }
  return out;
}

/** A table row's cells with where each starts in the row, outer pipes dropped; `\|` does not split. */
export function splitRow(text: string): { cells: { text: string; start: number }[]; outerPipes: boolean } {
  const cells: { text: string; start: number }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '|') {
      cells.push({ text: text.slice(start, i), start });
      start = i + 1;
    }
  }
  cells.push({ text: text.slice(start), start });
  const outerPipes = cells.length > 1 && cells[0]?.text.trim() === '';
  if (outerPipes) cells.shift();
  if (cells.length > 1 && cells[cells.length - 1]?.text.trim() === '') cells.pop();
  return { cells, outerPipes };
}

function splitCells(line: string): string[] {
  return splitRow(line).cells.map((c) => c.text);
}

/** True when a line holds a pipe that is not escaped: a table row, or at least a try at one. */
export function hasPipe(line: string): boolean {
  return /(^|[^\\])\|/.test(line);
}

/** Whitespace collapsed to single spaces, trimmed. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
