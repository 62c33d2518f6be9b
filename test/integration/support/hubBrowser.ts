// A scripted browser for the hub's sign-in pages: a cookie jar over fetch that logs in through the hub's
// form (with _xsrf on 4.1+), accepts the OAuth consent page, and follows redirects and meta-refresh pages
// until it reaches a URL outside the hub (the extension's loopback receiver) or a page to stop at.

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

export class HubBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly hubUrl: string) {}

  /** Logs in through `/hub/login`; throws unless the hub accepts the password. */
  async login(username: string, password: string): Promise<void> {
    const { status } = await this.submitLogin(username, password);
    if (status !== 302) throw new Error(`login as ${username} answered ${status}`);
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
      const res = await this.request(url.href, init);
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
    const xsrf = this.cookies.get('_xsrf');
    if (xsrf) headers.set('X-XSRFToken', xsrf);
    return this.request(`${this.hubUrl}/hub/api/${apiPath}`, { ...init, headers });
  }

  private async request(url: string, init: RequestInit = {}): Promise<Response> {
    const sameHub = url.startsWith(this.hubUrl);
    const headers = new Headers(init.headers);
    if (sameHub && this.cookies.size > 0) {
      headers.set('Cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (sameHub) {
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair?.indexOf('=') ?? -1;
        if (pair && at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    }
    return res;
  }
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
