export * from './errors';
export * from './types';
export {
  createKernelClient,
  type KernelClient,
  type KernelClientOptions,
  type OpenSessionOptions,
} from './kernelClient';
export type { SessionModel, ServerRef } from './kernelsApi';
export { toIopubOutput } from './messages';
export { kernelSessionPath, type SessionPathOptions } from './sessionPath';
