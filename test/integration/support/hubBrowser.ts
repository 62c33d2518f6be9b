// A scripted browser for the hub's sign-in pages: a cookie jar over fetch that logs in through the hub's
// form (with _xsrf on 4.1+), accepts the OAuth consent page, and follows redirects and meta-refresh pages
// until it reaches a URL outside the hub (the extension's loopback receiver) or a page to stop at.
import http from 'node:http';

/** Where a walk through the hub's pages ended. */
export interface Landing {
  /** The last URL requested. */
  url: string;
  status: number;
  headers: Headers;
  body: string;
  /** Every URL visited, in order (query strings included: this is a test helper, never product code). */
  trail: string[];
}

export interface WalkOptions {
  /** Stop before requesting a URL for which this returns true, returning it as the landing URL. */
  stopAt?: (url: URL) => boolean;
  /** Accept the consent page when it shows (default true). */
  consent?: boolean;
  maxSteps?: number;
}

/**
 * What a browser sends on a top-level navigation. JupyterHub 4.1+ single-user servers accept their login
 * cookie on a GET only from a navigation (or with an XSRF token), else a page such as JupyterLab's redirects
 * back to OAuth forever. Node's fetch always replaces Sec-Fetch-Mode with `cors`, so navigations go through
 * node:http instead (navigate() below).
 */
const NAVIGATION: Record<string, string> = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };

export class HubBrowser {
  /** The hub's cookies by path and name, as a browser keeps them: the hub and each server set their own. */
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(private readonly hubUrl: string) {}

  /** Logs in through `/hub/login`; throws unless the hub accepts the password. */
  async login(username: string, password: string): Promise<void> {
    const { status } = await this.submitRightLogin(username, password);
    if (status !== 302) throw new Error(`login as ${username} answered ${status}`);
  }

  /**
   * `submitLogin` with a password known to be right. A 403 is then 5.5.4's xsrf glitch (see submitLogin)
   * surviving the page retries: it struck 1 full CI run in the last few (signInFlood, 2026-12-03) and a sandbox
   * login in another. A user would log in again; so do we. (A wrong password is a 403 too: not for this.)
   */
  async submitRightLogin(username: string, password: string): Promise<{ status: number; cookies: string[] }> {
    let answer = await this.submitLogin(username, password);
    for (let attempt = 1; attempt < 3 && answer.status === 403; attempt++) {
      answer = await this.submitLogin(username, password);
    }
    return answer;
  }

