import { HubResponseError } from '../hub/errors';
import { parseBody } from '../hub/response';
import type { ContentsEndpoint } from './contentsEndpoint';
import { shown } from './contentsEndpoint';
import { ContentsExistsError } from './errors';
import { contentsModelSchema } from './schemas';
import { exists } from './steps';
import { parentOf } from './tempNames';
import type { ContentsApi, ContentsEntry } from './types';

/**
 * `POST api/contents/{folder}` with `{copy_from}`: jupyter_server copies the file next to itself and picks the
 * name, `x-Copy1.ipynb`, then `x-Copy2.ipynb`, … (1.23 and 2.x). A notebook is copied through nbformat, so the
 * copy has the same content but jupyter_server's layout (one-space indents), not necessarily the same bytes.
 * Folders are copied by 2.x (up to `max_copy_folder_size_mb`, 500 MB) and refused by 1.23 (400 "Can't copy
 * directories").
 */
export async function duplicateFile(
  at: ContentsEndpoint,
  path: string,
  signal?: AbortSignal,
): Promise<ContentsEntry> {
  return postCopy(at, path, parentOf(path), path, signal);
}

/**
 * A copy of `from` under the name `to` (drag-and-drop copy, Save As). A file goes in one request: a POST to a
 * path that does not exist yet makes jupyter_server copy to exactly that path (1.23 and 2.x, measured). A folder
 * cannot (2.x would nest it as `to/<name>`), so it is copied into `to`'s folder under the server's name and
 * then renamed. An existing `to` is refused with ContentsExistsError before anything is copied: a POST onto a
 * folder would copy into it, and onto a file answers 400.
 */
export async function copyFile(
  at: ContentsEndpoint,
  files: ContentsApi,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<ContentsEntry> {
  at.resolve(to);
  const source = await files.stat(from, signal);
  if (await exists(files, to, signal)) throw new ContentsExistsError(to, undefined);
  if (source.type === 'directory') {
    const copied = await postCopy(at, from, parentOf(to), to, signal);
    if (copied.path === to) return copied;
    try {
      return await files.rename(copied.path, to, signal);
    } catch (err) {
      await files.delete(copied.path).catch(() => undefined);
      throw err;
    }
  }
  let copied: ContentsEntry;
  try {
    copied = await postCopy(at, from, to, to, signal);
  } catch (err) {
    // Someone made `to` a file since the check: the server's 400 "Cannot POST to files".
    if (err instanceof HubResponseError && err.status === 400 && (await exists(files, to))) {
      throw new ContentsExistsError(to, err.serverMessage);
    }
    throw err;
  }
  if (copied.path !== to) {
    // A folder named `to` appeared since the check, and the server copied into it: undo that.
    await files.delete(copied.path).catch(() => undefined);
    throw new ContentsExistsError(to, undefined);
  }
  return copied;
}

/** `POST api/contents/{target}` with `{copy_from}`; `blame` is the path a refusal is reported for. */
async function postCopy(
  at: ContentsEndpoint,
  from: string,
  target: string,
  blame: string,
  signal: AbortSignal | undefined,
): Promise<ContentsEntry> {
  const source = at.resolve(from);
  const res = await at.send('POST', at.resolve(target), { body: { copy_from: source }, signal });
  const into = blame === from ? '' : ` to ${shown(blame)}`;
  await at.check(res, [201], `copy ${shown(from)}${into}`, blame, signal);
  return at.entry(parseBody(res, contentsModelSchema, 'the copy'));
}
