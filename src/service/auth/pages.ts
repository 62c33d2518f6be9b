import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml, type RequestError } from '../http';

/** The header that names the broker's error code on pages, so scripts and tests need not parse prose. */
export const ERROR_HEADER = 'X-Hub-Notebooks-Error';

/** A page for a browser request the broker refused. */
export function sendErrorPage(res: ServerResponse, err: RequestError): void {
  res.setHeader(ERROR_HEADER, err.code);
  sendHtml(res, err.status, 'Hub Notebooks: sign-in stopped', `<p>${escapeHtml(err.message)}</p>`);
}

/** What the page hands back to the extension: a code, or an error and why. */
export type ReturnPayload = { code: string } | { error: string; message: string };

/**
 * Sends the browser back to the extension's redirect URI with `code` (or `error`) and the extension's own
 * `state`. It is a page rather than a bare 302 so that, when the target cannot be reached (an editor URI
 * with no editor to catch it, a loopback listener that has gone), the user still sees the code to paste.
 */
export function sendReturnPage(
  res: ServerResponse,
  target: { redirectUri: string; clientState: string },
  payload: ReturnPayload,
): void {
  const url = new URL(target.redirectUri);
  if ('code' in payload) url.searchParams.set('code', payload.code);
  else {
    url.searchParams.set('error', payload.error);
    url.searchParams.set('error_description', payload.message);
  }
  url.searchParams.set('state', target.clientState);
  const href = escapeHtml(url.href);
  const head = `<meta http-equiv="refresh" content="0;url=${href}">`;
  if ('code' in payload) {
    sendHtml(
      res,
      200,
      'Hub Notebooks: return to VS Code',
      `<p>Signed in. Returning you to VS Code…</p><p><a href="${href}">Open VS Code</a> if nothing happens.</p>` +
        '<p>If VS Code still does not respond, copy this one-time code and paste it into VS Code ' +
        `(it works once, within a minute):</p><p><code id="handoff-code">${escapeHtml(payload.code)}</code></p>`,
      head,
    );
    return;
  }
  res.setHeader(ERROR_HEADER, payload.error);
  sendHtml(
    res,
    200,
    'Hub Notebooks: sign-in did not complete',
    `<p>${escapeHtml(payload.message)}</p><p><a href="${href}">Return to VS Code</a>.</p>`,
    head,
  );
}

/** What each error code means to the user, with the way forward. */
export function describeFailure(code: string): string {
  switch (code) {
    case 'access_denied':
      return 'Access to Hub Notebooks was declined at the hub. Start the sign-in again and approve it.';
    case 'temporarily_unavailable':
      return 'The hub could not be reached while finishing the sign-in. Wait a moment, then sign in again.';
    default:
      return 'The hub did not complete the sign-in. Sign in again; if it keeps failing, ask the hub operator to check the hub-notebooks service log.';
  }
}
