export { createContentsClient, type ContentsClientOptions } from './contentsClient';
export * from './errors';
export type * from './types';
