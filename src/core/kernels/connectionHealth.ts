import { HubAuthError, ServerNotRunningError } from '../hub/errors';
import { getServerStatus } from '../hub/singleUserApi';
import { KernelDiedError } from './errors';
import { getKernel, type ServerRef } from './kernelsApi';

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
