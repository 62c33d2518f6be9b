import { utf8, utf8Length } from './outputItems';

/**
 * The text of one `stream` output as Jupyter shows it, kept as UTF-8 within a byte limit. Jupyter and VS Code
 * rewrite the whole concatenated text on each message: `\b` erases the character written before it, and `\r`
 * starts a new overlay of the line, which shows over the line's old text (a progress bar); `\r\n` is a
 * newline. This does the same as the text arrives: finished lines are encoded once into a byte buffer, and
 * the line being written is two arrays of UTF-16 units, so writing k characters costs O(k) however long the
 * line is. Unlike Jupyter, a `\b` at the start of a line or right after `\r` does nothing, and one erases a
 * whole emoji. Past the limit the output stops changing and later text is only counted, so memory stays
 * within a few times the limit whatever the kernel prints.
 */
export class StreamText {
  private committed = new Uint8Array(0);
  private committedBytes = 0;
  /** The line being written: `top` (written since its last '\r') shown over `base` (what it showed then). */
  private base: Uint16Array = new Uint16Array(0);
  private baseLength = 0;
  private top: Uint16Array = new Uint16Array(0);
  private topLength = 0;
  /** UTF-8 length of the line as shown. */
  private lineBytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  /** Bytes kept: what VS Code shows, without the notice. */
  get keptBytes(): number {
    return this.committedBytes + this.lineBytes;
  }

  /** UTF-8 bytes of the incoming text that were dropped because of the limit. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** Whether the kept text ends a line (or is empty), so a notice can start right after it. */
  get endsLine(): boolean {
    return this.lineLength === 0;
  }

  /** Applies one `stream` message's text. */
  write(text: string): void {
    if (this.dropped > 0) {
      this.dropped += utf8Length(text);
      return;
    }
    const controls = /[\r\n\b]/g;
    let start = 0;
    while (start < text.length) {
      controls.lastIndex = start;
      const match = controls.exec(text);
      const end = match ? match.index : text.length;
      // Most output is whole lines: those go straight to the byte buffer.
      if (match?.[0] === '\n' && this.lineLength === 0 && this.commit(text.slice(start, end + 1))) {
        start = end + 1;
        continue;
      }
      const written = end === start || this.writeRun(text.slice(start, end));
      if (!written || (match && !this.control(text[end] ?? ''))) {
        this.dropped += utf8Length(text.slice(end));
        return;
      }
      start = end + 1;
    }
  }

  /** The kept text as UTF-8, followed by `suffix` (the truncation notice) when given. */
  toBytes(suffix = ''): Uint8Array {
    const tail = utf8(this.lineText() + suffix);
    const result = new Uint8Array(this.committedBytes + tail.byteLength);
    result.set(this.committed.subarray(0, this.committedBytes), 0);
    result.set(tail, this.committedBytes);
    return result;
  }

  /**
   * The kept text in its two parts, for redaction (redactStream.ts): the finished lines as UTF-8, which later
   * text only ever appends to, and the line being written, which `\r` and `\b` can still change.
   */
  parts(): { committed: Uint8Array; line: string } {
    return { committed: this.committed.subarray(0, this.committedBytes), line: this.lineText() };
  }

  private get lineLength(): number {
    return Math.max(this.topLength, this.baseLength);
  }

  /** Adds characters to the line; false, after keeping what fits past the old text's end, at the limit. */
  private writeRun(run: string): boolean {
    const start = this.topLength;
    const room = this.maxBytes - this.keptBytes;
    // Every shown unit is at least one byte, so a run that cannot fit is refused before it takes memory.
    if (start + run.length <= this.maxBytes - this.committedBytes) {
      const delta = this.place(run);
      if (delta <= room) {
        this.lineBytes += delta;
        return true;
      }
      this.topLength = start;
    }
    let kept = '';
    if (start >= this.baseLength) {
      // Past the old text's end a run only adds bytes: keep its whole characters that fit.
      kept = run.slice(0, encoder.encodeInto(run, new Uint8Array(room)).read);
      this.lineBytes += this.place(kept);
    }
    this.dropped += utf8Length(run) - utf8Length(kept);
    return false;
  }

