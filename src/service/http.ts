import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson } from '../core/json';

/** Small request bodies are flat records of strings; a little nesting is tolerated and ignored, no more. */
const MAX_BODY_JSON_DEPTH = 8;

/** A client error the service answers with a JSON body `{error, message}` (or a page, for browsers). */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For 429 and 503: sent as `Retry-After`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

const refusals = new WeakMap<ServerResponse, string>();

/** Notes why a request was refused, for the one log line the server writes when the answer is sent. */
export function noteRefusal(res: ServerResponse, err: RequestError): void {
  refusals.set(res, `${err.code}: ${err.message}`);
}

/** Why a request was refused, if noteRefusal said. */
export function refusalOf(res: ServerResponse): string | undefined {
  return refusals.get(res);
}

/** The request path without its query string, so logs never carry query parameters. */
export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://service.invalid').pathname;
}

/** The query of a request, refusing oversized ones before parsing. */
export function queryOf(req: IncomingMessage, maxLength: number): URLSearchParams {
  const raw = req.url ?? '/';
  const at = raw.indexOf('?');
  const query = at < 0 ? '' : raw.slice(at + 1);
  if (query.length > maxLength)
    throw new RequestError(414, 'invalid_request', 'The query string is too long.');
  try {
    return new URLSearchParams(query);
  } catch {
    throw new RequestError(400, 'invalid_request', 'The query string could not be read.');
  }
}

/** Reads a small JSON or form-encoded body into a flat record of strings. */
export async function readSmallBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new RequestError(413, 'invalid_request', 'The request body is too large.');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === '') return {};
  const result = parseJson(text, MAX_BODY_JSON_DEPTH);
  if (!result.ok) {
    const message = /nests/.test(result.reason)
      ? `The request body nests more than ${MAX_BODY_JSON_DEPTH} levels deep; it should be a flat object.`
      : 'The request body is not valid JSON.';
    throw new RequestError(400, 'invalid_request', message);
  }
  const parsed = result.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The token from `Authorization: token X` or `Bearer X`, or undefined. */
export function bearerOf(req: IncomingMessage): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** A self-contained page: no scripts, no outside resources, no referrer, never cached, never framed. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  title: string,
  bodyHtml: string,
  head = '',
): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    // frame-ancestors for current browsers, X-Frame-Options for older ones: no page of ours is clickjackable.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${head}` +
      '<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}' +
      'code{font-size:1.3em;user-select:all;background:#eee;padding:.2em .4em}</style></head>' +
      `<body><h1>${escapeHtml(title)}</h1>${bodyHtml}</body></html>`,
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
