import { KernelConnection, ServerConnection } from '@jupyterlab/services';
import {
  authFetch,
  authWebSocketClass,
  type AckNudge,
  type ConnectionHooks,
  type TokenSource,
} from './authSocket';
import { serverBase, type ServerRef } from './kernelsApi';
import type { KernelState } from './types';

export interface KernelConnectionOptions {
  server: ServerRef;
  getToken: TokenSource;
  fetch?: typeof fetch | undefined;
  kernel: { id: string; name: string };
  /** The websocket `session_id`: the same on every reconnect, so the server replays what it buffered. */
  clientId: string;
  username: string;
  hooks: ConnectionHooks;
  /** Whether a reply is awaited, for the ACK nudge (see authWebSocketClass); undefined turns it off. */
  ackNudge?: AckNudge;
}

/**
 * A @jupyterlab/services KernelConnection to a kernel on the user's server (`{server}/api/kernels/{id}/channels`)
 * whose token travels only in `Authorization` headers: `appendToken` is off and the settings' own token is
 * empty, so neither REST calls nor the websocket URL ever carry it. Comms are not handled (no widgets yet).
 */
export function openKernelConnection(options: KernelConnectionOptions): KernelConnection {
  const { server, getToken, hooks } = options;
  const httpBase = new URL(serverBase(server), server.transport.baseUrl).href;
  const settings = ServerConnection.makeSettings({
    baseUrl: httpBase,
    wsUrl: httpBase.replace(/^http/, 'ws'),
    token: '',
    appendToken: false,
    fetch: authFetch(getToken, hooks, options.fetch),
    WebSocket: authWebSocketClass(getToken, hooks, options.ackNudge) as unknown as typeof WebSocket,
    Request,
    Headers,
  });
  return new KernelConnection({
    model: options.kernel,
    serverSettings: settings,
    clientId: options.clientId,
    username: options.username,
    handleComms: false,
  });
}

/** The state users see, from the connection's kernel status and connection status. */
export function kernelState(kernel: KernelConnection, everConnected: boolean): KernelState {
  if (kernel.status === 'dead') return 'dead';
  if (kernel.connectionStatus === 'connecting') return everConnected ? 'reconnecting' : 'starting';
  if (kernel.connectionStatus === 'disconnected') return 'disconnected';
  switch (kernel.status) {
    case 'idle':
    case 'busy':
    case 'starting':
      return kernel.status;
    case 'restarting':
    case 'autorestarting':
      return 'restarting';
    default:
      return 'unknown';
  }
}
