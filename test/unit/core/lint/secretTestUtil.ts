// What the secret lint's tests share: one-cell notebooks, applying a fix's edits to a source, and the check
// that a message gives away nothing of a secret.
import assert from 'node:assert/strict';
import { lineStarts, offsetAt } from '../../../../src/core/lint/text';
import type { LintCell, LintEdit, LintFinding, LintNotebook } from '../../../../src/core/lint/types';

/** A notebook of the given cells (code by default), in `language`. */
export function notebook(cells: readonly Partial<LintCell>[], language = 'python'): LintNotebook {
  return {
    language,
    cells: cells.map((c) => ({ kind: 'code', source: '', tags: [], outputs: [], ...c })),
  };
}

/** The source of `cell` after its replace edits, applied from the last to the first as ranges of the old text. */
export function applyEdits(source: string, edits: readonly LintEdit[], cell = 0): string {
  const starts = lineStarts(source);
  const spans = edits
    .filter((e): e is Extract<LintEdit, { kind: 'replace' }> => e.kind === 'replace' && e.cell === cell)
    .map((e) => ({
      start: offsetAt(starts, e.range.startLine, e.range.startColumn),
      end: offsetAt(starts, e.range.endLine, e.range.endColumn),
      text: e.text,
    }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = source;
  for (const span of spans) out = out.slice(0, span.start) + span.text + out.slice(span.end);
  return out;
}

/** The text a finding's range covers, in `text` (a source or an output's text). */
export function covered(text: string, finding: LintFinding): string {
  const starts = lineStarts(text);
  const r = finding.range;
  return text.slice(offsetAt(starts, r.startLine, r.startColumn), offsetAt(starts, r.endLine, r.endColumn));
}

/** Fails when the message holds the secret, or any 8 characters of it in a row. */
export function assertNoValue(message: string, secret: string): void {
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    // Runs of one letter case, such as "BEGIN PRIVATE" or "service", are structure, not the secret.
    if (/^[a-z _-]+$|^[A-Z _-]+$/.test(piece)) continue;
    assert.ok(!message.includes(piece), `the message "${message}" holds part of the secret`);
  }
}
