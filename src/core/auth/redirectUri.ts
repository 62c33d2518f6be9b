/**
 * Where the broker may send a handoff code. A code sent anywhere else could be redeemed by whoever holds the
 * verifier, so the list is short: loopback (RFC 8252 §7.3), this extension's own editor URI schemes, and
 * origins an operator names for web or remote VS Code.
 */
export interface RedirectPolicy {
  /** `publisher.name` of the extension, for example `hub-notebooks.hub-notebooks`. */
  extensionId: string;
  /** Exact origins (`https://code.example.org`) an operator allows, for code-server or vscode.dev setups. */
  allowedOrigins: readonly string[];
}

export type RedirectCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The URI schemes desktop editors register for their URI handlers. */
export const EDITOR_SCHEMES: readonly string[] = ['vscode', 'vscode-insiders', 'vscodium', 'code-oss'];

const MAX_REDIRECT_LENGTH = 2048;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/** Checks a `redirect_uri` against the policy; the reason is safe to show (it never echoes the URI). */
export function checkRedirectUri(raw: string, policy: RedirectPolicy): RedirectCheck {
  if (raw.length === 0) return { ok: false, reason: 'redirect_uri is missing' };
  if (raw.length > MAX_REDIRECT_LENGTH) return { ok: false, reason: 'redirect_uri is too long' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'redirect_uri is not an absolute URL' };
  }
  if (url.username || url.password || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(raw)) {
    return { ok: false, reason: 'redirect_uri must not contain user information' };
  }
  if (url.hash) return { ok: false, reason: 'redirect_uri must not have a fragment' };
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'http' && LOOPBACK_HOSTS.has(url.hostname)) return { ok: true, url };
  if (EDITOR_SCHEMES.includes(scheme)) {
    return url.host.toLowerCase() === policy.extensionId.toLowerCase()
      ? { ok: true, url }
      : { ok: false, reason: `redirect_uri names another extension than ${policy.extensionId}` };
  }
  if ((scheme === 'https' || scheme === 'http') && policy.allowedOrigins.includes(url.origin)) {
    return { ok: true, url };
  }
  return {
    ok: false,
    reason:
      'redirect_uri is not allowed: use http://127.0.0.1:<port>/, an editor URI for this extension, ' +
      'or an origin the operator lists in HUB_NOTEBOOKS_ALLOWED_REDIRECT_ORIGINS',
  };
}

/** Reads an operator's comma-separated origin list, keeping only well-formed http(s) origins. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  if (!value) return [];
  const origins: string[] = [];
  for (const item of value.split(',')) {
    const trimmed = item.trim();
    if (!trimmed) continue;
    try {
      const url = new URL(trimmed);
      if (url.protocol === 'https:' || url.protocol === 'http:') origins.push(url.origin);
    } catch {
      // A malformed entry is skipped; the service logs the list it ends up with.
    }
  }
  return origins;
}
