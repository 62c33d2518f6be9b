import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../logger';
import { realTimers, type Timers } from '../timers';
import { SignInError } from './errors';
import { CALLBACK_PATH, MAX_QUERY_LENGTH, PENDING_SIGN_IN_TTL_MS } from './schemas';

/** Something that receives the broker's redirect: a loopback listener, a URI handler, a test double. */
export interface CallbackReceiver {
  /** The `redirect_uri` to send to the broker. */
  readonly redirectUri: string;
  /** Resolves with the callback's query parameters, once; rejects on timeout or abort. */
  wait(signal?: AbortSignal): Promise<URLSearchParams>;
  dispose(): void;
}

export interface LoopbackReceiverOptions {
  /** How long to wait for the browser; 5 minutes by default, as long as the broker keeps a sign-in. */
  timeoutMs?: number;
  logger?: Logger;
  /** The clock of that timeout; the real one unless a test passes a fake. */
  timers?: Timers;
}

/** A loopback receiver, and when its listener has closed. */
export interface LoopbackReceiver extends CallbackReceiver {
  readonly closed: Promise<void>;
}

/**
 * RFC 8252 §7.3: listens on 127.0.0.1 on a port the OS picks, takes exactly one callback on CALLBACK_PATH,
 * answers the browser with a page that says to go back to VS Code, and closes. It also closes on timeout,
 * on abort and on dispose. Requests for other paths (favicon, probes) get 404 and do not count.
 */
export async function startLoopbackReceiver(
  options: LoopbackReceiverOptions = {},
): Promise<LoopbackReceiver> {
  const log = options.logger ?? silentLogger;
  const timers = options.timers ?? realTimers;
  const timeoutMs = options.timeoutMs ?? PENDING_SIGN_IN_TTL_MS;
  let deliver: (params: URLSearchParams) => void = () => undefined;
  let received: URLSearchParams | undefined;
  const server = createServer((req, res) => {
    const url = parseRequestUrl(req);
    if (!url || url.pathname !== CALLBACK_PATH || req.method !== 'GET') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    if (received) {
      sendPage(res, 409, 'This sign-in already finished. You can close this tab.');
      return;
    }
    received = url.searchParams;
    const failed = url.searchParams.has('error');
    sendPage(
      res,
      200,
      failed
        ? 'Sign-in did not complete. Return to VS Code to see why and try again.'
        : 'Signed in to the hub. You can close this tab and return to VS Code.',
    );
    log.info(`loopback receiver got its callback (${failed ? 'an error' : 'a code'})`);
    deliver(url.searchParams);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const close = () => {
    server.close(() => markClosed());
    server.closeAllConnections();
  };
  log.debug(`loopback receiver listening on 127.0.0.1:${port}`);
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    closed,
    wait(signal) {
      return new Promise<URLSearchParams>((resolve, reject) => {
        const timer = timers.setTimeout(() => {
          finish();
          reject(
            new SignInError('timeout', 'Sign-in timed out after 5 minutes in the browser. Start it again.'),
          );
        }, timeoutMs);
        const onAbort = () => {
          finish();
          reject(new SignInError('cancelled', 'Sign-in was cancelled.'));
        };
        const finish = () => {
          timer.cancel();
          signal?.removeEventListener('abort', onAbort);
          // Let the browser's page finish loading before the listener goes away.
          setImmediate(close);
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        if (received) {
          finish();
          resolve(received);
          return;
        }
        deliver = (params) => {
          finish();
          resolve(params);
        };
      });
    },
    dispose: close,
  };
}

function parseRequestUrl(req: IncomingMessage): URL | undefined {
  const raw = req.url ?? '/';
  if (raw.length > MAX_QUERY_LENGTH + CALLBACK_PATH.length + 1) return undefined;
  try {
    return new URL(raw, 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function sendPage(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(`<!doctype html><meta charset="utf-8"><title>Hub Notebooks</title><p>${text}</p>`);
}
