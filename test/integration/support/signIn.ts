// Drives the real sign-in from code: the core's browser sign-in with a loopback receiver, and a scripted
// browser that logs in to the hub's form, accepts consent and follows the redirects back to the receiver.
import { signInWithBrowser, startLoopbackReceiver, type TokenGrant } from '../../../src/core/auth';
import { createHubTransport } from '../../../src/core/hub';
import type { DemoUser, HubHandle } from '../../hub/harness';
import { HubBrowser, type Landing } from './hubBrowser';
import { recordIssuedToken, traceLogger } from './secrets';

export interface ScriptedSignIn {
  grant: TokenGrant;
  /** Where the scripted browser's walk ended (the loopback receiver's page). */
  landing: Landing;
  browser: HubBrowser;
}

/** A transport to the hub that sends no token, as the extension uses for sign-in. */
export function anonymousTransport(hub: HubHandle) {
  return createHubTransport({
    baseUrl: hub.url,
    getToken: () => undefined,
    timeoutMs: 15_000,
    logger: traceLogger('sign-in'),
  });
}

/** Signs `user` in end to end and returns the token the extension would store. */
export async function signInAs(
  hub: HubHandle,
  user: DemoUser,
  browser = new HubBrowser(hub.url),
  options: { loggedIn?: boolean } = {},
): Promise<ScriptedSignIn> {
  if (!options.loggedIn) await browser.login(user, hub.passwords[user]);
  const receiver = await startLoopbackReceiver({ timeoutMs: 30_000, logger: traceLogger('loopback') });
  let walked: Promise<Landing> | undefined;
  const grant = await signInWithBrowser({
    transport: anonymousTransport(hub),
    receiver,
    openBrowser: (url) => {
      walked = browser.walk(url);
      return Promise.resolve(true);
    },
    logger: traceLogger('sign-in'),
  });
  recordIssuedToken(grant.token);
  if (!walked) throw new Error('the browser was never opened');
  return { grant, landing: await walked, browser };
}
