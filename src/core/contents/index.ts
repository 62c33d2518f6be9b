export { createContentsClient, type ContentsClientOptions } from './contentsClient';
export { createContentsAuthoring } from './contentsAuthoring';
export { SERVER_MAX_BODY_BYTES, UPLOAD_CHUNK_BYTES } from './upload';
export * from './errors';
export type * from './types';
