import { HubNotFoundError, HubResponseError } from '../hub/errors';
import { checkRelativePath } from '../uris/relativePath';
import type { ContentsEndpoint } from './contentsEndpoint';
import { shown } from './contentsEndpoint';
import { ContentsConflictError, ContentsPathError } from './errors';
import { fileModelSchema } from './schemas';
import { parseBody } from '../hub/response';
import { discard } from './steps';
import { nameOf, parentOf, tempSibling } from './tempNames';
import { UPLOAD_CHUNK_BYTES, asUploadSource, putBytes } from './upload';
import { readExact, verifyUpload } from './verify';
import type { CheckpointContent, ContentsApi, ContentsEntry } from './types';

/** What one client learnt about its server: whether it refuses hidden paths. */
export interface CheckpointMemo {
  hiddenRefused?: boolean;
}

/** FileCheckpoints' folder, next to each file (its `checkpoint_dir` default on 1.23 and 2.x). */
const CHECKPOINT_DIR = '.ipynb_checkpoints';

/**
 * The bytes of a checkpoint. jupyter_server has no GET for a checkpoint's content, only list, create, restore
 * and delete. Its default FileCheckpoints keeps checkpoint `id` of `dir/x.ipynb` as
 * `dir/.ipynb_checkpoints/x-{id}.ipynb`, but the contents API answers every hidden path 404 unless the operator
 * set `ContentsManager.allow_hidden` (measured on 1.23 and 2.17; `files/` answers 404 too). So:
 *
 * 1. that path is asked for first, and used when the server serves it (`via: 'hidden-path'`, nothing changes);
 * 2. otherwise the checkpoint is restored onto the file, read, and the file's current bytes are put back in
 *    place (`via: 'restore'`). Checkpoints belong to a path and move with a rename, so the restore cannot be
 *    aimed at a copy. Before the restore the current bytes are also uploaded to a stash next to the file
 *    (tempNames.ts, hidden from listings), deleted once the file reads back as it was; if the put-back fails,
 *    the error names the stash. From the restore to the put-back (a median of 13 ms on 1.23 and 20 ms on 2.17,
 *    at most 57 ms in 20 runs with a small notebook on loopback) the file holds the checkpoint's bytes on disk,
 *    and a save by another client in that window would be overwritten. The file is checked unchanged right
 *    before the restore, and the put-back is not cancelled by `signal` once begun.
 */
export async function readCheckpoint(
  at: ContentsEndpoint,
  files: ContentsApi,
  path: string,
  id: string,
  signal?: AbortSignal,
  memo: CheckpointMemo = {},
): Promise<CheckpointContent> {
  const idCheck = checkRelativePath(id);
  if (!idCheck.ok || idCheck.segments.length !== 1 || id === '') {
    throw new ContentsPathError(path, idCheck.ok ? 'empty-segment' : idCheck.reason, 'Not a checkpoint id.');
  }
  const checkpoints = await files.listCheckpoints(path, signal);
  if (!checkpoints.some((c) => c.id === id)) {
    throw new HubNotFoundError(`${shown(path)} has no checkpoint ${id} on your server.`, { status: 404 });
  }
  const direct = memo.hiddenRefused ? undefined : await readHiddenCheckpoint(at, path, id, signal);
  // jupyter_server 2.x logs an uncaught RuntimeError with each hidden GET it refuses (its handler writes the 404
  // and then goes on), so a server that refused once is not asked again by this client.
  if (!direct) memo.hiddenRefused = true;
  if (direct) return { bytes: direct, via: 'hidden-path', entry: await at.statFile(path, signal) };
  return restoreAndPutBack(at, files, path, id, signal);
}

/** `GET api/contents/{dir}/.ipynb_checkpoints/{stem}-{id}{ext}?type=file&format=base64`; undefined when refused. */
async function readHiddenCheckpoint(
  at: ContentsEndpoint,
  path: string,
  id: string,
  signal: AbortSignal | undefined,
): Promise<Uint8Array | undefined> {
  const serverPath = at.resolve(path);
  const name = nameOf(serverPath);
  // os.path.splitext, as FileCheckpoints uses it: the last dot, unless the name starts with it.
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const folder = parentOf(serverPath);
  const hidden = `${folder === '' ? '' : `${folder}/`}${CHECKPOINT_DIR}/${stem}-${id}${ext}`;
  const query = { type: 'file', format: 'base64', content: '1' };
  const res = await at.send('GET', hidden, { query, signal });
  if (res.status === 404 || res.status === 400) return undefined;
  await at.check(res, [200], `read the checkpoint of ${shown(path)}`, path, signal);
  const file = parseBody(res, fileModelSchema, 'the checkpoint');
  return Buffer.from(file.content, file.format === 'base64' ? 'base64' : 'utf8');
}

async function restoreAndPutBack(
  at: ContentsEndpoint,
  files: ContentsApi,
  path: string,
  id: string,
  signal: AbortSignal | undefined,
): Promise<CheckpointContent> {
  const current = await readExact(at, path, signal);
  const stash = tempSibling(path, 'stash');
  try {
    await putBytes(at, path, stash, asUploadSource(current.bytes), UPLOAD_CHUNK_BYTES, { signal });
    const now = await at.statFile(path, signal);
    if (!sameVersion(now, current.entry)) throw new ContentsConflictError(path, now);
    signal?.throwIfAborted();
  } catch (err) {
    await discard(files, stash);
    throw err;
  }
  // From here on the file must get its bytes back, so nothing below takes the caller's signal.
  let checkpoint: Uint8Array | undefined;
  let failure: unknown;
  try {
    await files.restoreCheckpoint(path, id);
    checkpoint = (await readExact(at, path)).bytes;
  } catch (err) {
    // A refusal the server answered with a 4xx (403 on a teammate's file, 404) restored nothing: nothing to undo.
    if (checkpoint === undefined && answered(err)) {
      await discard(files, stash);
      throw err;
    }
    failure = err;
  }
  await putBack(at, path, current.bytes, stash);
  const check = await verifyUpload(at, path, current.bytes);
  if (!check.same) throw putBackFailed(path, stash);
  await discard(files, stash);
  if (checkpoint === undefined) throw failure;
  return { bytes: checkpoint, via: 'restore', entry: check.entry };
}

/** `PUT` the file's own bytes onto it in place (a rename would carry its checkpoints away); tried twice. */
async function putBack(at: ContentsEndpoint, path: string, bytes: Uint8Array, stash: string): Promise<void> {
  const src = asUploadSource(bytes);
  for (let attempt = 1; ; attempt++) {
    try {
      await putBytes(at, path, path, src, UPLOAD_CHUNK_BYTES, {});
      return;
    } catch (err) {
      if (attempt === 2) throw putBackFailed(path, stash, err);
    }
  }
}

function putBackFailed(path: string, stash: string, cause?: unknown): HubResponseError {
  return new HubResponseError(
    `Reading the checkpoint of ${shown(path)} restored it on the hub, and putting your current version back ` +
      `failed. Your current version is kept next to it as ${stash}, which file listings hide (it ends in ~): ` +
      `rename it to ${nameOf(path)} in a terminal on the hub to get it back.`,
    { cause },
  );
}

/** Whether the server refused the request (4xx), as opposed to failing in it (5xx) or the request getting lost. */
function answered(err: unknown): boolean {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** By hash when both have one (2.11+), else by last_modified (1.x). */
function sameVersion(a: ContentsEntry, b: ContentsEntry): boolean {
  return a.hash !== undefined && b.hash !== undefined ? a.hash === b.hash : a.lastModified === b.lastModified;
}
