/**
 * Names for the temporary files the authoring operations make next to a target. jupyter_server refuses every
 * hidden path (`.name`) unless `ContentsManager.allow_hidden`, on 1.23 and 2.x alike (400 "Cannot create file or
 * directory"), so a temporary file cannot hide behind a dot. It ends in `~` instead: the default
 * `ContentsManager.hide_globs` has `*~`, so listings (JupyterLab's, and this extension's tree) leave it out,
 * while GET, PUT, PATCH and DELETE still reach it (measured on both versions).
 */

/** Marks every temporary name, so a leftover (after a crash) is recognisable in a shell listing. */
export const TEMP_MARK = '.hubnb-';

// Linux's NAME_MAX is 255 bytes; the mark, the purpose, eight hex digits and `~` take at most 35 of them.
const MAX_STEM_BYTES = 200;

/** `dir/name` → `dir`; a name at the top → ''. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** `dir/name` → `name`. */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a folder ('' for the top) and a name. */
export function joinPath(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

/**
 * A fresh temporary sibling of `path`, such as `data.csv.hubnb-upload-3f9a1c2e~` next to `data.csv`: the same
 * folder, so the final rename stays within one filesystem and one permission check.
 */
export function tempSibling(path: string, purpose: 'upload' | 'replaced' | 'stash'): string {
  const random = new Uint8Array(4);
  globalThis.crypto.getRandomValues(random);
  const hex = Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('');
  return joinPath(parentOf(path), `${stem(nameOf(path))}${TEMP_MARK}${purpose}-${hex}~`);
}

/** The name cut to MAX_STEM_BYTES of UTF-8, at a code point. */
function stem(name: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > MAX_STEM_BYTES) break;
    out += ch;
  }
  return out;
}
