import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import { silentLogger, type Logger } from '../logger';
import { CrossOriginRedirectError, HubResponseError, HubUnavailableError, redactUrl } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request to the hub, relative to the hub's base URL. */
export interface HubRequest {
  method: HttpMethod;
  /** A path relative to the base URL, without a leading slash, for example `hub/api/user`. */
  path: string;
  /** Sent as JSON, except a Uint8Array, which is sent as it is (with `contentType`). */
  body?: unknown;
  /** The Content-Type of a Uint8Array body; `application/octet-stream` when omitted. */
  contentType?: string;
  signal?: AbortSignal | undefined;
  /** Overrides the transport's timeout; 0 means none (used for event streams, which stay open). */
  timeoutMs?: number;
}

/** A response whose status has not been judged yet: the resource clients do that. */
export interface HubResponse<T> {
  status: number;
  headers: Record<string, string | undefined>;
  data: T;
  /** The final URL after same-origin redirects, without query string. */
  url: string;
  /** How many redirects were followed to get here. */
  redirects: number;
}

/** The single HTTP transport every hub and single-user-server call goes through. */
export interface HubTransport {
  /** The hub's base URL, always ending in `/`. */
  readonly baseUrl: URL;
  /** Sends a request and returns the body as text, following same-origin redirects only. */
  request(req: HubRequest): Promise<HubResponse<string>>;
  /**
   * Sends a request and returns the body as the bytes received, for files that must arrive byte for byte
   * without a decode and re-encode. Optional so that stand-in transports need not offer it; callers fall back
   * to `request` and encode the text as UTF-8.
   */
  requestBytes?(req: HubRequest): Promise<HubResponse<Uint8Array>>;
  /** Sends a request and returns the body as a stream, for the event-stream progress API. */
  stream(req: HubRequest): Promise<HubResponse<Readable>>;
}

export interface HubTransportOptions {
  /** The hub's public URL, for example `https://hub.example.org/` or `http://127.0.0.1:8000/jhub/`. */
  baseUrl: string;
  /** Returns the current token, or undefined when signed out. It is sent only in the Authorization header. */
  getToken: () => string | undefined | Promise<string | undefined>;
  /** Per-request timeout in milliseconds; defaults to 30 s. */
  timeoutMs?: number;
  logger?: Logger;
  /** The axios instance to use; injected by tests and by callers that need proxies or agents. */
  http?: AxiosInstance;
  /** How many same-origin redirects to follow; defaults to 10. */
  maxRedirects?: number;
}

type ResponseKind = 'text' | 'stream' | 'arraybuffer';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NETWORK_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

let sharedAxios: Promise<AxiosInstance> | undefined;

/**
 * axios and the MIME database it brings cost tens of milliseconds to load, so the default instance is made on
 * the first request rather than when the extension activates.
 */
function defaultAxios(): Promise<AxiosInstance> {
  sharedAxios ??= import('axios').then((m) => m.default.create());
  return sharedAxios;
}

/** axios errors carry `isAxiosError` and a `code`; checked structurally so axios need not be loaded. */
function isAxiosLike(err: unknown): err is { code?: string } {
  return typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;
}

/** Builds the axios-backed transport; base URL, token source, timeout and axios instance are all injected. */
export function createHubTransport(options: HubTransportOptions): HubTransport {
  return new AxiosHubTransport(options);
}

class AxiosHubTransport implements HubTransport {
  readonly baseUrl: URL;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;

  constructor(private readonly options: HubTransportOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.log = options.logger ?? silentLogger;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRedirects = options.maxRedirects ?? 10;
  }

  request(req: HubRequest): Promise<HubResponse<string>> {
    return this.send<string>(req, 'text');
  }

  requestBytes(req: HubRequest): Promise<HubResponse<Uint8Array>> {
    // In Node, axios hands an 'arraybuffer' response over as a Buffer: the bytes as received, not copied.
    return this.send<Uint8Array>(req, 'arraybuffer');
  }

  stream(req: HubRequest): Promise<HubResponse<Readable>> {
    return this.send<Readable>(req, 'stream');
  }

