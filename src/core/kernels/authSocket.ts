import WebSocket from 'ws';

/** Where the token comes from; read again for every connection, so a new sign-in takes effect on reconnect. */
export type TokenSource = () => string | undefined | Promise<string | undefined>;

/** What the kernel layer learns from refused requests, so it can close the connection and say why. */
export interface ConnectionHooks {
  /** A 401/403 from the server: the token was revoked, expired or lacks a scope. */
  onAuthRefused(status: number): void;
  /** A 424, or a websocket upgrade answered with a redirect: the user's server is not running. */
  onServerStopped(status: number): void;
}

/** The subset of the browser WebSocket interface that @jupyterlab/services uses. */
interface BrowserLikeSocket {
  binaryType: string;
  readonly protocol: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class as @jupyterlab/services constructs it: `new WebSocket(url, protocols)`. */
export type SocketClass = new (url: string, protocols?: string | string[]) => BrowserLikeSocket;

/**
 * A WebSocket class that sends the token in the `Authorization` header of the upgrade request and never in the
 * URL (JupyterHub 5 ignores `?token=` on websockets from non-browser clients, and URLs end up in logs). The token
 * source may be asynchronous, so the real socket opens once the token is known.
 */
export function authWebSocketClass(getToken: TokenSource, hooks: ConnectionHooks): SocketClass {
  return class HubKernelSocket implements BrowserLikeSocket {
    binaryType = 'arraybuffer';
    onopen: BrowserLikeSocket['onopen'] = null;
    onmessage: BrowserLikeSocket['onmessage'] = null;
    onclose: BrowserLikeSocket['onclose'] = null;
    onerror: BrowserLikeSocket['onerror'] = null;
    private socket: WebSocket | undefined;
    private closed = false;

    constructor(url: string, protocols?: string | string[]) {
      void Promise.resolve(getToken()).then(
        (token) => this.open(url, protocols, token),
        () => this.open(url, protocols, undefined),
      );
    }

    get protocol(): string {
      return this.socket?.protocol ?? '';
    }

    send(data: string | ArrayBuffer | ArrayBufferView): void {
      if (!this.socket) throw new Error('The kernel websocket is not open yet.');
      this.socket.send(data);
    }

    close(code?: number, reason?: string): void {
      this.closed = true;
      this.socket?.close(code, reason);
    }

    private open(url: string, protocols: string | string[] | undefined, token: string | undefined): void {
      if (this.closed) return;
      const socket = new WebSocket(url, protocols ?? [], {
        headers: token ? { Authorization: `token ${token}` } : {},
        perMessageDeflate: false,
        handshakeTimeout: 30_000,
        // The upgrade to a stopped server is redirected to the hub's spawn page: report it instead of following.
        followRedirects: false,
      });
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      socket.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        if (status === 401 || status === 403) hooks.onAuthRefused(status);
        else if (status === 424 || (status >= 300 && status < 400)) hooks.onServerStopped(status);
        res.resume();
        socket.terminate();
      });
      socket.on('open', () => this.onopen?.({}));
      socket.on('message', (data, isBinary) => {
        this.onmessage?.({ data: isBinary ? toArrayBuffer(data) : rawText(data) });
      });
      socket.on('error', (err) => this.onerror?.({ error: err }));
      socket.on('close', (code, reason) => this.onclose?.({ code, reason: reason.toString() }));
    }
  };
}

/**
 * A `fetch` for @jupyterlab/services that adds the `Authorization` header (the token never goes in a URL) and
 * reports refusals through the hooks: the kernel connection's own REST calls (restart, reconnect checks) then
 * count as evidence too.
 */
export function authFetch(
  getToken: TokenSource,
  hooks: ConnectionHooks,
  base: typeof fetch = fetch,
): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const token = await getToken();
    if (token) request.headers.set('Authorization', `token ${token}`);
    const response = await base(request);
    if (response.status === 401 || response.status === 403) hooks.onAuthRefused(response.status);
    else if (response.status === 424) hooks.onServerStopped(response.status);
    return response;
  };
}

function rawText(data: WebSocket.RawData): string {
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString('utf8');
}

function toArrayBuffer(data: WebSocket.RawData): ArrayBuffer {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
}
