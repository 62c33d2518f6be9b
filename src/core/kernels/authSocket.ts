import type * as WsModule from 'ws';
import type WebSocket from 'ws';

/** ws is loaded with the first kernel connection, not with the module (it is a third of the activation bundle). */
let wsModule: Promise<typeof WsModule> | undefined;
const loadWs = (): Promise<typeof WsModule> => (wsModule ??= import('ws'));

/** Where the token comes from; read again for every connection, so a new sign-in takes effect on reconnect. */
export type TokenSource = () => string | undefined | Promise<string | undefined>;

/** What the kernel layer learns from refused requests, so it can close the connection and say why. */
export interface ConnectionHooks {
  /** A 401/403 from the server: the token was revoked, expired or lacks a scope. */
  onAuthRefused(status: number): void;
  /** A 424, or a websocket upgrade answered with a redirect: the user's server is not running. */
  onServerStopped(status: number): void;
}

/**
 * Asked after messages arrive: whether a reply is awaited, so an ACK nudge is worth sending (see
 * authWebSocketClass). Undefined turns the nudge off.
 */
export type AckNudge = (() => boolean) | undefined;

/** A turn that brought this much or more is output flooding in, and needs no nudge (see nudge()). */
export const NUDGE_MAX_TURN_BYTES = 16 * 1024;

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
 *
 * The ACK nudge: a stock jupyter_server leaves Nagle's algorithm on, so once it has sent one small message it
 * holds the next until the proxy acknowledges the first, and the proxy, having nothing to send back, delays
 * that ACK by about 40 ms: every cell then takes 44 ms or more. While `ackNudge` says a reply is awaited,
 * the socket answers the messages of each event-loop turn with one unsolicited pong frame (RFC 6455 5.5.3:
 * no response expected), which the proxy forwards at once to the server and which carries the ACK there.
 * Not a ping: the server's pongs would be small writes of their own and stall in their turn.
 */
export function authWebSocketClass(
  getToken: TokenSource,
  hooks: ConnectionHooks,
  ackNudge?: AckNudge,
): SocketClass {
  return class HubKernelSocket implements BrowserLikeSocket {
    binaryType = 'arraybuffer';
    onopen: BrowserLikeSocket['onopen'] = null;
    onmessage: BrowserLikeSocket['onmessage'] = null;
    onclose: BrowserLikeSocket['onclose'] = null;
    onerror: BrowserLikeSocket['onerror'] = null;
    private socket: WebSocket | undefined;
    private closed = false;
    private nudgePending = false;
    private turnBytes = 0;

    constructor(url: string, protocols?: string | string[]) {
      const token = Promise.resolve(getToken()).catch(() => undefined);
      void Promise.all([token, loadWs()]).then(
        ([value, ws]) => this.open(ws.default, url, protocols, value),
        (err: unknown) => this.onerror?.({ error: err }),
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

    private open(
      Socket: typeof WebSocket,
      url: string,
      protocols: string | string[] | undefined,
      token: string | undefined,
    ): void {
      if (this.closed) return;
      const socket = new Socket(url, protocols ?? [], {
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
        if (ackNudge) this.nudge(socket, ackNudge, byteLength(data));
      });
      socket.on('error', (err) => this.onerror?.({ error: err }));
      socket.on('close', (code, reason) => this.onclose?.({ code, reason: reason.toString() }));
    }

    /**
     * One pong per event-loop turn at most, after the turn's messages are routed (so a run that just ended
     * no longer counts). None after a turn that brought NUDGE_MAX_TURN_BYTES or more: Nagle holds back only
     * small writes, and while output floods in, the proxy's ACKs go out without help (one per two segments).
     */
    private nudge(socket: WebSocket, awaited: () => boolean, bytes: number): void {
      this.turnBytes += bytes;
      if (this.nudgePending) return;
      this.nudgePending = true;
      setImmediate(() => {
        const small = this.turnBytes < NUDGE_MAX_TURN_BYTES;
        this.nudgePending = false;
        this.turnBytes = 0;
        if (small && socket.readyState === socket.OPEN && awaited()) socket.pong();
      });
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

function byteLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.byteLength, 0);
  return data.byteLength;
}
