// A TCP proxy on 127.0.0.1 that tests put between a client and the hub's public proxy, so they can cut every
// connection at a chosen moment, the way a network fault would, and watch the client reconnect.
import net from 'node:net';

export interface TcpProxyOptions {
  targetHost: string;
  targetPort: number;
  /** The port to listen on; a free one when absent. */
  port?: number;
}

export interface CutWhenQuietOptions {
  /** How long no byte may have gone from the target to the client before the cut. */
  quietMs: number;
  /** Aborting stops the wait without cutting; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What `onConnection` listeners learn about a connection the proxy accepted. */
export interface ProxiedConnection {
  /** 1 for the first connection the proxy accepted, and so on: also the number accepted so far. */
  id: number;
}

/** A running proxy; see startTcpProxy. */
export interface TcpProxy {
  readonly port: number;
  /**
   * The address of `base` through the proxy: a path such as `/hub/api/`, or a full http(s)/ws(s) URL of the
   * target whose host and port are replaced by the proxy's. The proxy is transparent, so nothing else
   * changes: the hub accepts any Host header on loopback.
   */
  url(base?: string): string;
  /** Destroys every open connection pair at once, with a TCP reset on both sides; returns how many. */
  cut(): number;
  /**
   * Cuts as `cut()` does once no byte has gone from the target to the client for `quietMs`, and resolves
   * with the number cut. Cutting between messages matters for jupyter_server: what is in flight when a
   * websocket drops is lost, and it buffers only the messages produced after it notices the close.
   */
  cutWhenQuiet(options: CutWhenQuietOptions): Promise<number>;
  /** How many connection pairs are open now. */
  connections(): number;
  /** Calls `listener` for each accepted connection; returns a function that stops it. */
  onConnection(listener: (connection: ProxiedConnection) => void): () => void;
  /** Stops listening, cuts what is open and frees the port. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 that forwards every connection to `targetHost:targetPort`. */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const listeners = new Set<(connection: ProxiedConnection) => void>();
  const traffic = { accepted: 0, lastDownstreamAt: Date.now() };
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const pair = connectPair(client, options, () => (traffic.lastDownstreamAt = Date.now()));
    pairs.add(pair);
    pair.closed.then(
      () => pairs.delete(pair),
      () => pairs.delete(pair),
    );
    traffic.accepted++;
    for (const listener of [...listeners]) listener({ id: traffic.accepted });
  });
  const port = await listen(server, options.port ?? 0);
  const cut = (): number => {
    const count = pairs.size;
    for (const pair of pairs) pair.reset();
    pairs.clear();
    return count;
  };
  return {
    port,
    url: (base = '/') => proxiedUrl(base, port),
    cut,
    cutWhenQuiet: (opts) => waitForQuiet(() => traffic.lastDownstreamAt, opts).then(cut),
    connections: () => pairs.size,
    onConnection: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      cut();
      await closed;
    },
  };
}

/** A client socket and its upstream socket to the target. */
interface Pair {
  reset(): void;
  /** Settles once both sockets are closed. */
  closed: Promise<void>;
}

function connectPair(client: net.Socket, target: TcpProxyOptions, onDownstream: () => void): Pair {
  const upstream = net.connect({
    host: target.targetHost,
    port: target.targetPort,
    allowHalfOpen: true,
    noDelay: true,
  });
  client.setNoDelay(true);
  // pipe() forwards the bytes with back-pressure and passes a FIN on as end(); the extra 'data' listener
  // only notes when the target last sent something, for cutWhenQuiet.
  upstream.on('data', onDownstream);
  client.pipe(upstream);
  upstream.pipe(client);
  linkFaults(client, upstream);
  linkFaults(upstream, client);
  const closed = Promise.all([closeOf(client), closeOf(upstream)]).then(() => undefined);
  return {
    reset: () => {
      // A reset rather than a FIN, so both peers see ECONNRESET as with a real fault.
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    },
    closed,
  };
}

/** A failure on one side is passed on to the other as a reset; a clean close is passed on as a FIN. */
function linkFaults(from: net.Socket, to: net.Socket): void {
  from.on('error', () => {
    if (!to.destroyed) to.resetAndDestroy();
  });
  from.on('close', (hadError) => {
    if (to.destroyed) return;
    if (hadError) to.resetAndDestroy();
    else to.end();
  });
}

function closeOf(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function proxiedUrl(base: string, port: number): string {
  if (base.startsWith('/')) return `http://127.0.0.1:${port}${base}`;
  const url = new URL(base);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return url.toString();
}

/** Resolves once `lastAt()` is at least `quietMs` in the past, checking again whenever it moved. */
function waitForQuiet(lastAt: () => number, { quietMs, signal }: CutWhenQuietOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      const reason: unknown = signal?.reason;
      reject(reason instanceof Error ? reason : new Error('cutWhenQuiet aborted'));
    };
    const check = (): void => {
      const left = lastAt() + quietMs - Date.now();
      if (left > 0) {
        timer = setTimeout(check, left);
        return;
      }
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    check();
  });
}
