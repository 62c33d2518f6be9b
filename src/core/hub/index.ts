export * from './errors';
export * from './hubClient';
export type { HubVersion } from './infoApi';
export type * from './schemas';
export type { ListServersOptions, StartServerOptions, StopServerOptions } from './serversApi';
export type { CreateTokenOptions } from './tokensApi';
export { createHubTransport, normaliseBaseUrl } from './transport';
export type { HubRequest, HubResponse, HubTransport, HubTransportOptions } from './transport';
export { singleUserPath, type ServerStatus } from './singleUserApi';