  /** Fills in and posts the hub's login form; returns the answer's status and Set-Cookie headers. */
  async submitLogin(username: string, password: string): Promise<{ status: number; cookies: string[] }> {
    // JupyterHub 5.5.4 now and then serves its login page without the _xsrf cookie (1 in 150 to 1 in 300
    // logins measured here), and the login then gets 403; a user would reload. So do we. 4.1+ needs _xsrf
    // (hidden field, matching cookie); 3.0 has neither.
    let xsrf: string | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const page = await this.request(`${this.hubUrl}/hub/login`);
      xsrf = /name="_xsrf"[^>]*value="([^"]+)"/.exec(await page.text())?.[1];
      if (!xsrf || page.headers.getSetCookie().some((c) => c.startsWith('_xsrf='))) break;
    }
    const form = new URLSearchParams({ username, password });
    if (xsrf) form.set('_xsrf', xsrf);
    const res = await this.request(`${this.hubUrl}/hub/login`, { method: 'POST', body: form });
    await res.arrayBuffer();
    return { status: res.status, cookies: res.headers.getSetCookie() };
  }

  /**
   * Opens a URL and keeps following: 30x Location headers, `<meta http-equiv="refresh">` pages, and the
   * hub's consent form. Stops at a URL `stopAt` matches (not requested), or at any other page.
   */
  async walk(start: string, options: WalkOptions = {}): Promise<Landing> {
    const trail: string[] = [];
    let url = new URL(start, this.hubUrl);
    let init: RequestInit = {};
    for (let step = 0; step < (options.maxSteps ?? 15); step++) {
      if (options.stopAt?.(url)) {
        trail.push(url.href);
        return { url: url.href, status: 0, headers: new Headers(), body: '', trail };
      }
      trail.push(url.href);
      const res = await this.request(url.href, init, !init.method || init.method === 'GET');
      const body = await res.text();
      init = {};
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)"/i.exec(body)?.[1];
      if (res.status === 200 && refresh) {
        url = new URL(unescapeHtml(refresh), url);
        continue;
      }
      if (res.status === 200 && (options.consent ?? true) && isConsentPage(url, body)) {
        init = { method: 'POST', body: consentForm(body), headers: { Referer: url.href } };
        continue;
      }
      return { url: url.href, status: res.status, headers: res.headers, body, trail };
    }
    throw new Error(`more than ${options.maxSteps ?? 15} redirects: ${trail.join(' → ')}`);
  }

  /**
   * A hub API call with the logged-in browser session's cookie, as the hub's own pages make it: 4.1+ wants
   * the `_xsrf` cookie's value in X-XSRFToken for cookie-authenticated API requests.
   */
  async api(apiPath: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    const url = `${this.hubUrl}/hub/api/${apiPath}`;
    const xsrf = this.cookiesFor(new URL(url)).find((c) => c.name === '_xsrf');
    if (xsrf) headers.set('X-XSRFToken', xsrf.value);
    return this.request(url, { ...init, headers });
  }

  private async request(url: string, init: RequestInit = {}, navigation = false): Promise<Response> {
    const sameHub = url.startsWith(this.hubUrl);
    const headers = new Headers(init.headers);
    const sent = sameHub ? this.cookiesFor(new URL(url)) : [];
    if (sent.length > 0) headers.set('Cookie', sent.map((c) => `${c.name}=${c.value}`).join('; '));
    const res = navigation
      ? await navigate(url, headers)
      : await fetch(url, { ...init, headers, redirect: 'manual' });
    if (sameHub) for (const cookie of res.headers.getSetCookie()) this.store(cookie, new URL(url));
    return res;
  }

  /**
   * The cookies a browser sends to `url`: those whose Path matches, the most specific path first. A
   * single-user server sets `_xsrf` on `/user/<name>/` while the hub has its own on `/hub/`; a jar that
   * kept one per name sent the server's cookies in a mix its OAuth callback could not use, and looped.
   */
  private cookiesFor(url: URL): StoredCookie[] {
    return [...this.cookies.values()]
      .filter((c) => pathMatches(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length);
  }

  /** Keeps a Set-Cookie as a browser does: by name and path; one that has expired deletes the kept one. */
  private store(setCookie: string, from: URL): void {
    const [pair = '', ...attributes] = setCookie.split(';').map((p) => p.trim());
    const at = pair.indexOf('=');
    if (at <= 0) return;
    const attr = (name: string): string | undefined =>
      attributes
        .find((a) => a.toLowerCase().startsWith(`${name}=`))
        ?.slice(name.length + 1)
        .trim();
    const path = attr('path') ?? from.pathname.slice(0, from.pathname.lastIndexOf('/') + 1);
    const cookie = { name: pair.slice(0, at), value: pair.slice(at + 1), path: path || '/' };
    const key = `${cookie.path}\t${cookie.name}`;
    const maxAge = attr('max-age');
    const expires = attr('expires');
    const expired =
      (maxAge !== undefined && Number(maxAge) <= 0) ||
      (expires !== undefined && Date.parse(expires) <= Date.now());
    if (expired) this.cookies.delete(key);
    else this.cookies.set(key, cookie);
  }
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/** RFC 6265's path-match: the cookie's path is the request's, or a prefix of it ending at a `/`. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

function isConsentPage(url: URL, body: string): boolean {
  return url.pathname.endsWith('/hub/api/oauth2/authorize') && /<form[^>]*method="post"/i.test(body);
}

/** The consent page's form fields: hidden `scopes` inputs, `_xsrf` on 4.1+. */
function consentForm(body: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const input of body.matchAll(/<input[^>]*>/gi)) {
    const tag = input[0];
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    const value = /value="([^"]*)"/.exec(tag)?.[1];
    if (!name || value === undefined) continue;
    if (/type="checkbox"/i.test(tag) && !/checked/i.test(tag)) continue;
    form.append(name, unescapeHtml(value));
  }
  return form;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** A GET as a browser's top-level navigation sends it (see NAVIGATION), without following redirects. */
function navigate(url: string, headers: Headers): Promise<Response> {
  return new Promise((resolve, reject) => {
    const plain: Record<string, string> = { ...NAVIGATION };
    headers.forEach((value, name) => (plain[name] = value));
    const req = http.get(url, { headers: plain }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          for (const v of Array.isArray(value) ? value : [value ?? '']) out.append(name, v);
        const status = res.statusCode ?? 0;
        const body = [204, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers: out }));
      });
    });
    req.on('error', reject);
  });
}
