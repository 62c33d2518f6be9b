import { randomUUID } from 'node:crypto';
import { signInWithBrowser, startLoopbackReceiver } from '../core/auth';
import { createHubTransport } from '../core/hub';

/**
 * The core pieces the sign-in adapters call, injected so unit tests drive the adapters with fakes and no
 * network. activate() uses the defaults.
 */
export interface AuthDeps {
  signIn: typeof signInWithBrowser;
  createTransport: typeof createHubTransport;
  startLoopback: typeof startLoopbackReceiver;
  /** A new session id. */
  randomId: () => string;
  now: () => Date;
}

/** The real core, for activate(). */
export const defaultAuthDeps: AuthDeps = {
  signIn: signInWithBrowser,
  createTransport: createHubTransport,
  startLoopback: startLoopbackReceiver,
  randomId: randomUUID,
  now: () => new Date(),
};