  private async send<T>(req: HubRequest, responseType: ResponseKind): Promise<HubResponse<T>> {
    let url = new URL(req.path, this.baseUrl);
    if (url.origin !== this.baseUrl.origin || /^[a-z][a-z0-9+.-]*:|^\/\/|^\\/i.test(req.path)) {
      // A path is relative to the hub; one that names a host (`//evil/`, `https://evil/`) would carry the token
      // there. Refused before anything is sent.
      throw new CrossOriginRedirectError(
        `Refused to send a hub request to ${url.origin}: request paths must stay on ${this.baseUrl.origin}.`,
        { url: redactUrl(url) },
      );
    }
    let method = req.method;
    let body = req.body;
    const token = await this.options.getToken();
    for (let redirects = 0; ; redirects++) {
      const started = Date.now();
      const res = await this.once<T>(url, method, body, token, req, responseType);
      this.log.debug(`${method} ${redactUrl(url)} → ${res.status} (${Date.now() - started} ms)`);
      const headers = flatHeaders(res);
      const location = headers.location;
      if (!REDIRECTS.has(res.status) || location === undefined) {
        return {
          status: res.status,
          headers,
          data: res.data,
          url: redactUrl(url),
          redirects,
        };
      }
      destroyIfStream(res.data);
      const next = new URL(location, url);
      if (next.origin !== this.baseUrl.origin) {
        // Following would hand our token to a host the user never chose, so stop here.
        throw new CrossOriginRedirectError(
          `The hub redirected ${redactUrl(url)} to another site (${next.origin}); Hub Notebooks did not follow it ` +
            'with your credentials. Check the hub URL setting: it should be the hub itself, not a login page in front of it.',
          { status: res.status, url: redactUrl(url) },
        );
      }
      if (redirects >= this.maxRedirects) {
        throw new HubResponseError(`The hub redirected ${redactUrl(url)} too many times.`, {
          status: res.status,
          url: redactUrl(url),
        });
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== 'GET')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  private async once<T>(
    url: URL,
    method: HttpMethod,
    body: unknown,
    token: string | undefined,
    req: HubRequest,
    responseType: ResponseKind,
  ): Promise<AxiosResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `token ${token}`;
    const raw = body instanceof Uint8Array;
    if (body !== undefined)
      headers['Content-Type'] = raw ? (req.contentType ?? 'application/octet-stream') : 'application/json';
    try {
      const http = this.options.http ?? (await defaultAxios());
      return await http.request<T>({
        url: url.toString(),
        method,
        data: body === undefined ? undefined : raw ? asBuffer(body) : JSON.stringify(body),
        headers,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType,
        // Keep bodies as text: the resource clients decide whether HTML where JSON was due is an error.
        transformResponse: [(data: unknown) => data],
        timeout: req.timeoutMs ?? this.timeoutMs,
        ...(req.signal ? { signal: req.signal } : {}),
      });
    } catch (err) {
      throw this.translate(err, url, req.signal);
    }
  }

  private translate(err: unknown, url: URL, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    const code = isAxiosLike(err) ? err.code : undefined;
    if (code && NETWORK_DOWN.has(code)) {
      const why =
        code === 'ECONNABORTED' || code === 'ETIMEDOUT'
          ? 'did not answer in time'
          : `is unreachable (${code})`;
      return new HubUnavailableError(
        `The hub at ${this.baseUrl.origin} ${why}. Check that the hub URL is right and the hub is up, then try again.`,
        { url: redactUrl(url), cause: err },
      );
    }
    return err;
  }
}

/** Ensures the base URL ends in `/`, so relative paths keep a hub that lives under a prefix. */
export function normaliseBaseUrl(raw: string): URL {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(
      `The hub URL must start with https:// (or http:// for a local hub), not ${url.protocol}`,
    );
  }
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function flatHeaders(res: AxiosResponse): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(res.headers as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v);
    else if (Array.isArray(v)) out[k.toLowerCase()] = v.map(String).join(', ');
  }
  return out;
}

/**
 * axios sends a plain Uint8Array as its whole underlying ArrayBuffer, which for a view into a larger buffer (a
 * pooled Buffer, a subarray) is the wrong bytes; a Buffer over the same memory is sent exactly.
 */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function destroyIfStream(data: unknown): void {
  if (data && typeof (data as Readable).destroy === 'function') (data as Readable).destroy();
}
