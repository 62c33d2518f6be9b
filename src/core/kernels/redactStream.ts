/**
 * The redacted text of one stream output. A kernel flushes stdout in chunks, so a value can arrive split
 * across messages (`print(k[:5], end='', flush=True)`, then the rest): the redactor must see the output's
 * accumulated text, not each message. Scanning all of it on every flush would cost O(size × values) each
 * time, so the text is redacted once it is settled: the finished lines (which later text only appends to) up
 * to the last `longestBytes - 1` of them, which a value still being printed could reach back into. Each call
 * scans only that overlap, what was appended since, and the line being written.
 */
import { utf8 } from './outputItems';
import { MIN_SECRET_LENGTH, replaceSpans, type Redactor, type Span } from './redact';
import type { RedactorRef } from './redactOutput';
import { StreamText } from './streamText';

/**
 * The text of a stream output, as StreamText keeps it, whose bytes come out redacted with the model's current
 * redactor. While the output can still grow, an end of it that is the start of a
 * value (of at least MIN_SECRET_LENGTH bytes) is held back rather than shown, so that VS Code never shows or
 * saves most of a value whose rest is still on its way; `settle()` shows it once no more text can come. Past
 * the output's byte limit the text is final and such an end is redacted instead, since the kernel printed
 * more of it than was kept.
 */
export class RedactedStreamText extends StreamText {
  /** The redactor `settled` was made with; another one starts over. */
  private madeWith: Redactor | undefined;
  private settled = new Uint8Array(0);
  private settledBytes = 0;
  /** How many bytes of the stream's finished lines `settled` stands for. */
  private settledRaw = 0;
  /** Bytes held back by the last call of `bytes`. */
  private held = 0;
  private complete = false;

  constructor(
    maxBytes: number,
    private readonly ref: RedactorRef,
  ) {
    super(maxBytes);
  }

  /**
   * No more text will come (a later output followed, or the run ended): nothing is held back from now on.
   * Returns whether that changes what the output shows.
   */
  settle(): boolean {
    if (this.complete) return false;
    this.complete = true;
    return this.held > 0;
  }

  /** The kept text, redacted, followed by `suffix` (the truncation notice): what VS Code gets. */
  override toBytes(suffix = ''): Uint8Array {
    const redactor = this.ref.current;
    this.held = 0;
    if (!redactor.active) return super.toBytes(suffix);
    if (redactor !== this.madeWith) this.restart(redactor);
    const { committed, line } = this.parts();
    const fresh = committed.subarray(this.settledRaw);
    const window = concat(fresh, utf8(line));
    const spans = redactor.spans(window);
    const cut = settlePoint(fresh.byteLength - (redactor.longestBytes - 1), spans);
    if (cut > 0) {
      const settling = spans.filter((span) => span.end <= cut);
      this.append(replaceSpans(window.subarray(0, cut), settling));
      this.settledRaw += cut;
    }
    const rest = window.subarray(cut);
    const restSpans = spans.filter((span) => span.start >= cut).map((span) => shift(span, -cut));
    const partial = redactor.partialEnd(rest.subarray(restSpans.at(-1)?.end ?? 0), MIN_SECRET_LENGTH);
    let shown = rest;
    if (partial > 0 && this.droppedBytes > 0)
      restSpans.push({ start: rest.length - partial, end: rest.length });
    else if (partial > 0 && !this.complete) {
      this.held = partial;
      shown = rest.subarray(0, rest.length - partial);
    }
    return concat(this.settled.subarray(0, this.settledBytes), replaceSpans(shown, restSpans), utf8(suffix));
  }

  private restart(redactor: Redactor): void {
    this.madeWith = redactor;
    this.settledBytes = 0;
    this.settledRaw = 0;
  }

  /** Appends to `settled`, doubling its buffer, so that settling n bytes costs O(n) overall. */
  private append(bytes: Uint8Array): void {
    const needed = this.settledBytes + bytes.byteLength;
    if (needed > this.settled.byteLength) {
      const grown = new Uint8Array(Math.max(needed, this.settled.byteLength * 2, 1024));
      grown.set(this.settled.subarray(0, this.settledBytes));
      this.settled = grown;
    }
    this.settled.set(bytes, this.settledBytes);
    this.settledBytes = needed;
  }
}

/** `limit`, or the start of the span that straddles it: a value is settled whole or not at all. */
function settlePoint(limit: number, spans: readonly Span[]): number {
  if (limit <= 0) return 0;
  const straddling = spans.find((span) => span.start < limit && span.end > limit);
  return straddling ? straddling.start : limit;
}

function shift(span: Span, by: number): Span {
  return { start: span.start + by, end: span.end + by };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    result.set(part, at);
    at += part.byteLength;
  }
  return result;
}
