import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createPkcePair, createState, isWellFormedChallenge, s256 } from '../../core/auth/pkce';
import {
  CLIENT_STATE_PATTERN,
  MAX_QUERY_LENGTH,
  PENDING_SIGN_IN_TTL_MS,
  type TokenGrant,
} from '../../core/auth/schemas';
import { checkRedirectUri } from '../../core/auth/redirectUri';
import { HubAuthError, HubUnavailableError } from '../../core/hub/errors';
import type { Logger } from '../../core/logger';
import { grantsAccess } from '../api/callerAuth';
import { checkedBody, type Handlers, type RequestContext } from '../api/operation';
import type { ServiceConfig } from '../config';
import { RequestError, bearerOf, queryOf, readSmallBody, sendJson } from '../http';
import { ClientLimits, clientAddress } from './clientLimits';
import { ExpiringStore } from './expiringStore';
import { HubOAuthClient } from './hubOAuth';
import { HubTokens, type MintedToken } from './hubTokens';
import { revokeRequestSchema, tokenRequestSchema } from './operations';
import { describeFailure, sendReturnPage } from './pages';

/** One sign-in between `auth/start` and the hub's callback, keyed by the service's own `state`. */
interface PendingSignIn {
  clientChallenge: string;
  clientState: string;
  redirectUri: string;
  hubVerifier: string;
}

/** A handoff code's record, keyed by the code's SHA-256 so memory never holds a usable code. */
interface Handoff {
  clientChallenge: string;
  minted: MintedToken;
  redeemed: boolean;
  revoked: boolean;
}

const MAX_PENDING = 10_000;
/** One client's sign-ins waiting at the hub at once; its oldest goes first, nobody else's. */
const MAX_PENDING_PER_CLIENT = 20;
const MAX_BODY_BYTES = 8 * 1024;

/**
 * The sign-in broker: the extension is an RFC 8252 native client of this service, with PKCE, and this service
 * is the hub's confidential OAuth client. The extension's token comes out of a one-time handoff code bound
 * to the extension's code_challenge, redeemable once within the handoff TTL.
 */
export class SignInBroker {
  private readonly pending: ExpiringStore<PendingSignIn>;
  private readonly handoffs: ExpiringStore<Handoff>;
  private readonly oauth: HubOAuthClient;
  private readonly tokens: HubTokens;
  private readonly limits: ClientLimits;

  /**
   * `onTokenEnded` hears of every token the broker revoked or found refused by the hub, so the catalog's
   * cache of checked tokens can forget it at once.
   */
  constructor(
    private readonly config: ServiceConfig,
    private readonly log: Logger,
    private readonly onTokenEnded: (token: string) => void = () => undefined,
    now: () => number = Date.now,
  ) {
    this.oauth = new HubOAuthClient(config.oauth, config.apiToken);
    this.tokens = new HubTokens(config, log);
    this.limits = new ClientLimits(config.signInLimits.perMinute);
    this.pending = new ExpiringStore({
      ttlMs: PENDING_SIGN_IN_TTL_MS,
      maxEntries: MAX_PENDING,
      maxPerGroup: MAX_PENDING_PER_CLIENT,
      whenFull: 'refuse',
      now,
    });
    this.handoffs = new ExpiringStore<Handoff>({
      ttlMs: config.oauth.handoffTtlMs,
      maxEntries: MAX_PENDING,
      now,
      onExpire: (h) => {
        if (!h.redeemed && !h.revoked) void this.revokeQuietly(h, 'its handoff code expired unredeemed');
      },
    });
    // Unredeemed handoffs must be revoked even when no request comes to trigger a sweep.
    setInterval(() => this.handoffs.sweep(), 5_000).unref();
  }

  /** What runs before the router looks at a sign-in request at all: the per-client rate limits. */
  guards(): Readonly<Record<string, (req: IncomingMessage) => Promise<void>>> {
    const client = (req: IncomingMessage) => clientAddress(req, this.config.signInLimits.trustedProxies);
    return {
      startSignIn: (req) => this.limits.take('start', client(req)),
      redeemHandoff: (req) => this.limits.take('token', client(req)),
    };
  }

  /** The broker's operations (auth/operations.ts), by id. */
  handlers(): Handlers {
    return {
      startSignIn: (ctx) => this.start(ctx),
      finishSignIn: (ctx) => this.callback(ctx),
      redeemHandoff: (ctx) => this.redeem(ctx),
      revokeToken: (ctx) => this.revoke(ctx),
    };
  }

