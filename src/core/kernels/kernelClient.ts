import type { HubTransport } from '../hub/transport';
import type { Logger } from '../logger';
import type { TokenSource } from './authSocket';
import { HubKernelSession } from './kernelSession';
import {
  createSession,
  listKernelSpecs,
  listSessions,
  type ServerRef,
  type SessionModel,
} from './kernelsApi';
import type { KernelSession, KernelSpecInfo } from './types';

export interface KernelClientOptions {
  /** The hub transport; REST calls to the user's server go through it (typed errors, no token in URLs). */
  transport: HubTransport;
  user: string;
  /** A named server; the default server when omitted. */
  serverName?: string | undefined;
  /** The same token source as the transport's; read again on every websocket connection. */
  getToken: TokenSource;
  logger?: Logger | undefined;
  /** Passed to each session: see KernelSessionOptions.healthCheckMs. */
  healthCheckMs?: number | undefined;
  /** Passed to each session: see KernelSessionOptions.ackNudge. */
  ackNudge?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

export interface OpenSessionOptions {
  /** The session's path on the server (see sessionPath.ts): the key a later window finds it by. */
  path: string;
  /** The kernel spec for a new session; an existing session keeps its kernel. */
  kernelName: string;
  /** The persisted websocket `session_id` when reattaching, so the server replays what it buffered. */
  clientId?: string | undefined;
  /** Runs to adopt on the reattached kernel (see KernelSession.adopt); ignored for a new session. */
  adopt?: readonly string[] | undefined;
  /** Start a new kernel even when a session exists for the path (after the user picked another kernel). */
  fresh?: boolean;
  signal?: AbortSignal | undefined;
}

/** Kernels on one user's server: kernel specs, and sessions opened or found again by notebook path. */
export interface KernelClient {
  readonly server: ServerRef;
  /** `GET api/kernelspecs`. */
  listKernelSpecs(signal?: AbortSignal): Promise<KernelSpecInfo[]>;
  /** `GET api/sessions`, filtered to the path. */
  findSession(path: string, signal?: AbortSignal): Promise<SessionModel | undefined>;
  /**
   * Finds the running session for the path (`GET api/sessions`) and connects to its kernel, or creates one
   * (`POST api/sessions`); resolves once the websocket is open.
   */
  openSession(options: OpenSessionOptions): Promise<{ session: KernelSession; reattached: boolean }>;
}

/** Builds the KernelClient of a user's server. */
export function createKernelClient(options: KernelClientOptions): KernelClient {
  const server: ServerRef = {
    transport: options.transport,
    user: options.user,
    serverName: options.serverName,
  };
  return {
    server,
    listKernelSpecs: (signal) => listKernelSpecs(server, signal),
    findSession: async (path, signal) =>
      (await listSessions(server, signal)).find((s) => s.path === path && s.kernel !== null),
    async openSession(open) {
      const existing = open.fresh
        ? undefined
        : (await listSessions(server, open.signal)).find((s) => s.path === open.path && s.kernel !== null);
      const model =
        existing ??
        (await createSession(server, { path: open.path, kernelName: open.kernelName, signal: open.signal }));
      const session = new HubKernelSession({
        server,
        model,
        getToken: options.getToken,
        clientId: existing ? open.clientId : undefined,
        adopt: existing ? open.adopt : undefined,
        username: options.user,
        logger: options.logger,
        healthCheckMs: options.healthCheckMs,
        ackNudge: options.ackNudge,
        fetch: options.fetch,
      });
      try {
        await session.connected(open.signal);
      } catch (err) {
        session.dispose();
        throw err;
      }
      return { session, reattached: existing !== undefined };
    },
  };
}
