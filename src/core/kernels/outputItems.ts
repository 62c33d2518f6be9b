/**
 * How one Jupyter output becomes the items of a VS Code cell output: MIME bundles, errors and stream text, as
 * plain bytes. The encodings mirror what VS Code's built-in `ipynb` extension produces when it opens a
 * notebook (extensions/ipynb/src/deserializers.ts), so that an output looks the same live, after a save and
 * after a reload, and so that its serializer writes it back unchanged.
 */
import type { IopubOutput, MimeBundle } from './types';

type RichOutput = Extract<IopubOutput, { type: 'display_data' | 'execute_result' }>;
type ErrorOutput = Extract<IopubOutput, { type: 'error' }>;

/** One representation of an output: the adapter turns it into `new NotebookCellOutputItem(data, mime)`. */
export interface OutputItem {
  readonly mime: string;
  readonly data: Uint8Array;
}

/** The MIME types VS Code's built-in renderers use for streams and errors. */
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
export const ERROR_MIME = 'application/vnd.code.notebook.error';

/**
 * The items of a `display_data`, `execute_result` or `update_display_data` bundle, richest first. Every MIME
 * type is kept. `text/plain` longer than `maxTextBytes` is cut, ending with `notice(droppedBytes)`; other types
 * cannot be cut without breaking them, so they are kept whole.
 */
export function bundleItems(
  data: MimeBundle,
  maxTextBytes: number,
  notice: (droppedBytes: number) => string,
): OutputItem[] {
  const items = Object.entries(data).map(([mime, value]) => {
    const bytes = mimeBytes(mime, value);
    return { mime, data: mime === 'text/plain' ? cutText(bytes, maxTextBytes, notice) : bytes };
  });
  return sortByDisplayOrder(items);
}

/** The item of an `error` message, as `NotebookCellOutputItem.error` makes it: `{name, message, stack}`. */
export function errorItem({ ename, evalue, traceback }: ErrorOutput): OutputItem {
  // VS Code's ipynb deserializer joins the traceback lines with '\n' into `stack`; its error renderer turns
  // the ANSI colour codes IPython puts there into colours, so they are kept as they are.
  const payload = { name: ename, message: evalue, stack: traceback.join('\n') };
  return { mime: ERROR_MIME, data: utf8(JSON.stringify(payload)) };
}

/**
 * The bytes of one MIME type's value:
 * - JSON types (`application/json`, `*+json`) as UTF-8 of `JSON.stringify`, which the serializer parses back;
 * - `image/*` except SVG as the bytes of its base64, the only binary types VS Code's serializer re-encodes as
 *   base64 on save (any other type it saves as the decoded text, so decoding e.g. a PDF would corrupt it);
 * - everything else, SVG and HTML included, as UTF-8 of the text (a `string[]` is joined, as nbformat does).
 */
export function mimeBytes(mime: string, value: unknown): Uint8Array {
  if (value === undefined || value === null || value === '') return new Uint8Array(0);
  if (isJsonMime(mime)) return utf8(JSON.stringify(value));
  if (isBase64Mime(mime) && (typeof value === 'string' || Array.isArray(value))) {
    return base64Bytes(textOf(value));
  }
  return utf8(textOf(value));
}

/** Whether a MIME type's value is JSON (`application/json`, `*+json`), kept as `JSON.stringify` of it. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

/** Whether a MIME type is a binary one Jupyter sends as base64 and VS Code keeps as bytes (images but SVG). */
export function isBase64Mime(mime: string): boolean {
  return mime.startsWith('image/') && mime !== 'image/svg+xml' && !isJsonMime(mime);
}

/**
 * A byte count for people, in decimal units to match the limit's default of 1 000 000 bytes: `512 bytes`,
 * `12.3 kB`, `1.0 MB`, `2.5 GB`.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  // Round before choosing the unit, so that 999 960 bytes reads "1.0 MB", not "1000.0 kB".
  while (Number(value.toFixed(1)) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TB'}`;
}

/** UTF-8 length of a string without encoding it (a lone surrogate counts 3, as TextEncoder writes U+FFFD). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** UTF-8 of a string as a plain Uint8Array (not a pooled Buffer, which VS Code would copy whole). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * The VS Code metadata of a `display_data` or `execute_result`, as VS Code's ipynb deserializer builds it from
 * a file (CellOutputMetadata): its serializer saves `metadata`, `executionCount` and `transient` from here.
 */