  /** Puts a run on top of the line and returns how many bytes the shown line grew by. */
  private place(run: string): number {
    const start = this.topLength;
    const end = start + run.length;
    this.top = reserveUnits(this.top, start, end, this.maxBytes);
    for (let i = 0; i < run.length; i += 1) this.top[start + i] = run.charCodeAt(i);
    // Past the old text, after a whole character, the line just grows by the run: the common case.
    if (start >= this.baseLength && !isHighSurrogate(this.top[start - 1] ?? 0)) {
      this.topLength = end;
      return utf8Length(run);
    }
    return this.measure(start, end, () => (this.topLength = end));
  }

  private control(char: string): boolean {
    if (char === '\n') return this.newline();
    if (char === '\b') return this.backspace();
    // '\r': what the line shows becomes the base the next text is shown over.
    this.base = reserveUnits(this.base, this.baseLength, this.topLength, this.maxBytes);
    this.base.set(this.top.subarray(0, this.topLength));
    this.baseLength = this.lineLength;
    this.topLength = 0;
    return true;
  }

  /** Erases the last character written since the last '\r', showing the old one under it again if any. */
  private backspace(): boolean {
    const end = this.topLength;
    if (end === 0) return true;
    const pair =
      end >= 2 && isLowSurrogate(this.top[end - 1] ?? 0) && isHighSurrogate(this.top[end - 2] ?? 0);
    const start = end - (pair ? 2 : 1);
    const delta = this.measure(start, end, () => (this.topLength = start));
    if (delta > this.maxBytes - this.keptBytes) {
      this.topLength = end;
      return false;
    }
    this.lineBytes += delta;
    return true;
  }

  private newline(): boolean {
    if (!this.commit(`${this.lineText()}\n`)) return false;
    this.topLength = 0;
    this.baseLength = 0;
    this.lineBytes = 0;
    return true;
  }

  /** Appends a finished line to the byte buffer, if it fits in the limit. */
  private commit(text: string): boolean {
    const bytes = utf8Length(text);
    if (this.committedBytes + bytes > this.maxBytes) return false;
    if (this.committed.byteLength < this.committedBytes + bytes) {
      const size = Math.max(this.committedBytes + bytes, this.committed.byteLength * 2, 1024);
      const grown = new Uint8Array(Math.min(this.maxBytes, size));
      grown.set(this.committed.subarray(0, this.committedBytes));
      this.committed = grown;
    }
    this.committedBytes += encoder.encodeInto(text, this.committed.subarray(this.committedBytes)).written;
    return true;
  }

  private lineText(): string {
    const shown = new Uint16Array(this.lineLength);
    shown.set(this.base.subarray(0, this.baseLength));
    shown.set(this.top.subarray(0, this.topLength));
    return utf16Decoder.decode(shown);
  }

  /**
   * Applies a change to units [start, end) of the shown line and returns its change in UTF-8 bytes, counted
   * over one more unit on each side, so that a surrogate pair the change joins or splits is counted right.
   */
  private measure(start: number, end: number, change: () => void): number {
    const from = Math.max(0, start - 1);
    const before = this.shownUtf8Length(from, end + 1);
    change();
    return this.shownUtf8Length(from, end + 1) - before;
  }

  /** UTF-8 length of shown units [start, end): a pair is 4 bytes, a lone surrogate 3 (it shows as U+FFFD). */
  private shownUtf8Length(start: number, end: number): number {
    const last = Math.min(end, this.lineLength);
    let bytes = 0;
    let pending = 0;
    for (let i = start; i < last; i += 1) {
      const code = (i < this.topLength ? this.top[i] : this.base[i]) ?? 0;
      if (pending !== 0) bytes += isLowSurrogate(code) ? 4 : 3;
      if (pending !== 0 && isLowSurrogate(code)) pending = 0;
      else if (isHighSurrogate(code)) pending = code;
      else {
        pending = 0;
        bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
      }
    }
    return bytes + (pending !== 0 ? 3 : 0);
  }
}

/** Grows a unit array by doubling, up to the limit, so that appending costs O(1) per unit. */
function reserveUnits(units: Uint16Array, used: number, needed: number, max: number): Uint16Array {
  if (needed <= units.length) return units;
  const grown = new Uint16Array(Math.max(needed, Math.min(units.length * 2, max), 256));
  grown.set(units.subarray(0, used));
  return grown;
}

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF that the kernel printed, which the decoder would otherwise eat.
const utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true });

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
