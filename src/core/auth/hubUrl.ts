declare const hubUrlBrand: unique symbol;

/**
 * A hub's normalised base URL (ending in `/`), one the extension may send a token to. Only checkHubUrl makes
 * one, so a value of this type has been checked and normalised exactly once, wherever it came from.
 */
export type HubUrl = string & { readonly [hubUrlBrand]: true };

/** A hub URL the extension may send a token to. */
export type HubUrlCheck = { ok: true; url: HubUrl } | { ok: false; reason: string };

/**
 * Validates and normalises a hub URL from settings or input. Plain http is refused except to loopback, since
 * the token travels in a header on every request. The result is the hub's base URL ending in `/`, with any
 * trailing `hub/` or `hub/login`-style path left off, because users paste what their browser shows.
 */
export function checkHubUrl(raw: string): HubUrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: `"${raw}" is not a URL; expected something like https://hub.example.org/` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `${url.protocol} is not supported; use https://` };
  }
  if (url.username || url.password) return { ok: false, reason: 'the hub URL must not contain a user name' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      reason: `plain http to ${url.hostname} would expose your token; use https:// (http is allowed only to 127.0.0.1, ::1 or localhost)`,
    };
  }
  // What a browser shows inside the hub (`/hub/...`, `/user/<name>/...`) is cut back to the hub's base URL.
  const path = url.pathname.replace(/\/(hub|user\/[^/]+)(\/.*)?$/, '/').replace(/\/*$/, '/');
  return { ok: true, url: `${url.origin}${path}` as HubUrl };
}

/** True for names that cannot leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
