import { getHubInfo, getHubVersion, type HubVersion } from './infoApi';
import type { HubInfo, HubServer, HubToken, HubUser, CreatedHubToken } from './schemas';
import {
  listServers,
  startServer,
  stopServer,
  type ListServersOptions,
  type StartServerOptions,
  type StopServerOptions,
} from './serversApi';
import { getServerStatus, type ServerStatus } from './singleUserApi';
import { createToken, listTokens, revokeToken, type CreateTokenOptions } from './tokensApi';
import { createHubTransport, type HubTransport, type HubTransportOptions } from './transport';
import { getCurrentUser, getUser } from './usersApi';

/**
 * The JupyterHub REST API in one object: a thin facade over the per-resource functions, bound to one
 * transport (one hub URL and one token source). It holds no other state.
 */
export class HubClient {
  readonly transport: HubTransport;

  constructor(transportOrOptions: HubTransport | HubTransportOptions) {
    this.transport =
      'request' in transportOrOptions ? transportOrOptions : createHubTransport(transportOrOptions);
  }

  /** `GET /hub/api`; throws NotAJupyterHubError for a URL that is not a hub. */
  getVersion(signal?: AbortSignal): Promise<HubVersion> {
    return getHubVersion(this.transport, signal);
  }

  /** `GET /hub/api/info`. */
  getInfo(signal?: AbortSignal): Promise<HubInfo> {
    return getHubInfo(this.transport, signal);
  }

  /** `GET /hub/api/user`: the token's owner. */
  getCurrentUser(signal?: AbortSignal): Promise<HubUser> {
    return getCurrentUser(this.transport, signal);
  }

  /** `GET /hub/api/users/{name}`. */
  getUser(user: string, signal?: AbortSignal): Promise<HubUser> {
    return getUser(this.transport, user, signal);
  }

  /** The user's servers, named ones included, keyed by name ('' is the default server). */
  listServers(
    user: string,
    signal?: AbortSignal,
    options?: ListServersOptions,
  ): Promise<Record<string, HubServer>> {
    return listServers(this.transport, user, signal, options);
  }

  /** Starts a server and follows its spawn progress until it is ready; throws SpawnFailedError otherwise. */
  startServer(user: string, options?: StartServerOptions): Promise<HubServer> {
    return startServer(this.transport, user, options);
  }

  /** Stops a server and waits until the hub reports it stopped. */
  stopServer(user: string, options?: StopServerOptions): Promise<void> {
    return stopServer(this.transport, user, options);
  }

  /** `GET /user/{name}/api/status` through the proxy: is the single-user server up and answering. */
  getServerStatus(user: string, serverName = '', signal?: AbortSignal): Promise<ServerStatus> {
    return getServerStatus(this.transport, user, serverName, signal);
  }

  /** `POST /hub/api/users/{name}/tokens`. */
  createToken(user: string, options: CreateTokenOptions, signal?: AbortSignal): Promise<CreatedHubToken> {
    return createToken(this.transport, user, options, signal);
  }

  /** `GET /hub/api/users/{name}/tokens`. */
  listTokens(user: string, signal?: AbortSignal): Promise<HubToken[]> {
    return listTokens(this.transport, user, signal);
  }

  /** `DELETE /hub/api/users/{name}/tokens/{id}`. */
  revokeToken(user: string, tokenId: string, signal?: AbortSignal): Promise<void> {
    return revokeToken(this.transport, user, tokenId, signal);
  }
}
