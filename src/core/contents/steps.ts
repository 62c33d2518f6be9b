import { HubNotFoundError } from '../hub/errors';
import type { ContentsApi, ContentsEntry } from './types';

/** `GET api/contents/{path}?content=0`: the entry at `path`, or undefined when there is none. */
export async function lookUp(
  files: ContentsApi,
  path: string,
  signal?: AbortSignal,
): Promise<ContentsEntry | undefined> {
  try {
    return await files.stat(path, signal);
  } catch (err) {
    if (err instanceof HubNotFoundError) return undefined;
    throw err;
  }
}

/** Whether anything, file or folder, is at `path`. */
export async function exists(files: ContentsApi, path: string, signal?: AbortSignal): Promise<boolean> {
  return (await lookUp(files, path, signal)) !== undefined;
}

/**
 * `DELETE api/contents/{path}` of a temporary file, best-effort and without the caller's signal: after a cancel
 * that signal is aborted, and the cleanup must still be sent.
 */
export async function discard(files: ContentsApi, path: string): Promise<void> {
  await files.delete(path).catch(() => undefined);
}
