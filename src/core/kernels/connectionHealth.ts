import { HubAuthError, ServerNotRunningError } from '../hub/errors';
import { getServerStatus } from '../hub/singleUserApi';
import { KernelDiedError } from './errors';
import { getKernel, type ServerRef } from './kernelsApi';
import type { Logger } from '../logger';
import type { TimerHandle, Timers } from '../timers';

/** Why a kernel connection must stop: the token was refused, the server stopped, or the kernel is gone. */
export type HealthVerdict = { fault: 'auth' | 'stopped' | 'gone'; error: Error } | undefined;

/**
 * `GET {server}/api/status` after a request or websocket upgrade was refused: a 403 may be a revoked token or
 * (JupyterHub 5) a stopped server's login redirect, and the status call tells them apart. Undefined when the
 * server and token are fine, so the refusal was something else.
 */
export async function refusalCause(server: ServerRef): Promise<HealthVerdict> {
  try {
    await getServerStatus(server.transport, server.user, server.serverName ?? '');
    return undefined;
  } catch (err) {
    return verdictOf(err);
  }
}

/**
 * `GET {server}/api/kernels/{id}`, now and then: open websockets survive token revocation, server culling and a
 * kernel shut down elsewhere, so only a request notices them.
 */
export async function kernelHealth(server: ServerRef, kernelId: string): Promise<HealthVerdict> {
  try {
    if (await getKernel(server, kernelId)) return undefined;
  } catch (err) {
    return verdictOf(err);
  }
  return {
    fault: 'gone',
    error: new KernelDiedError(
      'The kernel is gone from your server (shut down elsewhere, or culled after being idle). Run the cell ' +
        'again to start a new one.',
    ),
  };
}

function verdictOf(err: unknown): HealthVerdict {
  if (err instanceof HubAuthError) return { fault: 'auth', error: err };
  if (err instanceof ServerNotRunningError) return { fault: 'stopped', error: err };
  throw err;
}

export interface HealthWatchOptions {
  /** How often to ask with `periodic`, in ms; 0 never. */
  everyMs: number;
  periodic: () => Promise<HealthVerdict>;
  /** Whether the session still wants verdicts (it has a live connection); asked before and after each check. */
  wanted: () => boolean;
  onVerdict: (verdict: NonNullable<HealthVerdict>) => void;
  timers: Timers;
  log: Logger;
}

/**
 * Asks the server what holds, one question at a time: every `everyMs` (kernelHealth), and whenever a refusal
 * was seen (refusalCause). A check that fails to get an answer is only logged: the next one asks again.
 */
export class HealthWatch {
  private checking = false;
  private stopped = false;
  private timer: TimerHandle | undefined;

  constructor(private readonly options: HealthWatchOptions) {
    this.arm();
  }

  async check(ask: () => Promise<HealthVerdict>): Promise<void> {
    if (this.checking || this.stopped || !this.options.wanted()) return;
    this.checking = true;
    try {
      const verdict = await ask();
      if (verdict && !this.stopped && this.options.wanted()) this.options.onVerdict(verdict);
    } catch (err) {
      this.options.log.debug(`kernel health check: ${String(err)}`);
    } finally {
      this.checking = false;
    }
  }

  dispose(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private arm(): void {
    if (this.options.everyMs <= 0 || this.stopped) return;
    this.timer = this.options.timers.setTimeout(() => {
      void this.check(this.options.periodic).finally(() => this.arm());
    }, this.options.everyMs);
  }
}
