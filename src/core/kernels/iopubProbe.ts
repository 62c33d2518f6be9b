import type { KernelConnection } from '@jupyterlab/services';
import { KernelMessage } from '@jupyterlab/services';
import { randomUUID } from 'node:crypto';
import { realTimers, type Timers } from '../timers';

/**
 * Proves that a freshly (re)opened kernel websocket receives iopub messages before a cell is sent on it.
 * jupyter_server subscribes a reconnected websocket to the kernel's iopub only after its "nudge" (kernel_info
 * requests until one iopub message comes back), and it drops what iopub carries meanwhile (seen on 1.23: a cell
 * sent right after a reconnect lost its output). So: wait for an iopub message on the new websocket, and send
 * kernel_info_requests to provoke one (their `status` echo) while none comes.
 */
export class IopubProbe {
  private readonly waiting = new Map<string, () => void>();

  /** The real clock by default; a fake one in unit tests. */
  constructor(private readonly timers: Timers = realTimers) {}

  /**
   * For every iopub message the websocket receives: any of them proves the subscription (a busy kernel's outputs
   * as well as the echo of a probe), so the current probe ends.
   */
  notice(): void {
    for (const resolve of this.waiting.values()) resolve();
  }

  /**
   * Listens `waitMs` for any iopub message, then sends up to `attempts` kernel_info_requests, each given `waitMs`
   * for its iopub echo. Resolves true when a message came, false when none did (the connection is then used
   * anyway).
   */
  async run(
    kernel: KernelConnection,
    session: string,
    username: string,
    attempts = 10,
    waitMs = 250,
  ): Promise<boolean> {
    for (let i = 0; i <= attempts; i++) {
      if (kernel.isDisposed || kernel.connectionStatus !== 'connected') return false;
      const msgId = randomUUID();
      const echoed = new Promise<boolean>((resolve) => {
        const timer = this.timers.setTimeout(() => resolve(false), waitMs);
        this.waiting.set(msgId, () => {
          timer.cancel();
          resolve(true);
        });
      });
      // First just listen: a busy kernel's outputs prove the subscription, and a request would only queue
      // behind the running cell.
      if (i > 0 && !this.send(kernel, msgId, session, username)) {
        this.waiting.delete(msgId);
        return false;
      }
      const ok = await echoed;
      this.waiting.delete(msgId);
      if (ok) return true;
    }
    return false;
  }

  private send(kernel: KernelConnection, msgId: string, session: string, username: string): boolean {
    const msg = KernelMessage.createMessage<KernelMessage.IInfoRequestMsg>({
      msgType: 'kernel_info_request',
      channel: 'shell',
      session,
      username,
      msgId,
      content: {},
    });
    try {
      kernel.sendShellMessage(msg, true, true).done.catch(() => undefined);
      return true;
    } catch {
      return false;
    }
  }
}
