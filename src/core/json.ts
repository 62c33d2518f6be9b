import { messageOf } from './errors';
/**
 * JSON from outside, with a depth limit. V8's `JSON.parse` copes with any nesting, but `JSON.stringify` and
 * every recursive walk over the result (ours, and nbformat's in Python) overflow their stacks on a few
 * thousand levels, so a deeply nested body is refused before it is parsed, with a sentence that says why.
 */

/** How deep a notebook's JSON may nest. Real notebooks stay under 20; widget state and JSON outputs under 50. */
export const MAX_NOTEBOOK_JSON_DEPTH = 100;

/** The outcome of parseJson: the value, or a reason a person can act on. */
export type ParseJsonResult = { ok: true; value: unknown } | { ok: false; reason: string };

/** Parses JSON text after checking that its arrays and objects nest at most `maxDepth` levels. Never throws. */
export function parseJson(text: string, maxDepth: number): ParseJsonResult {
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth) {
    return {
      ok: false,
      reason: `The JSON nests more than ${maxDepth} levels deep, more than the service reads.`,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const detail = messageOf(err);
    return { ok: false, reason: `The text is not valid JSON (${detail}).` };
  }
}

/**
 * The deepest nesting of `[` and `{` in JSON text, outside strings, scanning no further than one level past
 * `stopAbove`. Malformed text gets some number; `JSON.parse` then says what is wrong with it.
 */
export function nestingDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
