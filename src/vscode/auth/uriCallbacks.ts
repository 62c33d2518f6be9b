import vscode = require('vscode');
import { CALLBACK_PATH, PENDING_SIGN_IN_TTL_MS, SignInError, type CallbackReceiver } from '../../core/auth';
import type { Logger } from '../../core/logger';
import { realTimers, type TimerHandle, type Timers } from '../../core/timers';

/** A CallbackReceiver fed by the extension's URI handler. */
export interface UriCallbackReceiver extends CallbackReceiver {
  /** Ties the receiver to its sign-in's `state`, so concurrent sign-ins each get their own callback. */
  expectState(state: string): void;
}

/**
 * The extension's one URI handler: routes `<scheme>://<extension id>/auth-callback?…` to the browser sign-ins
 * waiting for it. A callback goes to the pending sign-in whose `state` it carries, else to the only pending
 * one (whose own state check then decides); anything else is logged and ignored.
 */
export class UriCallbackRouter implements vscode.UriHandler, vscode.Disposable {
  private readonly pending = new Set<PendingCallback>();
  private unusableReason: string | undefined = 'the URI handler is not registered';

  constructor(
    private readonly extensionId: string,
    private readonly log: Logger,
    private readonly ttlMs = PENDING_SIGN_IN_TTL_MS,
    private readonly timers: Timers = realTimers,
  ) {}

  /**
   * Registers this router with VS Code, by default directly, or through the activation bundle's URI handler.
   * If that fails, createReceiver() throws and sign-in can fall back.
   */
  register(
    registerHandler: (handler: vscode.UriHandler) => vscode.Disposable = (h) =>
      vscode.window.registerUriHandler(h),
  ): vscode.Disposable {
    try {
      const registration = registerHandler(this);
      this.unusableReason = undefined;
      return registration;
    } catch (err) {
      this.unusableReason = `the URI handler could not be registered (${String(err)})`;
      this.log.warn(`${this.unusableReason}; browser sign-ins will use a loopback listener`);
      return new vscode.Disposable(() => undefined);
    }
  }

  handleUri(uri: vscode.Uri): void {
    // Only the path and parameter names are logged: the values carry the code and state.
    if (uri.path !== CALLBACK_PATH) {
      this.log.warn(`ignored a URI for the unknown path ${uri.path}`);
      return;
    }
    const params = new URLSearchParams(uri.query);
    const target = this.route(params.get('state'));
    if (!target) {
      this.log.warn(`ignored a sign-in callback no sign-in is waiting for (${this.pending.size} pending)`);
      return;
    }
    this.log.info(`sign-in callback received (${params.has('error') ? 'an error' : 'a code'})`);
    target.deliver(params);
  }

  /**
   * A receiver for one sign-in. Its redirect URI goes through `env.asExternalUri`, so VS Code for the Web and
   * remote windows get a URI the browser can reach.
   */
  async createReceiver(): Promise<UriCallbackReceiver> {
    if (this.unusableReason) throw new Error(this.unusableReason);
    const local = vscode.Uri.parse(`${vscode.env.uriScheme}://${this.extensionId}${CALLBACK_PATH}`);
    const external = await vscode.env.asExternalUri(local);
    // No secret in it: the sign-in's code and state are added by the service later.
    this.log.debug(
      `sign-in callback URI: ${external.toString(true)} (path ${external.path}, query ${external.query})`,
    );
    const receiver = new PendingCallback(external.toString(true), this.ttlMs, this.timers, () =>
      this.pending.delete(receiver),
    );
    this.pending.add(receiver);
    return receiver;
  }

  /** How many sign-ins wait for a callback. */
  get pendingCount(): number {
    return this.pending.size;
  }

  dispose(): void {
    for (const receiver of [...this.pending]) receiver.dispose();
  }

  private route(state: string | null): PendingCallback | undefined {
    const all = [...this.pending];
    const byState = state === null ? undefined : all.find((p) => p.state === state);
    return byState ?? (all.length === 1 ? all[0] : undefined);
  }
}

type Outcome = { params: URLSearchParams } | { error: SignInError };

/** One sign-in's wait for its callback; it gives up after the broker's pending-sign-in lifetime. */
class PendingCallback implements UriCallbackReceiver {
  state: string | undefined;
  private outcome: Outcome | undefined;
  private waiter: ((outcome: Outcome) => void) | undefined;
  private readonly timer: TimerHandle;

  constructor(
    readonly redirectUri: string,
    ttlMs: number,
    timers: Timers,
    private readonly onDone: () => void,
  ) {
    // Timers never keep the extension host alive: a sign-in nobody waits for does not either.
    this.timer = timers.setTimeout(
      () => this.settle({ error: new SignInError('timeout', timeoutMessage(ttlMs)) }),
      ttlMs,
    );
  }

  expectState(state: string): void {
    this.state = state;
  }

  deliver(params: URLSearchParams): void {
    this.settle({ params });
  }

  wait(signal?: AbortSignal): Promise<URLSearchParams> {
    return new Promise<URLSearchParams>((resolve, reject) => {
      const onAbort = () => this.settle({ error: new SignInError('cancelled', 'Sign-in was cancelled.') });
      this.waiter = (outcome) => {
        signal?.removeEventListener('abort', onAbort);
        if ('params' in outcome) resolve(outcome.params);
        else reject(outcome.error);
      };
      if (this.outcome) return this.waiter(this.outcome);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  dispose(): void {
    this.settle({ error: new SignInError('cancelled', 'Sign-in was cancelled.') });
  }

  /** Records the first outcome only; later callbacks for a finished sign-in are ignored. */
  private settle(outcome: Outcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    this.timer.cancel();
    this.onDone();
    this.waiter?.(outcome);
  }
}

function timeoutMessage(ttlMs: number): string {
  const minutes = Math.round(ttlMs / 60_000);
  const span =
    minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(ttlMs / 1000)} seconds`;
  return `Sign-in timed out after ${span} in the browser. Start it again.`;
}
