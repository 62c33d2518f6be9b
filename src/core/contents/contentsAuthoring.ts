import { readCheckpoint } from './checkpointContent';
import { createContentsClient } from './contentsClient';
import { ContentsEndpoint, type ContentsClientOptions } from './contentsEndpoint';
import { copyFile, duplicateFile } from './copy';
import { deleteTree } from './deleteTree';
import { uploadFile } from './upload';
import { verifyUpload } from './verify';
import type { ContentsAuthoring } from './types';

/**
 * The authoring operations on `/user/{name}/api/contents` of the user's own server, with the same options (and
 * so the same root) as createContentsClient: build both from one options object.
 */
export function createContentsAuthoring(options: ContentsClientOptions): ContentsAuthoring {
  const at = new ContentsEndpoint(options);
  const files = createContentsClient(options);
  const memo = {};
  return {
    upload: (path, source, opts) => uploadFile(at, files, path, source, opts),
    verifyUpload: (path, local, signal) => verifyUpload(at, path, local, signal),
    duplicate: (path, signal) => duplicateFile(at, path, signal),
    copy: (from, to, signal) => copyFile(at, files, from, to, signal),
    deleteTree: (path, signal) => deleteTree(files, path, signal),
    readCheckpoint: (path, id, signal) => readCheckpoint(at, files, path, id, signal, memo),
  };
}
