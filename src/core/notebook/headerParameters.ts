/**
 * The parameters of a notebook, from both places they are written: the header's Parameters section (a table,
 * a list, or names separated by commas) and papermill's parameters cell (the code cell tagged `parameters`).
 */
import { LIST_ITEM, collapse, hasPipe, isSeparatorRow, splitRow, type BodyLine } from './headerLines';

/** A parameter the header lists: its name, what the header says of it, and where the name is written. */
export interface HeaderParameter {
  name: string;
  /** The table's description column, or the text after the name in a list item; empty when there is none. */
  description: string;
  line: number;
  /** The name's columns in its line, `[start, end)`. */
  start: number;
  end: number;
}

/** How the header lists its parameters, so that a quick fix can add one in the same style. */
export type HeaderParameterLayout =
  /** A markdown table; a new row goes after `lastLine`, with `columns` cells. */
  | { kind: 'table'; lastLine: number; outerPipes: boolean; columns: number }
  /** A list; a new item goes after `lastLine` (the last item and its continuation lines), with `marker`. */
  | { kind: 'list'; lastLine: number; marker: string }
  /** Names separated by commas; a new name goes at the end of `lastLine`. */
  | { kind: 'names'; lastLine: number };

/** A variable that the parameters cell assigns at top level, and where its name is. */
export interface ParameterAssignment {
  name: string;
  line: number;
  start: number;
  end: number;
}

interface Listed {
  parameters: HeaderParameter[];
  layout: HeaderParameterLayout | undefined;
}

/** The parameters that a Parameters section's lines list: its table if it has one, else its list, else names. */
export function readParameters(lines: readonly BodyLine[]): Listed {
  const text = lines.filter((l) => !l.code);
  const table = readTables(text);
  if (table.layout) return table;
  const list = readList(text);
  if (list.parameters.length > 0) return list;
  const names = readNames(text);
  return names.parameters.length > 0 ? names : { parameters: [], layout: undefined };
}

