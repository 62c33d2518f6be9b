// The redactor: every occurrence of a secret value, and of the forms Python prints it in, becomes [REDACTED];
// short values are ignored, metacharacters mean nothing, overlapping values are hidden whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_SECRET_LENGTH, REDACTED, Redactor } from '../../../../src/core/kernels/redact';
import { printedForms, pythonReprBody } from '../../../../src/core/kernels/redactForms';

const KEY = 'fake-team-key-for-tests';

test('every occurrence of a value is replaced, and text without one comes back as the same string', () => {
  const r = new Redactor([KEY]);
  assert.equal(r.redact(`key=${KEY}, again ${KEY}.`), `key=${REDACTED}, again ${REDACTED}.`);
  const plain = 'nothing secret here';
  assert.equal(r.redact(plain), plain);
  assert.equal(r.active, true);
});

test('no values, empty values and values under the minimum length redact nothing', () => {
  assert.equal(MIN_SECRET_LENGTH, 4);
  for (const r of [Redactor.none, new Redactor([]), new Redactor(['', 'a', 'on', 'dev'])]) {
    assert.equal(r.active, false);
    assert.equal(r.redact('a dev turned it on'), 'a dev turned it on');
    const bytes = new TextEncoder().encode('on');
    assert.equal(r.redactBytes(bytes), bytes);
  }
  // Four characters are enough, counted as characters: two emoji are 4 UTF-16 units but only 2 characters.
  assert.equal(new Redactor(['abcd']).redact('xabcdx'), `x${REDACTED}x`);
  assert.equal(new Redactor(['😀😀']).active, false);
});

test('fromEnvironment names the variables it skipped, never their values', () => {
  const env = new Map([
    ['TEAM_API_KEY', KEY],
    ['UNSET', ''],
    ['SHORT', 'abc'],
  ]);
  const r = Redactor.fromEnvironment(env);
  assert.deepEqual(r.skipped, ['UNSET', 'SHORT']);
  assert.equal(r.redact(`${KEY} abc`), `${REDACTED} abc`);
});

test('regular-expression metacharacters in a value are plain characters', () => {
  const value = 'a.b*c+(d)[e]{2}$^|\\?';
  const r = new Redactor([value]);
  assert.equal(r.redact(`<${value}>`), `<${REDACTED}>`);
  assert.equal(r.redact('axbbbc+(d)[e]{2}$^|\\?'), 'axbbbc+(d)[e]{2}$^|\\?');
  assert.equal(new Redactor(['$&$1']).redact('x$&$1y'), `x${REDACTED}y`);
});

test('overlapping values are hidden whole, and a value inside a longer one with it', () => {
  const r = new Redactor(['abcdef12', 'ef12ghij']);
  assert.equal(r.redact('xx abcdef12ghij yy'), `xx ${REDACTED} yy`);
  const nested = new Redactor(['team', 'my-team-key']);
  assert.equal(nested.redact('my-team-key, team'), `${REDACTED}, ${REDACTED}`);
  // A repetition overlapping itself is one span; two values side by side are two.
  assert.equal(new Redactor(['aaaa']).redact('baaaaaaaaab'), `b${REDACTED}b`);
  assert.equal(new Redactor(['keyk']).redact('keykkeyk'), `${REDACTED}${REDACTED}`);
});

test('non-ASCII values are found in strings and in UTF-8 bytes', () => {
  const value = 'clé-✓-😀-секрет';
  const r = new Redactor([value]);
  assert.equal(r.redact(`«${value}»`), `«${REDACTED}»`);
  const bytes = new TextEncoder().encode(`é ${value} ü`);
  assert.equal(new TextDecoder().decode(r.redactBytes(bytes)), `é ${REDACTED} ü`);
  // A view into a larger buffer is searched within its own bounds.
  const padded = new TextEncoder().encode(`${value}|${value}`);
  const view = padded.subarray(0, new TextEncoder().encode(value).byteLength);
  assert.deepEqual(r.spans(view), [{ start: 0, end: view.byteLength }]);
});

