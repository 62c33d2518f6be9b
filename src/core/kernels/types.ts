/**
 * The kernel layer's contract: what a cell run produces, as plain data, and the session interface the VS Code
 * adapter and the benchmarks program against. The implementation (kernelSession.ts) sits on
 * @jupyterlab/services; nothing here depends on it, so the output model and its tests need no kernel at all.
 */

import type { ExpressionResults, UserExpressions } from './kernelEnvironment';

/** A MIME bundle as Jupyter sends it: text for text types, base64 for binary ones, JSON for `+json` types. */
export type MimeBundle = Record<string, unknown>;

/** Output metadata as Jupyter sends it, keyed by MIME type or free-form. */
export type OutputMetadata = Record<string, unknown>;

/**
 * One output-relevant iopub message of a cell, in arrival order (Jupyter messaging protocol 5.x): the message
 * type and the fields of its content that matter for showing outputs.
 */
export type IopubOutput =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | {
      type: 'execute_result';
      data: MimeBundle;
      metadata: OutputMetadata;
      executionCount: number | null;
      displayId?: string | undefined;
    }
  | { type: 'display_data'; data: MimeBundle; metadata: OutputMetadata; displayId?: string | undefined }
  | { type: 'update_display_data'; data: MimeBundle; metadata: OutputMetadata; displayId: string }
  | { type: 'error'; ename: string; evalue: string; traceback: string[] }
  | { type: 'clear_output'; wait: boolean };

/** Everything a cell run reports, in order. */
export type ExecutionEvent =
  /** The kernel took the cell (`execute_input`); the count is the one the cell will show. */
  | { kind: 'started'; executionCount: number | null; at: number }
  | { kind: 'output'; output: IopubOutput }
  /** The last event: both `execute_reply` and the `idle` status for this request arrived. */
  | { kind: 'done'; status: 'ok' | 'error' | 'aborted'; executionCount: number | null; at: number };

/** Kernel state as users see it in the status bar. */
export type KernelState =
  'starting' | 'idle' | 'busy' | 'restarting' | 'reconnecting' | 'disconnected' | 'dead' | 'unknown';

/** A kernel spec offered by the user's server (`GET api/kernelspecs`). */
export interface KernelSpecInfo {
  name: string;
  displayName: string;
  language: string;
}

/** A stdin request from the kernel (`input_request`): `input()` or, with `password`, `getpass()`. */
export interface InputRequest {
  prompt: string;
  password: boolean;
}

export interface ExecuteOptions {
  /** Aborting interrupts the kernel (`POST api/kernels/{id}/interrupt`); the run then ends as the kernel says. */
  signal?: AbortSignal | undefined;
  /**
   * Answers stdin requests. Without it the cell runs with `allow_stdin: false` and `input()` raises in the
   * kernel. Rejecting (the user cancelled) answers with an empty string and interrupts the kernel.
   */
  onInput?: ((request: InputRequest, signal: AbortSignal) => Promise<string>) | undefined;
}

/** A cell run in progress: its events as they arrive. The iterator ends after the `done` event. */
export interface KernelExecution extends AsyncIterable<ExecutionEvent> {
  /** The `msg_id` of the execute_request: persisted so that a reloaded window can adopt the run. */
  readonly msgId: string;
}

/** Minimal disposable, so the core does not depend on VS Code's. */
export interface Unsubscribe {
  (): void;
}

/**
 * A connection to one kernel through a session of the sessions API (`/user/<name>/api/sessions`). Its
 * websocket carries the token in the `Authorization` header and reconnects with the same `session_id`, so
 * jupyter_server replays what it buffered meanwhile.
 */
export interface KernelSession {
  /** The sessions-API session id. */
  readonly sessionId: string;
  readonly kernelId: string;
  readonly kernelName: string;
  /** The session's path on the server: the key that `openSession` finds it again by. */
  readonly path: string;
  /** The websocket `session_id`: the same on every reconnect, and persisted for reattaching. */
  readonly clientId: string;
  readonly state: KernelState;
  onState(listener: (state: KernelState) => void): Unsubscribe;
  /**
   * Reports why the connection stopped on its own: HubAuthError (the token was refused; the websocket is closed
   * and pending runs wait for `reconnect`), ServerNotRunningError (the server stopped; pending runs failed),
   * KernelDisconnectedError (reconnecting failed) or KernelDiedError.
   */
  onFault(listener: (error: Error) => void): Unsubscribe;
  /** Sends an execute_request and yields the cell's events. */
  execute(code: string, options?: ExecuteOptions): KernelExecution;
  /**
   * Follows a run started before this connection existed (a window reload): the iopub messages whose parent
   * is `msgId`. Ends at the `idle` status for it; resolves at once with `done` if the kernel is idle.
   */
  adopt(msgId: string, options?: { signal?: AbortSignal }): KernelExecution;
  interrupt(signal?: AbortSignal): Promise<void>;
  /** Restarts the kernel; runs that were pending fail with KernelRestartedError. */
  restart(signal?: AbortSignal): Promise<void>;
  /** Deletes the session and its kernel on the server. */
  shutdown(signal?: AbortSignal): Promise<void>;
  /**
   * Opens a new websocket with the same `session_id` (after a new sign-in, or when reconnecting gave up): the
   * server replays what it buffered, and runs still pending carry on.
   */
  reconnect(signal?: AbortSignal): Promise<void>;
  /**
   * An execute_request with only `user_expressions` (silent, no history): their results come back in the
   * execute_reply to this client alone, never on iopub (kernelEnvironment.ts reads secrets' values with it).
   */
  evaluateUserExpressions(expressions: UserExpressions, signal?: AbortSignal): Promise<ExpressionResults>;
  /** Closes the websocket and forgets local state; the kernel keeps running on the server. */
  dispose(): void;
}
