import * as z from 'zod/mini';
import { lazySchema } from '../lazySchema';

/**
 * The wire contract between the extension and the hub service's sign-in broker. Both sides import it, so a
 * change to a path, a lifetime or a field shows up as a type error on both.
 */
export const AUTH_ROUTES = {
  /** `GET {prefix}auth/start?code_challenge&code_challenge_method=S256&state&redirect_uri`: opened in the browser. */
  start: 'auth/start',
  /** `GET {prefix}oauth_callback?code&state`: where the hub sends the browser back. */
  callback: 'oauth_callback',
  /** `POST {prefix}auth/token {code, code_verifier}`: redeems a handoff code for a hub token. */
  token: 'auth/token',
  /** `POST {prefix}auth/revoke {token_id}` with `Authorization: token X`: revokes the caller's own token. */
  revoke: 'auth/revoke',
} as const;

/** Where the service lives relative to the hub's base URL, as the extension addresses it. */
export const DEFAULT_SERVICE_PATH = 'services/hub-notebooks/';

/** The service's URL prefix on the hub when it is registered under its conventional name. */
export const DEFAULT_SERVICE_PREFIX = '/services/hub-notebooks/';

/** How long a sign-in may wait in the browser (hub login, MFA, consent) before it must start again. */
export const PENDING_SIGN_IN_TTL_MS = 5 * 60_000;

/** How long a handoff code can be redeemed; it works once. */
export const HANDOFF_TTL_MS = 60_000;

/** The path the extension's URI handler and loopback receiver listen on. */
export const CALLBACK_PATH = '/auth-callback';

/**
 * The longest query string either side accepts; anything longer is garbage or an attack. It leaves room for
 * the longest parameters the broker's schemas allow, each percent-encoded three times over.
 */
export const MAX_QUERY_LENGTH = 8192;

/** The extension's `state` for a sign-in: printable ASCII, 8 to 512 characters. */
export const CLIENT_STATE_PATTERN = /^[\x21-\x7e]{8,512}$/;

/** Redirect URIs are ASCII (RFC 3986) and short; the allowlist in redirectUri.ts decides which are accepted. */
export const MAX_REDIRECT_URI_LENGTH = 1024;

/** `POST {prefix}auth/token` → 200: a hub API token minted for this sign-in alone. */
export const tokenGrantSchema = lazySchema(() =>
  z.object({
    token: z.string().check(z.minLength(1)),
    /** The hub's id of the token (`a123`), used to revoke exactly this one at sign-out. */
    token_id: z.string().check(z.minLength(1)),
    /** ISO 8601, or null when the hub set no expiry. */
    expires_at: z.nullable(z.string()),
    user: z.string().check(z.minLength(1)),
    scopes: z.array(z.string()),
    /** The hub's public URL as the service sees it; informative, the extension keeps its own. */
    hub_url: z.string(),
  }),
);

export type TokenGrant = z.infer<typeof tokenGrantSchema>;

/** The JSON error body every broker endpoint answers with, in a 4xx or 5xx. */
export const brokerErrorSchema = lazySchema(() =>
  z.object({
    error: z.string(),
    message: z.string(),
  }),
);

export type BrokerError = z.infer<typeof brokerErrorSchema>;
