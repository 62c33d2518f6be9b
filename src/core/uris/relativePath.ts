/**
 * The one rule for every notebook path that crosses a boundary: a hubnb URI, a contents-API path, a query
 * parameter of the catalog. A path is relative to a root (a home folder, the server's root, a catalog entry),
 * `/`-separated, and can only name something inside that root. Both the extension and the service check it;
 * the service also resolves symlinks and checks the real path (see service/team).
 */

/** The longest path accepted, in UTF-8 bytes, and the longest single name (Linux's NAME_MAX). */
export const MAX_PATH_BYTES = 1024;
export const MAX_NAME_BYTES = 255;

/** Why a path was refused; `message` is a sentence for the user. */
export interface PathRejection {
  ok: false;
  reason:
    | 'empty-segment'
    | 'dot-segment'
    | 'hidden'
    | 'absolute'
    | 'home-shortcut'
    | 'backslash'
    | 'control-character'
    | 'encoded'
    | 'too-long'
    | 'unicode';
  message: string;
}

export type PathCheck = { ok: true; path: string; segments: string[] } | PathRejection;

// C0 and C1 controls (NUL included), and DEL: matching them is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional overrides and isolates, zero-width characters, the BOM and lone surrogates: they make a name
// display as something it is not.
const DECEPTIVE =
  /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// A percent sign followed by two hex digits: a path arrives here already decoded once, so this is an encoding
// meant to survive one decoder and be decoded again by another (`%2e%2e`, `%252e`).
const ENCODED = /%[0-9a-f]{2}/i;

/**
 * Checks a relative path; `''` is the root itself. Refuses `..`, `.`, empty segments, hidden names, absolute
 * paths, `~user`, backslashes, control characters, percent-encodings, deceptive Unicode, non-NFC text and
 * overlong names, each with its own message.
 */
export function checkRelativePath(input: string): PathCheck {
  if (input === '') return { ok: true, path: '', segments: [] };
  const no = (reason: PathRejection['reason'], message: string): PathRejection => ({
    ok: false,
    reason,
    message,
  });
  if (CONTROL.test(input)) return no('control-character', 'Paths cannot contain control characters.');
  if (input.includes('\\')) return no('backslash', 'Paths use `/` between folders, never `\\`.');
  if (input.startsWith('/'))
    return no('absolute', 'The path must be relative to its folder, not start with `/`.');
  if (input.startsWith('~')) return no('home-shortcut', 'The path cannot start with `~`.');
  if (ENCODED.test(input))
    return no('encoded', 'Paths cannot contain percent-encoded characters such as `%2e`.');
  if (DECEPTIVE.test(input) || input.normalize('NFC') !== input) {
    return no(
      'unicode',
      'The path contains invisible, direction-changing or non-normalised Unicode characters.',
    );
  }
  if (Buffer.byteLength(input, 'utf8') > MAX_PATH_BYTES) {
    return no('too-long', `The path is longer than ${MAX_PATH_BYTES} bytes.`);
  }
  const segments = input.split('/');
  for (const segment of segments) {
    if (segment === '')
      return no('empty-segment', 'The path has an empty folder name (`//` or a trailing `/`).');
    if (segment === '.' || segment === '..') return no('dot-segment', 'The path cannot contain `.` or `..`.');
    if (segment.startsWith('.')) return no('hidden', 'Hidden files and folders are not available.');
    if (Buffer.byteLength(segment, 'utf8') > MAX_NAME_BYTES) {
      return no('too-long', `A name in the path is longer than ${MAX_NAME_BYTES} bytes.`);
    }
  }
  return { ok: true, path: input, segments };
}
