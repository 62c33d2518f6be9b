import type { KernelConnection } from '@jupyterlab/services';

/** Where the session's link to its kernel stands: exactly one of these at a time. */
export type Link =
  /** A websocket is opening, reopening after a drop (the library retries with backoff), or being probed. */
  | { phase: 'connecting'; kernel: KernelConnection }
  /** Open, and proven to receive iopub: a cell can go. */
  | { phase: 'ready'; kernel: KernelConnection }
  /** The token was refused: the websocket is closed, and runs wait for `reconnect` after a new sign-in. */
  | { phase: 'paused'; error: Error }
  /**
   * No connection will come (the server stopped, the kernel is gone or died, reconnecting gave up): cells fail
   * with `error` until `reconnect`. A dead kernel's connection is kept, so that it can still be restarted.
   */
  | { phase: 'ended'; error: Error; kernel: KernelConnection | undefined }
  | { phase: 'disposed'; error: Error };

/** The connection while one is open or opening. */
export function liveKernel(link: Link): KernelConnection | undefined {
  return link.phase === 'connecting' || link.phase === 'ready' ? link.kernel : undefined;
}

/** Any connection the link still holds: a live one, or a dead kernel's (which can still be restarted). */
export function heldKernel(link: Link): KernelConnection | undefined {
  return link.phase === 'ended' ? link.kernel : liveKernel(link);
}
