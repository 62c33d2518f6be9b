import { CoreError } from '../errors';

/** Why a sign-in did not end with a token. Every kind has a message that says what to do next. */
export type SignInErrorKind =
  | 'cancelled'
  | 'no-browser'
  | 'timeout'
  | 'denied'
  | 'state-mismatch'
  | 'invalid-callback'
  | 'rejected'
  | 'service-missing'
  | 'hub-unavailable'
  | 'invalid-token';

/** A sign-in that failed or was abandoned; `message` is written for the user. */
export class SignInError extends CoreError {
  constructor(
    override readonly kind: SignInErrorKind,
    message: string,
    /** The broker's or hub's own error code (`invalid_grant`, `access_denied`), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** True when the error only means the user stopped; such errors are not shown as failures. */
export function isCancellation(err: unknown): boolean {
  return err instanceof SignInError && err.kind === 'cancelled';
}