  /** `GET auth/start`: checks the extension's request, remembers it, sends the browser to the hub. */
  private async start({ req, res, query }: RequestContext): Promise<void> {
    const client = clientAddress(req, this.config.signInLimits.trustedProxies);
    const challenge = query.code_challenge ?? '';
    const clientState = query.state ?? '';
    if (query.code_challenge_method !== 'S256') {
      throw new RequestError(400, 'invalid_request', 'code_challenge_method must be S256.');
    }
    if (!isWellFormedChallenge(challenge)) {
      throw new RequestError(400, 'invalid_request', 'code_challenge is missing or malformed.');
    }
    if (!CLIENT_STATE_PATTERN.test(clientState)) {
      throw new RequestError(400, 'invalid_request', 'state is missing or malformed.');
    }
    const redirect = checkRedirectUri(query.redirect_uri ?? '', {
      extensionId: this.config.oauth.extensionId,
      allowedOrigins: this.config.oauth.allowedRedirectOrigins,
    });
    if (!redirect.ok) throw new RequestError(400, 'invalid_redirect_uri', `${redirect.reason}.`);
    this.log.trace(`auth/start: request well-formed; ${this.pending.size} sign-ins pending`);
    const hubPkce = await createPkcePair();
    const state = createState();
    const stored = this.pending.set(
      state,
      {
        clientChallenge: challenge,
        clientState,
        redirectUri: redirect.url.href,
        hubVerifier: hubPkce.verifier,
      },
      client,
    );
    if (!stored) {
      this.log.warn(
        `auth/start: ${MAX_PENDING} sign-ins are pending at once; refusing new ones until some end`,
      );
      throw new RequestError(
        503,
        'temporarily_unavailable',
        'Too many sign-ins are waiting at the hub right now. Try again in a few minutes.',
        60,
      );
    }
    this.log.info(`sign-in started (return to ${redirect.url.protocol}//${redirect.url.hostname})`);
    const location = this.oauth.authorizeUrl({
      state,
      codeChallenge: hubPkce.challenge,
      scopes: [...this.config.oauth.tokenScopes, 'tokens!user'],
    });
    res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.end();
  }

  /** `GET oauth_callback`: the hub is done with the browser; exchange, mint, hand off. */
  private async callback({ req, res }: RequestContext): Promise<void> {
    // The whole query, not just the checked fields: the OAuth client reads the hub's answer from it.
    const q = queryOf(req, MAX_QUERY_LENGTH);
    const state = q.get('state');
    if (!state) {
      throw new RequestError(
        400,
        'missing_state',
        'This response has no sign-in state. Start the sign-in again from VS Code.',
      );
    }
    const found = this.pending.get(state);
    if (found.status !== 'live') {
      throw new RequestError(
        400,
        found.status === 'expired' ? 'expired_state' : 'unknown_state',
        found.status === 'expired'
          ? 'This sign-in took longer than 5 minutes and has expired. Start the sign-in again from VS Code.'
          : 'This sign-in is not known to the service: it was already used, or the service restarted. ' +
              'Start the sign-in again from VS Code.',
      );
    }
    this.pending.delete(state);
    const pending = found.value;
    const hubError = q.get('error');
    if (hubError) {
      const code = /^[a-z_]{1,64}$/.test(hubError) ? hubError : 'server_error';
      this.log.info(`sign-in ended at the hub (${code})`);
      sendReturnPage(res, pending, { error: code, message: describeFailure(code) });
      return;
    }
    let minted: MintedToken;
    try {
      const oauthToken = await this.oauth.exchange(q, { state, verifier: pending.hubVerifier });
      this.log.trace(
        `oauth_callback: the hub granted ${oauthToken.scopes.length} scopes: ${oauthToken.scopes.join(' ')}`,
      );
      minted = await this.tokens.mintForSignIn(oauthToken.accessToken);
      this.log.trace(
        `oauth_callback: minted token ${minted.tokenId} for ${minted.user}, expires ${minted.expiresAt ?? 'never'}`,
      );
    } catch (err) {
      const code = isNetworkFailure(err) ? 'temporarily_unavailable' : 'server_error';
      this.log.warn(`sign-in failed after the hub's callback (${code}): ${safeMessage(err)}`);
      sendReturnPage(res, pending, { error: code, message: describeFailure(code) });
      return;
    }
    const code = randomBytes(32).toString('base64url');
    this.handoffs.set(digest(code), {
      clientChallenge: pending.clientChallenge,
      minted,
      redeemed: false,
      revoked: false,
    });
    this.log.info(`sign-in: ${minted.user} authorized; handoff code issued`);
    sendReturnPage(res, pending, { code });
  }

