/**
 * Hides the values of the team's secret environment variables in what cells show. The hub service names the
 * secret variables, the extension reads their values from the kernel (kernelEnvironment.ts), and the output
 * model (cellOutputs.ts) passes every text through a Redactor before VS Code gets it, and so before any save.
 * The values live only in this object's memory: nothing here logs or stores them.
 *
 * Matching is by exact substring, with `indexOf` (no regular expressions, so a value's metacharacters mean
 * nothing). Every occurrence of a value or of one of its printed forms (redactForms.ts) is found, overlapping
 * ones too, and each run of overlapping occurrences becomes one REDACTED: two values that overlap in the text
 * are hidden whole, not one of them and the other's remainder.
 */
import { printedForms } from './redactForms';

/** What stands in the output for a secret value. */
export const REDACTED = '[REDACTED]';

/**
 * Values shorter than this many characters are not redacted. A 1–3 character value (`1`, `on`, `dev`) is no
 * secret that anyone could leak, while replacing it everywhere would mangle ordinary output: every `1` of a
 * cell's numbers, every `on` of its words. The caller can log which variables were skipped (their names).
 */
export const MIN_SECRET_LENGTH = 4;

/** A range [start, end) of a text or of bytes. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Replaces secret values and their printed forms by REDACTED: in strings, and in UTF-8 bytes for streams. */
export class Redactor {
  /** Redacts nothing: the output model's redactor until the kernel's values are known. */
  static readonly none = new Redactor([]);

  private readonly texts: readonly string[];
  private readonly patterns: readonly Buffer[];
  /** UTF-8 bytes of the longest pattern: how far back text still unsure of must be looked at again. */
  readonly longestBytes: number;

  /**
   * @param values the secret values; empty ones and those shorter than MIN_SECRET_LENGTH are ignored.
   * @param skipped names of variables left out, for the caller's log (see fromEnvironment).
   */
  constructor(
    values: Iterable<string>,
    readonly skipped: readonly string[] = [],
  ) {
    const texts = new Set<string>();
    for (const value of values) {
      if (isRedactable(value)) for (const form of printedForms(value)) texts.add(form);
    }
    this.texts = [...texts];
    this.patterns = this.texts.map((text) => Buffer.from(text, 'utf8'));
    this.longestBytes = Math.max(0, ...this.patterns.map((pattern) => pattern.byteLength));
  }

  /**
   * The redactor of the values readKernelEnvironment returned, by variable name. `skipped` then names the
   * variables that are unset, empty or too short in that kernel.
   */
  static fromEnvironment(environment: ReadonlyMap<string, string>): Redactor {
    const skipped = [...environment].filter(([, value]) => !isRedactable(value)).map(([name]) => name);
    return new Redactor(environment.values(), skipped);
  }

  /** Whether there is anything to redact; when not, every method returns its input unchanged. */
  get active(): boolean {
    return this.texts.length > 0;
  }

  /** `text` with every occurrence replaced; the same string when there is none. */
  redact(text: string): string {
    if (!this.active) return text;
    const spans = mergeSpans(this.texts, (i, from) => text.indexOf(this.texts[i] ?? '', from), text.length);
    if (spans.length === 0) return text;
    let result = '';
    let at = 0;
    for (const span of spans) {
      result += text.slice(at, span.start) + REDACTED;
      at = span.end;
    }
    return result + text.slice(at);
  }

  /** UTF-8 bytes with every occurrence replaced; the same array when there is none. */
  redactBytes(bytes: Uint8Array): Uint8Array {
    const spans = this.spans(bytes);
    return spans.length === 0 ? bytes : replaceSpans(bytes, spans);
  }

  /** The occurrences in UTF-8 `bytes`, merged where they overlap, in order. */
  spans(bytes: Uint8Array): Span[] {
    if (!this.active) return [];
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return mergeSpans(this.patterns, (i, from) => view.indexOf(this.patterns[i] ?? EMPTY, from), view.length);
  }

  /**
   * The length of the longest end of `bytes` that is the start of a pattern (a value not printed whole yet),
   * counting only ends of at least `minBytes` bytes; 0 when there is none.
   */
  partialEnd(bytes: Uint8Array, minBytes: number): number {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const last = view[view.length - 1];
    let longest = 0;
    for (const pattern of this.patterns) {
      for (let length = Math.min(pattern.length - 1, view.length); length > longest; length -= 1) {
        if (length < minBytes) break;
        // Most candidates fail on their last byte: check it before comparing the whole end.
        if (pattern[length - 1] !== last) continue;
        if (view.subarray(view.length - length).equals(pattern.subarray(0, length))) longest = length;
      }
    }
    return longest;
  }
}

/** Whether a value is redacted at all: see MIN_SECRET_LENGTH (counted in characters, not UTF-16 units). */
export function isRedactable(value: string): boolean {
  return [...value].length >= MIN_SECRET_LENGTH;
}

/** `bytes` with each span replaced by REDACTED; the spans must be in order and not overlap. */
export function replaceSpans(bytes: Uint8Array, spans: readonly Span[]): Uint8Array {
  const removed = spans.reduce((sum, span) => sum + span.end - span.start, 0);
  const result = new Uint8Array(bytes.byteLength - removed + spans.length * REDACTED_BYTES.byteLength);
  let from = 0;
  let to = 0;
  for (const span of spans) {
    result.set(bytes.subarray(from, span.start), to);
    to += span.start - from;
    result.set(REDACTED_BYTES, to);
    to += REDACTED_BYTES.byteLength;
    from = span.end;
  }
  result.set(bytes.subarray(from), to);
  return result;
}

const REDACTED_BYTES = Buffer.from(REDACTED, 'utf8');
const EMPTY = Buffer.alloc(0);

/**
 * Every occurrence of every pattern, overlapping ones included, merged into disjoint spans in order. Each
 * pattern's occurrences come in order, so they merge as they are found: a text that is one long repetition
 * of a value (`aaaa` in a megabyte of `a`) gives one span, not one per position. Occurrences that only touch
 * stay apart, as they are two values side by side.
 */
function mergeSpans(
  patterns: readonly { readonly length: number }[],
  find: (pattern: number, from: number) => number,
  length: number,
): Span[] {
  const found: Span[] = [];
  patterns.forEach((pattern, i) => {
    let current: { start: number; end: number } | undefined;
    for (let at = find(i, 0); at !== -1 && at + pattern.length <= length; at = find(i, at + 1)) {
      if (current && at < current.end) current.end = Math.max(current.end, at + pattern.length);
      else {
        if (current) found.push(current);
        current = { start: at, end: at + pattern.length };
      }
    }
    if (current) found.push(current);
  });
  found.sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const span of found) {
    const last = merged[merged.length - 1];
    if (last && span.start < last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}
