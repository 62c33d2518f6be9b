import { HubAuthError } from '../hub/errors';

/**
 * Runs `operation`; when the hub rejects the token (403), asks `reauthenticate` for a new sign-in and, if it
 * succeeds, runs the same operation once more. What the caller was doing, such as a pending save, is kept in
 * the closure, so it is retried, not lost. Any other error, or a declined sign-in, reaches the caller.
 */
export async function withReauth<T>(
  operation: () => Promise<T>,
  reauthenticate: (error: HubAuthError) => Promise<boolean>,
): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (!(err instanceof HubAuthError)) throw err;
    if (!(await reauthenticate(err))) throw err;
    return operation();
  }
}
