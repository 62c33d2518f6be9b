import vscode = require('vscode');
import { isCancellation } from '../../core/auth';

/** An AbortSignal that aborts when `token` is cancelled, because every async core call takes a signal. */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort();
    return controller.signal;
  }
  const listener = token.onCancellationRequested(() => {
    listener.dispose();
    controller.abort();
  });
  return controller.signal;
}

/** A CancellationToken that is cancelled when `signal` aborts, for VS Code prompts that outlive their use. */
export function toCancellationToken(signal: AbortSignal): vscode.CancellationToken {
  const source = new vscode.CancellationTokenSource();
  if (signal.aborted) source.cancel();
  else signal.addEventListener('abort', () => source.cancel(), { once: true });
  return source.token;
}

/** True when an error only means the user (or the code on their behalf) stopped; such errors are not shown. */
export function isUserCancellation(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  // An aborted request rejects with the signal's reason, a DOMException named AbortError.
  return isCancellation(err) || (err instanceof Object && (err as { name?: unknown }).name === 'AbortError');
}
