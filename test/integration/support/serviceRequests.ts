// Shared helpers for the service's hardening tests against the real hub (serviceHardening.test.ts,
// signInFlood.test.ts): raw requests to the service through the hub's proxy, sign-ins whose tokens are
// revoked when the test file ends, a sign-in paused at the service's callback, and checks of its pages.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';

import {
  buildStartUrl,
  createPkcePair,
  createState,
  type PkcePair,
  type TokenGrant,
} from '../../../src/core/auth';
import type { DemoUser, HubHandle } from '../../hub/harness';
import { adminClient } from '../clients';
import type { HubBrowser } from './hubBrowser';
import { recordIssuedToken } from './secrets';
import { signInAs } from './signIn';

/** The service's path below the hub's URL. */
export const SERVICE = 'services/hub-notebooks/';
/** A random tag of this test process, in the names, notes and states it sends, so runs cannot collide. */
export const run = crypto.randomBytes(4).toString('hex');
/** A challenge of the right shape (RFC 7636's example); a start built with it is never redeemed. */
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
/** A loopback redirect URI the broker accepts; nothing listens there, and no test follows a page to it. */
const NOWHERE = 'http://127.0.0.1:45678/auth-callback';

/** A response of the service: its status, headers and body as text. */
export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Requests to the service of one hub, and the tokens the tests got from it: each is revoked in `revokeAll()`,
 * which a test file calls from its top-level `after` (most are revoked by the tests themselves).
 */
export class ServiceRequests {
  private readonly minted: { user: string; id: string }[] = [];

  constructor(private readonly hub: HubHandle) {}

  /**
   * One request to the service through the hub's proxy with node:http, which, unlike fetch, may send any header
   * (Host included) and from any local address (the proxy then appends that address to X-Forwarded-For).
   */
  request(
    route: string,
    options: {
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      localAddress?: string;
      agent?: http.Agent;
    } = {},
  ): Promise<Answer> {
    const url = new URL(`${this.hub.url}/${SERVICE}${route}`);
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: options.method ?? 'GET',
          headers: options.headers,
          localAddress: options.localAddress,
          agent: options.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              for (const v of Array.isArray(value) ? value : [value ?? '']) headers.append(name, v);
            resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  /** Remembers a token of `user` for revocation at the end (recording it for the hygiene grep is the caller's). */
  revokeLater(user: string, id: string): void {
    this.minted.push({ user, id });
  }

  /** Remembers a token for the hygiene grep and for revocation at the end. */
  keep(grant: TokenGrant): TokenGrant {
    recordIssuedToken(grant.token);
    this.revokeLater(grant.user, grant.token_id);
    return grant;
  }

  /** Signs `user` in end to end (signInAs records the token) and remembers the token for revocation. */
  async signIn(user: DemoUser): Promise<TokenGrant> {
    const { grant } = await signInAs(this.hub, user);
    this.revokeLater(grant.user, grant.token_id);
    return grant;
  }

  /** A logged-in user's sign-in, walked through the hub's consent up to the service's callback (not requested). */
  async pausedAtCallback(browser: HubBrowser): Promise<{ pkce: PkcePair; state: string; callback: URL }> {
    const pkce = await createPkcePair();
    const state = createState();
    const start = buildStartUrl(new URL(`${this.hub.url}/`), SERVICE, {
      challenge: pkce.challenge,
      state,
      redirectUri: NOWHERE,
    });
    const landing = await browser.walk(start.href, { stopAt: (u) => u.pathname.endsWith('/oauth_callback') });
    const callback = new URL(landing.url);
    assert.ok(callback.searchParams.get('code'), `the hub issued a code (walk ended at ${landing.url})`);
    return { pkce, state, callback };
  }

  /** Revokes every token remembered so far; errors (a token the test revoked already) are ignored. */
  async revokeAll(): Promise<void> {
    const admin = adminClient(this.hub);
    for (const { user, id } of this.minted.splice(0))
      await admin.revokeToken(user, id).catch(() => undefined);
  }
}

/** The headers of a request sent with `token`, plus `extra`. */
export function withToken(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `token ${token}`, ...extra };
}

/** The service's JSON error body of `answer`. */
export function jsonOf(answer: Answer): { error?: string; message?: string } {
  return JSON.parse(answer.body) as { error?: string; message?: string };
}

/** The route of a well-formed `auth/start` (a valid challenge, a loopback redirect), with `overrides` applied. */
export function startRoute(overrides: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: `hardening-${run}`,
    redirect_uri: NOWHERE,
    ...overrides,
  });
  return `auth/start?${q}`;
}

/** The handoff code on the broker's return page (shown for pasting, should the redirect not arrive). */
export function handoffCodeOf(page: string): string {
  const code = /id="handoff-code">([^<]+)</.exec(page)?.[1];
  assert.ok(code, 'the return page shows a handoff code');
  return code;
}

/** The header pair that keeps a page out of frames: CSP frame-ancestors, and X-Frame-Options for old browsers. */
export function assertUnframeable(headers: Headers, what: string): void {
  assert.match(headers.get('content-type') ?? '', /^text\/html/, `${what} is a page`);
  assert.match(
    headers.get('content-security-policy') ?? '',
    /(^|;)\s*frame-ancestors 'none'\s*(;|$)/,
    `${what}: Content-Security-Policy has frame-ancestors 'none'`,
  );
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
}