  /** `POST auth/token {code, code_verifier}`: the one redemption of a handoff code. */
  private async redeem({ req, res }: RequestContext): Promise<void> {
    const { code, code_verifier: verifier } = checkedBody(
      tokenRequestSchema,
      await readSmallBody(req, MAX_BODY_BYTES),
    );
    const found = this.handoffs.get(digest(code));
    if (found.status === 'unknown') throw new RequestError(400, 'invalid_grant', 'Unknown sign-in code.');
    if (found.status === 'expired') {
      throw new RequestError(
        400,
        'invalid_grant',
        'This sign-in code has expired (it lives 60 seconds). Sign in again.',
      );
    }
    const handoff = found.value;
    if (handoff.redeemed) {
      // Revoked before answering: by the time the caller hears "already used", the token is dead.
      if (!handoff.revoked) await this.revokeQuietly(handoff, 'its handoff code was redeemed twice');
      throw new RequestError(
        400,
        'invalid_grant',
        'This sign-in code was already used, so the token issued for it has been revoked. Sign in again.',
      );
    }
    if ((await s256(verifier)) !== handoff.clientChallenge) {
      throw new RequestError(400, 'invalid_grant', 'code_verifier does not match this sign-in.');
    }
    handoff.redeemed = true;
    const m = handoff.minted;
    const grant: TokenGrant = {
      token: m.token,
      token_id: m.tokenId,
      expires_at: m.expiresAt,
      user: m.user,
      scopes: m.scopes,
      hub_url: this.config.oauth.publicHubUrl,
    };
    // The secret is delivered once; only what revocation needs stays in memory.
    m.token = '';
    this.log.info(`sign-in: handoff redeemed by ${m.user}`);
    sendJson(res, 200, grant);
  }

  /** `POST auth/revoke {token_id}` with `Authorization: token X`: the caller revokes its own token. */
  private async revoke({ req, res }: RequestContext): Promise<void> {
    const token = bearerOf(req);
    if (!token)
      throw new RequestError(401, 'invalid_token', 'Send the token to revoke in the Authorization header.');
    const raw = await readSmallBody(req, MAX_BODY_BYTES);
    let me;
    try {
      me = await this.tokens.clientFor(token).getCurrentUser();
    } catch (err) {
      if (err instanceof HubAuthError) {
        this.onTokenEnded(token);
        throw new RequestError(401, 'invalid_token', 'The hub no longer accepts this token.');
      }
      throw err;
    }
    // Like every other use of the service, sign-out needs a token that grants access to it.
    if (me.scopes && !grantsAccess(me.scopes, this.config.name)) {
      throw new RequestError(
        403,
        'forbidden',
        `This token does not grant access to the ${this.config.name} service.`,
      );
    }
    // After the hub has vouched for the token, so an unknown token is a 401 whatever its body.
    const body = checkedBody(revokeRequestSchema, raw);
    const tokenId = me.token_id ?? body.token_id;
    if (body.token_id && me.token_id && body.token_id !== me.token_id) {
      throw new RequestError(
        403,
        'token_mismatch',
        'token_id is not the id of the token making the request.',
      );
    }
    if (!me.token_id && !(await this.tokens.isMinted(me.name, tokenId))) {
      throw new RequestError(403, 'token_mismatch', 'Only tokens this service issued can be revoked here.');
    }
    await this.tokens.revoke(me.name, tokenId);
    this.onTokenEnded(token);
    this.log.info(`sign-out: revoked a token of ${me.name}`);
    res.writeHead(204, { 'Cache-Control': 'no-store' }).end();
  }

  /** Revokes a handoff's token, logging rather than throwing: the caller's answer does not depend on it. */
  private async revokeQuietly(handoff: Handoff, why: string): Promise<void> {
    handoff.revoked = true;
    const { user, tokenId } = handoff.minted;
    try {
      await this.tokens.revoke(user, tokenId);
      this.log.info(`revoked a token of ${user}: ${why}`);
    } catch (err) {
      this.log.error(`could not revoke a token of ${user} (${why}): ${safeMessage(err)}`);
    }
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

function isNetworkFailure(err: unknown): boolean {
  if (err instanceof HubUnavailableError) return true;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : '';
  const code =
    err instanceof Error && err.cause instanceof Error && 'code' in err.cause ? String(err.cause.code) : '';
  const text = `${err instanceof Error ? `${err.name} ${err.message}` : ''} ${cause} ${code}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|fetch failed|timed out|timeout|HubUnavailable|could not reach/i.test(
    text,
  );
}

/** An error's message, which never holds a token here (tokens travel in headers and bodies, not messages). */
function safeMessage(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
