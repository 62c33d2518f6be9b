import { CoreError } from '../errors';

export type KernelRunErrorKind = 'restarted' | 'died' | 'disconnected' | 'not-run' | 'disposed';

/** Why a cell run ended without the kernel finishing it. Each message says what happened and what to do. */
export abstract class KernelRunError extends CoreError {
  abstract override readonly kind: KernelRunErrorKind;
}

/** The kernel restarted (by the user or automatically after it crashed) while this cell was running. */
export class KernelRestartedError extends KernelRunError {
  readonly kind = 'restarted';
}

/** The kernel died and the server could not restart it. */
export class KernelDiedError extends KernelRunError {
  readonly kind = 'died';
}

/** The connection to the kernel was lost for good (the server stopped, or reconnecting failed). */
export class KernelDisconnectedError extends KernelRunError {
  readonly kind = 'disconnected';
}

/** The cell was waiting for its turn when the kernel restarted or died, so it was never sent. */
export class CellNotRunError extends KernelRunError {
  readonly kind = 'not-run';
}

/** The session was closed in this window while the cell ran; the kernel may still be running it. */
export class SessionDisposedError extends KernelRunError {
  readonly kind = 'disposed';
}
