// The JSON depth limit: nestingDepth counts only the brackets that nest (never those inside strings, escaped
// quotes included) and stops once past the limit; parseJson and parseNotebook refuse deeper text with a
// sentence, so a hostile notebook or body cannot overflow the stack of whatever walks or re-serialises it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_NOTEBOOK_JSON_DEPTH, nestingDepth, parseJson } from '../../../src/core/json';
import { parseNotebook, serializeNotebook } from '../../../src/core/notebook';

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

/** A notebook whose JSON nests exactly `depth` levels: the notebook, its metadata, then arrays. */
function notebookOfDepth(depth: number): string {
  return `{"nbformat":4,"nbformat_minor":5,"cells":[],"metadata":{"deep":${nested(depth - 2)}}}`;
}

describe('nestingDepth', () => {
  test('counts arrays and objects alike, and flat text as 0', () => {
    assert.equal(nestingDepth('1'), 0);
    assert.equal(nestingDepth('"text"'), 0);
    assert.equal(nestingDepth('[]'), 1);
    assert.equal(nestingDepth('{"a":[{"b":[]}]}'), 4);
    assert.equal(nestingDepth('[[1],[[2]],[3]]'), 3, 'the deepest branch, not the sum');
  });

  test('ignores brackets inside strings', () => {
    assert.equal(nestingDepth('["[[[[", "{{{{", "]]]]"]'), 1);
    assert.equal(nestingDepth('{"[[[": "]]]"}'), 1);
  });

  test('an escaped quote does not end a string; an escaped backslash does not escape the quote', () => {
    assert.equal(nestingDepth(String.raw`["a\"[[[[", 1]`), 1, 'the brackets are still inside the string');
    assert.equal(nestingDepth(String.raw`["a\\", [[1]]]`), 3, 'the string ends after \\\\');
    assert.equal(nestingDepth(String.raw`["\\\"[[", [1]]`), 2);
  });

  test('stops one level past stopAbove instead of scanning on', () => {
    assert.equal(nestingDepth(nested(50), 3), 4);
    assert.equal(nestingDepth(nested(50)), 50);
    assert.equal(nestingDepth(nested(3), 3), 3, 'exactly at the limit is not past it');
  });
});

describe('parseJson', () => {
  test('accepts text nested exactly maxDepth deep', () => {
    assert.deepEqual(parseJson('[[[1]]]', 3), { ok: true, value: [[[1]]] });
    assert.deepEqual(parseJson('{"a":{"b":{}}}', 3), { ok: true, value: { a: { b: {} } } });
  });

  test('refuses one level more with a sentence naming the limit', () => {
    const result = parseJson('[[[[1]]]]', 3);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(result.reason, /^The JSON nests more than 3 levels deep\b.*\.$/);
  });

  test('refuses 10 000 levels before parsing them', () => {
    const result = parseJson(nested(10_000), 100);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /more than 100 levels/);
  });

  test('long strings of brackets are not nesting', () => {
    const text = JSON.stringify({ text: '['.repeat(10_000) });
    assert.deepEqual(parseJson(text, 1), { ok: true, value: { text: '['.repeat(10_000) } });
  });

  test('malformed text gets JSON.parse’s own reason, never a throw', () => {
    const result = parseJson('{"a":', 10);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /^The text is not valid JSON \(.+\)\.$/);
  });
});

describe('parseNotebook with the depth limit', () => {
  test('refuses a 10 000-deep notebook, saying it nests too deep', () => {
    const result = parseNotebook(new TextEncoder().encode(notebookOfDepth(10_000)));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.match(
      result.reason,
      new RegExp(`^The file nests more than ${MAX_NOTEBOOK_JSON_DEPTH} levels deep`),
    );
  });

  test('reads and serialises a notebook at exactly the limit, and refuses one level more', () => {
    assert.equal(MAX_NOTEBOOK_JSON_DEPTH, 100);
    const text = notebookOfDepth(MAX_NOTEBOOK_JSON_DEPTH);
    assert.equal(nestingDepth(text), MAX_NOTEBOOK_JSON_DEPTH);
    const result = parseNotebook(text);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    const written = serializeNotebook(result.notebook);
    assert.deepEqual(JSON.parse(written), JSON.parse(text));
    assert.ok(parseNotebook(written).ok, 'what it writes it reads back');
    assert.equal(parseNotebook(notebookOfDepth(MAX_NOTEBOOK_JSON_DEPTH + 1)).ok, false);
  });

  test('other refusals keep their own reasons', () => {
    const result = parseNotebook('{"cells": [');
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /^The file is not valid JSON/);
  });
});
