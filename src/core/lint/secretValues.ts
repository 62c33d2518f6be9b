/**
 * What the secret lint treats as not a secret although it sits where one would: placeholders in examples and
 * templates, hosts that name no real service, and embedded binary data. Shared by the token shapes and the
 * assignment rule, so both draw the line in the same place.
 */

// Whole values that stand for "put yours here". `changeme` and its kin are the documented defaults of many
// services' quick starts; flagging them would drown the real findings in tutorials, so they count as
// placeholders, and a notebook that really uses one as a password is left to review.
const PLACEHOLDER_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'apikey',
  'api_key',
  'changeme',
  'change_me',
  'change-me',
  'changeit',
  'replaceme',
  'replace_me',
  'placeholder',
  'redacted',
  'hidden',
  'masked',
  'none',
  'null',
  'nil',
  'undefined',
  'true',
  'false',
  'todo',
  'tbd',
  'fixme',
  'test',
  'dummy',
  'example',
  'sample',
  'foo',
  'bar',
  'foobar',
]);

/**
 * True for a value that only stands in for a secret: empty, a template (`<your token>`, `{password}`,
 * `${TOKEN}`, `%s`, `$PASS`), one character repeated (`xxxx`, `****`), a placeholder word, or a value that
 * says so (`your_api_key`, `EXAMPLE`, `REPLACE_WITH_…`).
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  if (/^(.)\1*$/s.test(v)) return true;
  if (
    /^<[^<>]*>$|^\[[^[\]]*\]$|^\{[^{}]*\}$|^\$\{?[A-Za-z_]\w*\}?$|^%[A-Za-z_]\w*%$|^%(?:\([A-Za-z_]\w*\))?s$/.test(
      v,
    )
  ) {
    return true;
  }
  if (/\{\{[^}]*\}\}|\$\{[^}]*\}/.test(v)) return true;
  if (/(?:^|[^a-z])your(?:[^a-z]|$)/i.test(v)) return true;
  return /example|xxxxx|\*{4}|\.{3}|…|replace[ _-]?(?:with|me)|placeholder|redacted|changeme|dummy|fake|insert[ _-]?(?:your|here)/i.test(
    v,
  );
}

/** True for hosts that name no shared service: loopback and the names reserved for documentation. */
export function isDocumentationHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '0.0.0.0') return true;
  if (/(?:^|\.)example\.(?:com|org|net)$/.test(h)) return true;
  return /\.(?:example|invalid|test|localhost)$/.test(h) || /^(?:host|hostname|server|myhost)$/.test(h);
}

/**
 * The text with the payload of every `data:…;base64,` URI blanked out (same length, so offsets still hold):
 * images embedded in markdown or HTML outputs are long random-looking runs in which short token shapes turn
 * up by chance.
 */
export function blankDataUris(text: string): string {
  if (!text.includes(';base64,')) return text;
  return text.replace(
    /(data:[\w.+/-]{1,100};base64,)([A-Za-z0-9+/=\s\\]{16,})/g,
    (_m, head: string, body: string) => head.concat(body.replace(/[^\n]/g, ' ')),
  );
}
