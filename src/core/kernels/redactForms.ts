/**
 * The forms in which an output can show a secret value besides the value itself, so that the redactor
 * (redact.ts) finds those too. Each mirrors what Python prints, since the hub's kernels are Python ones:
 * - `repr()` of a str, inside its quotes: what an `execute_result`, a list or dict, or a verbose traceback
 *   shows (the same as the value for a plain key; different when it holds quotes, backslashes or controls);
 * - `json.dumps()` inside its quotes, with and without `ensure_ascii`: what JSON output and logs show;
 * - URL encoding as `urllib.parse.quote` (safe '/' and safe ''), `quote_plus` and JavaScript's
 *   `encodeURIComponent` write it: a key in a query string, as `requests` prints a URL;
 * - HTML escaping as `html.escape` (quote on and off) and markupsafe write it: a key in an HTML table.
 * Other encodings (base64, hex, reversed, split up) are not looked for: redaction guards against accidents,
 * not against code that sets out to show a value.
 */

/** The value and every form above of it, without duplicates (a plain key is its own form for all of them). */
export function printedForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  return [
    ...new Set([
      value,
      pythonReprBody(value),
      json,
      asciiJson(json),
      percentEncoded(value, UNRESERVED + '/'),
      percentEncoded(value, UNRESERVED),
      percentEncoded(value, UNRESERVED, true),
      percentEncoded(value, UNRESERVED + "!*'()"),
      htmlEscaped(value, { '"': '&quot;', "'": '&#x27;' }),
      htmlEscaped(value, {}),
      htmlEscaped(value, { '"': '&#34;', "'": '&#39;' }),
    ]),
  ];
}

/**
 * What Python's `repr()` of a str shows between its quotes. Python quotes with `'` unless the text holds `'`
 * and no `"`; it escapes the backslash, that quote, `\t`, `\n`, `\r`, and every character that
 * `str.isprintable()` rejects (controls, format characters, separators other than the space, surrogates,
 * private-use and unassigned code points) as `\xhh`, `\uhhhh` or `\Uhhhhhhhh`.
 */
export function pythonReprBody(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let body = '';
  for (const char of value) {
    if (char === '\\' || char === quote) body += `\\${char}`;
    else if (char in SHORT_ESCAPES) body += SHORT_ESCAPES[char];
    else if (char !== ' ' && NOT_PRINTABLE.test(char)) body += pythonHexEscape(char.codePointAt(0) ?? 0);
    else body += char;
  }
  return body;
}

const SHORT_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

function pythonHexEscape(code: number): string {
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

/** `json.dumps` with `ensure_ascii` (Python's default) from JavaScript's JSON body, which keeps non-ASCII. */
function asciiJson(json: string): string {
  // Per UTF-16 unit, so a character beyond the BMP becomes its surrogate pair, as Python writes it.
  return json.replace(/[^\x20-\x7e]/g, (unit) => `\\u${hex(unit.charCodeAt(0), 4)}`);
}

/** RFC 3986's unreserved characters, which every URL encoder keeps as they are. */
const UNRESERVED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** Percent-encodes the UTF-8 of `value`, keeping the ASCII characters of `keep` (and a space as '+'). */
function percentEncoded(value: string, keep: string, spaceAsPlus = false): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && keep.includes(char)) encoded += char;
    else if (spaceAsPlus && char === ' ') encoded += '+';
    else encoded += `%${hex(byte, 2).toUpperCase()}`;
  }
  return encoded;
}

/** `&`, `<` and `>` as entities, and the quotes as `quotes` says (left alone when it names none). */
function htmlEscaped(value: string, quotes: Record<string, string>): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', ...quotes };
  return value.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}
