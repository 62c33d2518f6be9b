/**
 * Typed errors for everything that can go wrong talking to a JupyterHub. Each carries the server's own message,
 * when it sent one, and a sentence telling the user what to do next. None ever carries a token: URLs are kept
 * without their query strings.
 */

import { CoreError } from '../errors';

/** What kind of failure an error is, for callers that switch instead of using `instanceof`. */
export type HubErrorKind =
  | 'auth'
  | 'server-not-running'
  | 'unavailable'
  | 'not-found'
  | 'response'
  | 'not-a-hub'
  | 'invalid-response'
  | 'cross-origin-redirect'
  | 'spawn-failed';

export interface HubErrorDetails {
  /** The HTTP status, when there was a response. */
  status?: number | undefined;
  /** The request's URL without query string. */
  url?: string | undefined;
  /** The message the server sent, if any (JupyterHub and jupyter_server send `{"message": ...}`). */
  serverMessage?: string | undefined;
  cause?: unknown;
}

/** Base class of every error the hub client throws. */
export abstract class HubError extends CoreError {
  abstract override readonly kind: HubErrorKind;
  readonly status: number | undefined;
  readonly url: string | undefined;
  readonly serverMessage: string | undefined;

  constructor(message: string, details: HubErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.url = details.url;
    this.serverMessage = details.serverMessage;
  }
}

/** 401 or 403: the token is missing, garbage, expired, revoked, or lacks a scope. */
export class HubAuthError extends HubError {
  readonly kind = 'auth';
}

/** 424, or a redirect chain that ends there: the user's single-user server is not running. */
export class ServerNotRunningError extends HubError {
  readonly kind = 'server-not-running';
}

/** 502/503/504, a refused or reset connection, or a timeout: the hub, its proxy or the server is down. */
export class HubUnavailableError extends HubError {
  readonly kind = 'unavailable';
}

/** 404: no such user, server, token or path. */
export class HubNotFoundError extends HubError {
  readonly kind = 'not-found';
}

/** Any other unexpected status. */
export class HubResponseError extends HubError {
  readonly kind = 'response';
}

/** The URL answered, but not as a JupyterHub does (for example an ordinary web page). */
export class NotAJupyterHubError extends HubError {
  readonly kind = 'not-a-hub';
}

/** The hub answered with a payload of an unexpected shape. */
export class InvalidHubResponseError extends HubError {
  readonly kind = 'invalid-response';
}

/** The hub redirected to another origin; the request was not followed, so the token stayed home. */
export class CrossOriginRedirectError extends HubError {
  readonly kind = 'cross-origin-redirect';
}

/** The hub could not start the server; the message is the hub's own. */
export class SpawnFailedError extends HubError {
  readonly kind = 'spawn-failed';
}

/** Returns `url` without its query string and fragment, so an error or log line never repeats them. */
export function redactUrl(url: string | URL): string {
  const u = new URL(url.toString());
  return `${u.origin}${u.pathname}`;
}

/**
 * Pulls a short human message out of an error body: the `message` of a JupyterHub or jupyter_server JSON
 * error, or the `<title>` of an HTML page.
 */
export function extractServerMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || body.length === 0) return undefined;
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as { message?: unknown; reason?: unknown };
      if (typeof parsed.message === 'string' && parsed.message) return clip(parsed.message);
      if (typeof parsed.reason === 'string' && parsed.reason) return clip(parsed.reason);
    } catch {
      // Not JSON after all: fall through to the HTML and text cases.
    }
  }
  const title = /<title>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
  if (title) return clip(title.replace(/\s+/g, ' '));
  return trimmed.startsWith('<') ? undefined : clip(trimmed);
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** Maps a non-success HTTP status to the typed error a caller should see. */
export function errorForStatus(status: number, url: string, body: unknown, what: string): HubError {
  const serverMessage = extractServerMessage(body);
  const details: HubErrorDetails = { status, url: redactUrl(url), serverMessage };
  const said = serverMessage ? `: ${serverMessage}` : '';
  if (status === 401 || status === 403) {
    return new HubAuthError(
      `The hub refused the request to ${what} (${status}${said}). Sign in again, or ask a hub admin for access.`,
      details,
    );
  }
  if (status === 424) {
    return new ServerNotRunningError(
      `Your server on the hub is not running (${status}${said}). Start it, then try again.`,
      details,
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return new HubUnavailableError(
      `The hub or your server is unavailable (${status}${said}). It may be restarting: try again in a minute.`,
      details,
    );
  }
  if (status === 404) {
    return new HubNotFoundError(`The hub found nothing for ${what} (404${said}).`, details);
  }
  return new HubResponseError(`The hub could not ${what} (${status}${said}).`, details);
}
