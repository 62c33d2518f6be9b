import { IGNORE_MARKER, LINT_RULES, type LintRange, type LintRuleId } from './types';

/** Offsets of the start of every line of `text` (lines end at `\n`; a `\r` before it stays in the line). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The line and column of an offset, given the text's lineStarts. */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - (starts[lo] ?? 0) };
}

/** The range of `[start, end)` offsets in a text with the given lineStarts. */
export function rangeAt(starts: readonly number[], start: number, end: number): LintRange {
  const a = positionAt(starts, start);
  const b = positionAt(starts, end);
  return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
}

/** The offset of a line and column in a text with the given lineStarts. */
export function offsetAt(starts: readonly number[], line: number, column: number): number {
  return (starts[line] ?? starts[starts.length - 1] ?? 0) + column;
}

/**
 * True when the line holds the escape-hatch comment for `rule`: `hubnb-lint-ignore` alone (or followed by a
 * reason) silences every rule on its line; followed by rule ids (`hubnb-lint-ignore secret-token`), only those.
 */
export function lineIgnores(line: string, rule: LintRuleId): boolean {
  const at = line.indexOf(IGNORE_MARKER);
  if (at < 0) return false;
  const after = line.slice(at + IGNORE_MARKER.length);
  const listed = (after.match(/[a-z]+(?:-[a-z]+)+/g) ?? []).filter((word) =>
    (LINT_RULES as readonly string[]).includes(word),
  );
  return listed.length === 0 || listed.includes(rule);
}

/** The text of line `line` of `text`. */
export function lineOf(text: string, starts: readonly number[], line: number): string {
  const start = starts[line] ?? text.length;
  const next = starts[line + 1];
  return text.slice(start, next === undefined ? text.length : next - 1);
}