// What Python 3.11 printed for this value (repr(v)[1:-1], json.dumps with and without ensure_ascii,
// urllib.parse.quote with safe '/' and '', quote_plus, html.escape with quote on and off).
const TRICKY = 'k\'e"y\\\u00fc\u2713\n\t\u20ac\ud83d\ude00 a/b&<>\u007f\u200b';
const PYTHON_FORMS: [string, string][] = [
  ['repr', 'k\\\'e"y\\\\\u00fc\u2713\\n\\t\u20ac\ud83d\ude00 a/b&<>\\x7f\\u200b'],
  ['json ascii', 'k\'e\\"y\\\\\\u00fc\\u2713\\n\\t\\u20ac\\ud83d\\ude00 a/b&<>\\u007f\\u200b'],
  ['json', 'k\'e\\"y\\\\\u00fc\u2713\\n\\t\u20ac\ud83d\ude00 a/b&<>\u007f\u200b'],
  ['quote', 'k%27e%22y%5C%C3%BC%E2%9C%93%0A%09%E2%82%AC%F0%9F%98%80%20a/b%26%3C%3E%7F%E2%80%8B'],
  ['quote safe=""', 'k%27e%22y%5C%C3%BC%E2%9C%93%0A%09%E2%82%AC%F0%9F%98%80%20a%2Fb%26%3C%3E%7F%E2%80%8B'],
  ['quote_plus', 'k%27e%22y%5C%C3%BC%E2%9C%93%0A%09%E2%82%AC%F0%9F%98%80+a%2Fb%26%3C%3E%7F%E2%80%8B'],
  ['html.escape', 'k&#x27;e&quot;y\\\u00fc\u2713\n\t\u20ac\ud83d\ude00 a/b&amp;&lt;&gt;\u007f\u200b'],
  ['html.escape quote=False', 'k\'e"y\\\u00fc\u2713\n\t\u20ac\ud83d\ude00 a/b&amp;&lt;&gt;\u007f\u200b'],
];

test('the forms Python prints a value in are all found: repr, JSON, URL and HTML encodings', () => {
  const forms = printedForms(TRICKY);
  const r = new Redactor([TRICKY]);
  for (const [what, form] of PYTHON_FORMS) {
    assert.ok(forms.includes(form), `${what} is among the forms`);
    assert.equal(r.redact(`<${form}>`), `<${REDACTED}>`, what);
  }
  // JavaScript's encodeURIComponent keeps !*'() as they are, unlike Python's quote.
  const jsEncoded = encodeURIComponent("it's (a) key!");
  assert.equal(jsEncoded, "it's%20(a)%20key!");
  assert.equal(new Redactor(["it's (a) key!"]).redact(`?k=${jsEncoded}`), `?k=${REDACTED}`);
});

test("repr's body follows Python's choice of quote", () => {
  assert.equal(pythonReprBody("it's a 'key'"), "it's a 'key'");
  assert.equal(pythonReprBody('both \' and " here'), 'both \\\' and " here');
  assert.equal(pythonReprBody('tab\there'), 'tab\\there');
  assert.equal(
    pythonReprBody('nbsp\u00a0zero\u200bbell\u0007astral\u{e0001}'),
    'nbsp\\xa0zero\\u200bbell\\x07astral\\U000e0001',
  );
});

test('a plain key has one form: the printed forms cost nothing for it', () => {
  assert.deepEqual(printedForms(KEY), [KEY]);
  assert.equal(new Redactor([KEY, KEY]).longestBytes, KEY.length);
});

test('partialEnd finds the longest end of a text that starts a value, from the minimum length on', () => {
  const r = new Redactor([KEY]);
  const bytes = (text: string) => new TextEncoder().encode(text);
  assert.equal(r.partialEnd(bytes('printed: fake-te'), 4), 'fake-te'.length);
  assert.equal(r.partialEnd(bytes('printed: fak'), 4), 0, 'three bytes are below the minimum');
  assert.equal(r.partialEnd(bytes('printed: fak'), 1), 3);
  assert.equal(r.partialEnd(bytes(`whole ${KEY}`), 1), 0, 'a whole value is not a start');
  assert.equal(r.partialEnd(bytes(''), 1), 0);
});
