/**
 * Redaction of whole outputs for the output model: an iopub output, before the model keeps anything of it.
 * Every text VS Code would show or save goes through the redactor: text and JSON MIME types, the Jupyter
 * output metadata, and an error's name, message and traceback (so the error item and `originalError`, which
 * VS Code's ipynb serializer saves, are both clean). Binary items (`image/*` other than SVG, base64 of
 * pixels) are left alone: their bytes hold no text to find, and a picture of a value cannot be redacted.
 */
import { isBase64Mime, isJsonMime } from './outputItems';
import { REDACTED, type Redactor } from './redact';
import type { IopubOutput, MimeBundle, OutputMetadata } from './types';

/**
 * Where a model and its stream outputs find the current redactor, read at each use: one set after they were
 * made (the values come from the kernel after it started) applies to them too.
 */
export interface RedactorRef {
  current: Redactor;
}

/**
 * A `display_data`, `execute_result`, `update_display_data` or `error` message with every secret value
 * replaced. Streams come back as they are: their values can be split across messages, so the model redacts
 * the accumulated text of each stream output instead (redactStream.ts).
 */
export function redactOutput(output: IopubOutput, redactor: Redactor): IopubOutput {
  if (!redactor.active) return output;
  switch (output.type) {
    case 'display_data':
    case 'execute_result':
    case 'update_display_data':
      return {
        ...output,
        data: redactBundle(output.data, redactor),
        metadata: redactJson(output.metadata, redactor) as OutputMetadata,
      };
    case 'error':
      return {
        ...output,
        ename: redactor.redact(output.ename),
        evalue: redactor.redact(output.evalue),
        traceback: output.traceback.map((line) => redactor.redact(line)),
      };
    default:
      return output;
  }
}

/** A MIME bundle with its text and JSON values redacted and its binary ones as they are. */
export function redactBundle(data: MimeBundle, redactor: Redactor): MimeBundle {
  const result: MimeBundle = {};
  for (const [mime, value] of Object.entries(data)) {
    if (isBase64Mime(mime)) result[mime] = value;
    else if (isStringList(value) && !isJsonMime(mime)) {
      // nbformat's list of lines is one text: a value may be split across two of its strings.
      result[mime] = redactor.redact(value.join(''));
    } else result[mime] = redactJson(value, redactor);
  }
  return result;
}

/**
 * A JSON value with every string in it redacted, keys included. A number whose digits hold a value becomes
 * the string REDACTED, since digits cannot be replaced inside a number.
 */
export function redactJson(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (typeof value === 'number') return redactor.redact(String(value)) === String(value) ? value : REDACTED;
  if (Array.isArray(value)) return value.map((item: unknown) => redactJson(item, redactor));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redactor.redact(key), redactJson(item, redactor)]),
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((part) => typeof part === 'string');
}