export function richMetadata(output: RichOutput): Record<string, unknown> {
  const result: Record<string, unknown> = { outputType: output.type };
  if (output.type === 'execute_result') result['executionCount'] = output.executionCount;
  result['metadata'] = output.metadata;
  if (output.displayId !== undefined) result['transient'] = { display_id: output.displayId };
  return result;
}

/**
 * The VS Code metadata of an `error`. The serializer saves `originalError.traceback` as it is, rather than
 * splitting the item's `stack` at every '\n', so a traceback entry that spans lines survives a save.
 */
export function errorMetadata({ ename, evalue, traceback }: ErrorOutput): Record<string, unknown> {
  return {
    outputType: 'error',
    originalError: { output_type: 'error', ename, evalue, traceback: [...traceback] },
  };
}

/** The VS Code metadata of a stream output. */
export const STREAM_METADATA = { outputType: 'stream' };
/** The metadata of the notice that ends a cell past its output limit: saved as the display data it shows. */
export const NOTICE_METADATA = { outputType: 'display_data', metadata: {} };

/** The last line of a stream output or `text/plain` item cut at `limit` bytes. */
export function textNotice(droppedBytes: number, limit: number, setting: string): string {
  const more = formatBytes(droppedBytes);
  return `… output truncated: ${more} more not shown (limit ${formatBytes(limit)}, setting ${setting})`;
}

/** The text of the output that stands for the outputs of a cell past `limit`. */
export function outputsNotice(dropped: number, limit: number, setting: string): string {
  const noun = dropped === 1 ? 'output' : 'outputs';
  return `… ${dropped} more ${noun} not shown (limit ${limit} outputs per cell, setting ${setting})`;
}

/**
 * VS Code's own display order for the items of an output, as its ipynb deserializer sorts them; unknown types
 * go last. Keeping the same order means a reload does not reorder a cell's items, which would mark the
 * notebook as changed.
 */
const DISPLAY_ORDER = [
  'application/vnd.*',
  'application/vdom.*',
  'application/geo+json',
  'application/x-nteract-model-debug+json',
  'text/html',
  'application/javascript',
  'image/gif',
  'text/latex',
  'text/markdown',
  'image/png',
  'image/svg+xml',
  'image/jpeg',
  'application/json',
  'text/plain',
];

function sortByDisplayOrder(items: OutputItem[]): OutputItem[] {
  const rank = (item: OutputItem): number => {
    // An empty vendor type (holoviews sends some) must not win over the HTML next to it.
    if (item.mime.startsWith('application/vnd.') && item.data.byteLength === 0) return DISPLAY_ORDER.length;
    const index = DISPLAY_ORDER.findIndex((pattern) =>
      pattern.endsWith('.*') ? item.mime.startsWith(pattern.slice(0, -1)) : item.mime === pattern,
    );
    return index === -1 ? DISPLAY_ORDER.length : index;
  };
  // Array.prototype.sort is stable, so types of equal rank keep the kernel's order.
  return items
    .map((item) => ({ item, rank: rank(item) }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ item }) => item);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return value.join('');
  return JSON.stringify(value) ?? '';
}

function base64Bytes(base64: string): Uint8Array {
  // Kernels may wrap base64 at 76 columns; Buffer would skip the newlines too, but say so explicitly.
  return Uint8Array.from(Buffer.from(base64.replace(/\s+/g, ''), 'base64'));
}

function cutText(bytes: Uint8Array, maxBytes: number, notice: (droppedBytes: number) => string): Uint8Array {
  if (bytes.byteLength <= maxBytes) return bytes;
  // Cut before a character's first byte, never inside it (continuation bytes are 0b10xxxxxx).
  let cut = maxBytes;
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  const separator = cut === 0 || bytes[cut - 1] === 0x0a ? '' : '\n';
  const tail = utf8(separator + notice(bytes.byteLength - cut));
  const result = new Uint8Array(cut + tail.byteLength);
  result.set(bytes.subarray(0, cut), 0);
  result.set(tail, cut);
  return result;
}

const encoder = new TextEncoder();
