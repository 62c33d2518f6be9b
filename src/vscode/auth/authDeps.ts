import { randomUUID } from 'node:crypto';
import {
  signInWithBrowser,
  startLoopbackReceiver,
  type CallbackReceiver,
  type LoopbackReceiverOptions,
} from '../../core/auth';
import { createHubTransport } from '../../core/hub';
import { realTimers, type Timers } from '../../core/timers';

/**
 * The core pieces the sign-in adapters call, injected so unit tests drive the adapters with fakes and no
 * network. activate() uses the defaults.
 */
export interface AuthDeps {
  signIn: typeof signInWithBrowser;
  createTransport: typeof createHubTransport;
  startLoopback: (options?: LoopbackReceiverOptions) => Promise<CallbackReceiver>;
  /** A new session id. */
  randomId: () => string;
  now: () => Date;
  /**
   * How long a browser sign-in waits before offering to type the code. VS Code cannot take a notification
   * back, so the offer only appears when the browser has not returned quickly; most sign-ins never show it.
   */
  codeOfferDelayMs: number;
  /** The clock of that wait. */
  timers: Timers;
}

/** The real core, for activate(). */
export const defaultAuthDeps: AuthDeps = {
  signIn: signInWithBrowser,
  createTransport: createHubTransport,
  startLoopback: startLoopbackReceiver,
  randomId: randomUUID,
  now: () => new Date(),
  codeOfferDelayMs: 10_000,
  timers: realTimers,
};
