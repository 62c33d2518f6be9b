import * as oidc from 'openid-client';
import type { OAuthSettings } from '../config';

/** What the hub's token endpoint gave for one sign-in. The access token is used within seconds, then deleted. */
export interface HubOAuthToken {
  accessToken: string;
  scopes: string[];
}

/**
 * The service as the hub's confidential OAuth client, through openid-client. JupyterHub has no discovery
 * document, so the metadata is built by hand; the client secret is the service's API token, sent in the form
 * body (the hub answers 401 to Basic auth). PKCE S256 is always sent: hubs up to 5.x ignore it, 6.0 checks it.
 */
export class HubOAuthClient {
  private readonly config: oidc.Configuration;

  constructor(
    private readonly settings: OAuthSettings,
    clientSecret: string,
    fetchImpl: typeof fetch = fetch,
  ) {
    this.config = new oidc.Configuration(
      {
        issuer: new URL(settings.tokenUrl).origin,
        // Only its path and query survive: the browser is sent there relative to the hub's public origin.
        authorization_endpoint: new URL(settings.authorizeUrl, PLACEHOLDER_ORIGIN).href,
        token_endpoint: settings.tokenUrl,
      },
      settings.clientId,
      undefined,
      oidc.ClientSecretPost(clientSecret),
    );
    // The hub API is plain http inside the deployment (127.0.0.1 on one host, the hub's ClusterIP on z2jh).
    if (settings.tokenUrl.startsWith('http:')) oidc.allowInsecureRequests(this.config);
    // A user waits in the browser meanwhile: give up after 10 s rather than openid-client's 30 s.
    this.config.timeout = 10;
    this.config[oidc.customFetch] = (url, options) => fetchImpl(url, this.withRegisteredRedirect(options));
  }

  /**
   * The hub's authorize URL for one sign-in. It is host-relative unless JUPYTERHUB_HOST names a host, so the
   * browser stays on whatever public origin it used to reach the service (one host, z2jh, subpaths alike).
   */
  authorizeUrl(input: { state: string; codeChallenge: string; scopes: readonly string[] }): string {
    const url = oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: this.settings.callbackUrl,
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      scope: input.scopes.join(' '),
    });
    return url.origin === PLACEHOLDER_ORIGIN ? `${url.pathname}${url.search}` : url.href;
  }

  /** Exchanges the callback's code (`POST /hub/api/oauth2/token`), checking `state` first. */
  async exchange(
    callback: URLSearchParams,
    expected: { state: string; verifier: string },
  ): Promise<HubOAuthToken> {
    const current = new URL(`${PLACEHOLDER_ORIGIN}/callback?${callback.toString()}`);
    const tokens = await oidc.authorizationCodeGrant(this.config, current, {
      expectedState: expected.state,
      pkceCodeVerifier: expected.verifier,
    });
    return { accessToken: tokens.access_token, scopes: (tokens.scope ?? '').split(' ').filter(Boolean) };
  }

  /**
   * openid-client sends `redirect_uri` as an absolute URL taken from the callback URL. JupyterHub registers
   * services with a host-relative redirect URI and compares the strings exactly, so the registered string is
   * put back here, on the way to the token endpoint.
   */
  private withRegisteredRedirect(options: oidc.CustomFetchOptions): RequestInit {
    const body = options.body;
    if (body instanceof URLSearchParams && body.has('redirect_uri')) {
      body.set('redirect_uri', this.settings.callbackUrl);
    }
    return options as RequestInit;
  }
}

/** Stands in for the hub's public origin, which only the browser knows; it never leaves this module. */
const PLACEHOLDER_ORIGIN = 'http://public-hub.invalid';
