import type { IncomingMessage } from 'node:http';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RequestError } from '../http';

/** The sign-in endpoints that are limited per client, each with its own budget. */
export type LimitedStep = 'start' | 'token';

/**
 * How many sign-in requests one client may make a minute, per endpoint (rate-limiter-flexible's in-memory
 * limiter: a fixed window per key). A person signs in a few times a day; a script hammering `auth/start`
 * would otherwise fill the pending store, and one guessing handoff codes would get unlimited tries.
 */
export class ClientLimits {
  private readonly limiters: Record<LimitedStep, RateLimiterMemory>;

  constructor(perMinute: number) {
    this.limiters = {
      start: new RateLimiterMemory({ keyPrefix: 'start', points: perMinute, duration: 60 }),
      token: new RateLimiterMemory({ keyPrefix: 'token', points: perMinute, duration: 60 }),
    };
  }

  /** Takes one request from the client's budget, or throws RequestError 429 with the seconds to wait. */
  async take(step: LimitedStep, client: string): Promise<void> {
    try {
      await this.limiters[step].consume(client);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new RequestError(
        429,
        'slow_down',
        `Too many sign-in requests from this address. Wait ${seconds} s, then start the sign-in again from VS Code.`,
        seconds,
      );
    }
  }
}

/**
 * The address a request came from. Behind JupyterHub's proxy every request arrives from the proxy, which
 * appends the address it saw to `X-Forwarded-For`; with `trustedProxies` proxies in front of the service, the
 * client is that many entries from the end. Entries further left were written by the client and prove nothing.
 * Without the header (no proxy), it is the socket's peer.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string {
  const header = req.headers['x-forwarded-for'];
  const chain = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (trustedProxies > 0 && chain.length > 0) {
    return chain[Math.max(0, chain.length - trustedProxies)] ?? 'unknown';
  }
  return req.socket.remoteAddress ?? 'unknown';
}