const IDENTIFIER_AT = /^\s*[*`]*([A-Za-z_]\w*)[*`]*[ \t]*(?=$|[:=(,|\u2013\u2014-])/;
const NOT_A_NAME = new Set(['none', 'n/a', 'na']);

/**
 * The parameter name that `text` starts with from `from` on: an identifier, maybe in backticks or bold, then
 * nothing or a separator (`: = ( , -`). Prose such as "This notebook takes none" names nobody.
 */
function nameAt(
  text: string,
  from: number,
): { name: string; start: number; end: number; after: number } | undefined {
  const match = IDENTIFIER_AT.exec(text.slice(from));
  const name = match?.[1];
  if (!match || name === undefined || NOT_A_NAME.has(name.toLowerCase())) return undefined;
  const start = from + match[0].indexOf(name);
  return { name, start, end: start + name.length, after: from + match[0].length };
}

function parameter(line: BodyLine, found: { name: string; start: number; end: number }, description: string) {
  const { name, start, end } = found;
  return { name, description, line: line.line, start: line.column + start, end: line.column + end };
}

const NAME_COLUMN = /^(parameters?|params?|names?|variables?|arguments?|args?)$/i;
const DESCRIPTION_COLUMN = /description|meaning|purpose|what/i;

function readTables(lines: readonly BodyLine[]): Listed {
  const out: Listed = { parameters: [], layout: undefined };
  for (const run of runsOfRows(lines)) {
    const rows = run.map((line) => ({ line, ...splitRow(line.text) }));
    const texts = (row: (typeof rows)[number]) => row.cells.map((c) => c.text.replace(/[*`]/g, '').trim());
    const separator = rows.findIndex((row) => isSeparatorRow(texts(row)));
    // Without a separator row the table was mangled on its way here; a first row naming columns is its header.
    const first = rows[0];
    const header =
      separator > 0
        ? rows[separator - 1]
        : first && NAME_COLUMN.test(texts(first)[0] ?? '')
          ? first
          : undefined;
    const titles = header ? texts(header) : [];
    const nameColumn = Math.max(
      0,
      titles.findIndex((t) => NAME_COLUMN.test(t)),
    );
    const described = titles.findIndex((t, i) => i !== nameColumn && DESCRIPTION_COLUMN.test(t));
    const descriptionColumn = described >= 0 ? described : nameColumn === 0 ? 1 : 0;
    let named = 0;
    for (const row of rows) {
      if (row === header || isSeparatorRow(texts(row))) continue;
      const cell = row.cells[nameColumn];
      const found = cell ? nameAt(cell.text, 0) : undefined;
      if (!cell || !found) continue;
      const at = { ...found, start: cell.start + found.start, end: cell.start + found.end };
      out.parameters.push(parameter(row.line, at, collapse(row.cells[descriptionColumn]?.text ?? '')));
      named++;
    }
    // A stray pipe in a sentence is not a table: only a separator row or a named parameter makes one.
    if (separator < 0 && named === 0) continue;
    const last = run[run.length - 1];
    const columns = Math.max(2, ...rows.map((r) => r.cells.length));
    if (last)
      out.layout = {
        kind: 'table',
        lastLine: last.line,
        outerPipes: (header ?? first)?.outerPipes ?? false,
        columns,
      };
  }
  return out;
}

/** Runs of consecutive lines holding a pipe: each run is one table. */
function runsOfRows(lines: readonly BodyLine[]): BodyLine[][] {
  const runs: BodyLine[][] = [];
  let run: BodyLine[] = [];
  for (const line of lines) {
    const previous = run[run.length - 1];
    if (!hasPipe(line.text) || (previous && previous.line !== line.line - 1)) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (hasPipe(line.text)) run.push(line);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function readList(lines: readonly BodyLine[]): Listed {
  const items = lines.flatMap((line) => {
    const match = LIST_ITEM.exec(line.text);
    return match ? [{ line, match, indent: (match[1] ?? '').length }] : [];
  });
  // Nested items describe the parameter above them (allowed values and the like); only the outer ones name one.
  const indent = Math.min(...items.map((i) => i.indent));
  const parameters: HeaderParameter[] = [];
  let lastItem: (typeof items)[number] | undefined;
  for (const item of items) {
    if (item.indent !== indent) continue;
    lastItem = item;
    const found = nameAt(item.line.text, item.match[0].length);
    if (!found) continue;
    const rest = item.line.text.slice(found.after).replace(/^[\s:=\u2013\u2014-]+/, '');
    parameters.push(parameter(item.line, found, collapse(rest)));
  }
  if (!lastItem || parameters.length === 0) return { parameters, layout: undefined };
  let lastLine = lastItem.line.line;
  for (const line of lines) {
    if (line.line !== lastLine + 1 || line.text.trim() === '') continue;
    if ((/^[ \t]*/.exec(line.text)?.[0].length ?? 0) > indent) lastLine = line.line;
  }
  const marker = `${lastItem.match[1] ?? ''}${lastItem.match[2] ?? '-'} `;
  return { parameters, layout: { kind: 'list', lastLine, marker } };
}

function readNames(lines: readonly BodyLine[]): Listed {
  const parameters: HeaderParameter[] = [];
  for (const line of lines) {
    let from = 0;
    for (const piece of line.text.split(',')) {
      const found = nameAt(line.text, from);
      if (found && found.after <= from + piece.length) {
        const rest = line.text.slice(found.after, from + piece.length).replace(/^[\s:=\u2013\u2014-]+/, '');
        parameters.push(parameter(line, found, collapse(rest)));
      }
      from += piece.length + 1;
    }
  }
  const last = parameters[parameters.length - 1];
  return { parameters, layout: last ? { kind: 'names', lastLine: last.line } : undefined };
}

const ASSIGNMENT = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=)/;

/** The variables a papermill parameters cell assigns at top level, in order, each once (its first assignment). */
export function parametersCellAssignments(source: string): ParameterAssignment[] {
  const out: ParameterAssignment[] = [];
  let state: ScanState = { depth: 0, quote: undefined, continued: false };
  for (const [index, line] of source.split('\n').entries()) {
    // A line inside brackets, a string or after a backslash continues a statement: `x=1` there is no assignment.
    const topLevel = state.depth === 0 && state.quote === undefined && !state.continued;
    const names = topLevel ? ASSIGNMENT.exec(line)?.[1] : undefined;
    for (const match of names?.matchAll(/[A-Za-z_]\w*/g) ?? []) {
      const start = match.index;
      if (!out.some((a) => a.name === match[0]))
        out.push({ name: match[0], line: index, start, end: start + match[0].length });
    }
    state = scanLine(line, state);
  }
  return out;
}

interface ScanState {
  depth: number;
  /** The quote of a string still open at the end of the line: only a triple quote spans lines. */
  quote: string | undefined;
  continued: boolean;
}

/** Python's brackets and strings on one line, enough to tell whether the next line starts a statement. */
function scanLine(line: string, state: ScanState): ScanState {
  let { depth, quote } = state;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (line.startsWith(quote, i)) {
        i += quote.length - 1;
        quote = undefined;
      }
    } else if (ch === '#') break;
    else if (ch === '"' || ch === "'") {
      quote = line.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += quote.length - 1;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
  }
  // An unclosed one-quote string ends with its line (Python calls it an error); a triple quote runs on.
  if (quote !== undefined && quote.length === 1) quote = undefined;
  return { depth, quote, continued: quote === undefined && /\\\r?$/.test(line) };
}
