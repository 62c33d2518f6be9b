import { silentLogger, type Logger } from '../logger';
import type { HubTransport } from '../hub/transport';
import { redeemHandoff } from './brokerApi';
import { SignInError } from './errors';
import type { CallbackReceiver } from './loopbackReceiver';
import { createPkcePair, createState } from './pkce';
import { AUTH_ROUTES, DEFAULT_SERVICE_PATH, type TokenGrant } from './schemas';

export interface BrowserSignInOptions {
  /** A transport to the hub's base URL that sends no token. */
  transport: HubTransport;
  /** The service relative to the hub's base URL; `services/hub-notebooks/` by default. */
  servicePath?: string;
  /** Receives the broker's redirect (URI handler or loopback listener). */
  receiver: CallbackReceiver;
  /** Opens a URL in the user's browser; false when it could not. */
  openBrowser(url: string): PromiseLike<boolean>;
  /**
   * Asks the user for the handoff code the broker's page shows, for when the redirect never arrives. Raced
   * against the receiver; resolving undefined means the user dismissed the prompt, not that sign-in ended.
   */
  promptForCode?: (signal: AbortSignal) => Promise<string | undefined>;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * The extension's side of the sign-in (RFC 8252 with PKCE): opens `{service}auth/start` in the browser, waits
 * for the handoff code on the receiver (or typed by the user), checks `state`, and redeems the code with the
 * verifier. The verifier never leaves this function except in the redeem request's body.
 */
export async function signInWithBrowser(options: BrowserSignInOptions): Promise<TokenGrant> {
  const log = options.logger ?? silentLogger;
  const servicePath = options.servicePath ?? DEFAULT_SERVICE_PATH;
  const pkce = await createPkcePair();
  const state = createState();
  const startUrl = buildStartUrl(options.transport.baseUrl, servicePath, {
    challenge: pkce.challenge,
    state,
    redirectUri: options.receiver.redirectUri,
  });
  const local = new AbortController();
  const onAbort = () => local.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) local.abort();
  try {
    log.info(`sign-in: opening the browser at ${servicePath}${AUTH_ROUTES.start}`);
    if (!(await options.openBrowser(startUrl.href))) {
      throw new SignInError(
        'no-browser',
        'The browser could not be opened, so sign-in was not started. Use "Sign in with API Token…", or set ' +
          'hubNotebooks.signIn.callback to "paste".',
      );
    }
    if (local.signal.aborted) throw new SignInError('cancelled', 'Sign-in was cancelled.');
    const code = await waitForCode(options, state, local.signal);
    if (local.signal.aborted) throw new SignInError('cancelled', 'Sign-in was cancelled.');
    const grant = await redeemHandoff(
      options.transport,
      servicePath,
      { code, verifier: pkce.verifier },
      local.signal,
    );
    log.info(`sign-in: signed in as ${grant.user}`);
    return grant;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    local.abort();
    options.receiver.dispose();
  }
}

/** The browser URL that starts a sign-in; exported for tests of its exact shape. */
export function buildStartUrl(
  hubBase: URL,
  servicePath: string,
  params: { challenge: string; state: string; redirectUri: string },
): URL {
  const url = new URL(`${servicePath}${AUTH_ROUTES.start}`, hubBase);
  url.searchParams.set('code_challenge', params.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', params.state);
  url.searchParams.set('redirect_uri', params.redirectUri);
  return url;
}

/**
 * Turns the callback's parameters into a handoff code, or the error they carry. The state is checked first,
 * so an error message is only shown when it came back through this very sign-in.
 */
export function readCallback(params: URLSearchParams, expectedState: string): string {
  if (params.get('state') !== expectedState) {
    throw new SignInError(
      'state-mismatch',
      'The sign-in response did not match this sign-in (wrong state), so it was ignored. Start it again.',
    );
  }
  const error = params.get('error');
  if (error) {
    if (error === 'access_denied') {
      throw new SignInError(
        'denied',
        'Sign-in was declined at the hub. Start it again and approve access to Hub Notebooks.',
        error,
      );
    }
    const description = params.get('error_description')?.slice(0, 300);
    throw new SignInError(
      'rejected',
      description ?? `The hub ended the sign-in (${error}). Start it again.`,
      error,
    );
  }
  const code = params.get('code');
  if (!code) throw new SignInError('invalid-callback', 'The sign-in response had no code. Start it again.');
  return code;
}

async function waitForCode(
  options: BrowserSignInOptions,
  state: string,
  signal: AbortSignal,
): Promise<string> {
  const fromReceiver = options.receiver.wait(signal).then((params) => readCallback(params, state));
  if (!options.promptForCode) return fromReceiver;
  const prompt = options.promptForCode;
  // A dismissed prompt leaves the receiver waiting; only a typed code competes with it.
  const typed = prompt(signal).then((code) => code?.trim() || new Promise<string>(() => undefined));
  return Promise.race([fromReceiver, typed]);
}
