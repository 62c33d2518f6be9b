import { InvalidHubResponseError } from '../hub/errors';
import { parseBody } from '../hub/response';
import type { ContentsEndpoint } from './contentsEndpoint';
import { shown } from './contentsEndpoint';
import { ContentsExistsError } from './errors';
import { contentsModelSchema } from './schemas';
import { discard, lookUp } from './steps';
import { tempSibling } from './tempNames';
import type { ContentsApi, ContentsEntry, UploadOptions, UploadSource } from './types';

/**
 * The request-body cap that jupyter_server gives tornado's HTTPServer: `ServerApp.max_body_size` (and
 * `max_buffer_size`), 512 MiB by default on 1.23 and 2.x alike (read in serverapp.py). A larger body is cut
 * off after a few MB: the proxy then answers 400 with no body (JupyterHub 5) or 503 HTML (JupyterHub 3), and
 * nothing is written. Base64 makes the body 4/3 of the file, so one PUT carries at most about 384 MiB.
 */
export const SERVER_MAX_BODY_BYTES = 512 * 1024 * 1024;

/**
 * Bytes per upload request. Files up to this size go in one PUT; larger ones in chunks (`chunk: 1, 2, …, -1`,
 * which both versions' default LargeFileManager appends: AsyncLargeFileManager on 2.x, LargeFileManager on
 * 1.23). A 50 MB file, chunk sizes interleaved over 7 rounds on 2 busy cores (medians, MB/s, 2.17 / 1.23):
 * 0.5 MiB 46 / 49, 1 MiB (JupyterLab's) 58 / 63, 2 MiB 65 / 72, 4 MiB 70 / 76, 8 MiB 72 / 82, 16 MiB 64 / 69,
 * 64 MiB 52 / 59. Small chunks pay a round trip and a stat each; large ones hold the whole body in the
 * server's memory and parse it in one go.
 */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** The most a caller may ask per chunk: the base64 JSON body must stay under SERVER_MAX_BODY_BYTES. */
const MAX_CHUNK_BYTES = 256 * 1024 * 1024;

/** Gives the same slice interface to bytes already in memory. */
export function asUploadSource(source: Uint8Array | UploadSource): UploadSource {
  if (!(source instanceof Uint8Array)) return source;
  return {
    size: source.byteLength,
    read: (offset, length) => Promise.resolve(source.subarray(offset, offset + length)),
  };
}

/**
 * Uploads bytes so that the hub's copy is byte-identical, notebooks included: always `type: file` with base64
 * content, which jupyter_server writes as given (a `type: notebook` save would re-serialise the JSON; a `.ipynb`
 * path accepts `type: file` on 1.23 and 2.x, measured). The bytes go to a temporary sibling (tempNames.ts) and
 * are renamed onto `path` only once all of them arrived, so a cancelled or failed upload never leaves a partial
 * file under the real name: the temporary file is then deleted (best-effort) and an existing target is untouched.
 */
export async function uploadFile(
  at: ContentsEndpoint,
  files: ContentsApi,
  path: string,
  source: Uint8Array | UploadSource,
  options: UploadOptions = {},
): Promise<ContentsEntry> {
  const { signal, overwrite = false } = options;
  const chunkBytes = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
    throw new RangeError(`chunkBytes must be a whole number from 1 to ${MAX_CHUNK_BYTES}, not ${chunkBytes}`);
  }
  at.resolve(path); // refuses a bad path before anything is sent
  const src = asUploadSource(source);
  signal?.throwIfAborted();
  // Asked first so that a large upload is not sent only to be refused at the rename. A folder is never
  // replaced: the overwrite's rename aside would hide it and its delete would fail on its contents.
  const existing = await lookUp(files, path, signal);
  if (existing && (!overwrite || existing.type === 'directory'))
    throw new ContentsExistsError(path, undefined);
  const temp = tempSibling(path, 'upload');
  options.onProgress?.({ sent: 0, total: src.size });
  try {
    await putBytes(at, path, temp, src, chunkBytes, options);
    signal?.throwIfAborted();
  } catch (err) {
    await discard(files, temp);
    throw err;
  }
  await moveIntoPlace(files, temp, path, overwrite, signal);
  // The rename's reply has no hash; a server that hashes gives it here, for verifyUpload and later saves.
  return at.statFile(path, signal);
}

/**
 * `PUT api/contents/{target}`: one body for a small file, else chunk 1, 2, … and -1 for the last. `path` is the
 * name the user knows, for messages; `target` the file written (a temporary sibling, or the file itself).
 */
export async function putBytes(
  at: ContentsEndpoint,
  path: string,
  target: string,
  src: UploadSource,
  chunkBytes: number,
  options: UploadOptions,
): Promise<void> {
  const { signal } = options;
  const serverPath = at.resolve(target);
  const count = Math.max(1, Math.ceil(src.size / chunkBytes));
  for (let i = 0; i < count; i++) {
    signal?.throwIfAborted();
    const offset = i * chunkBytes;
    const length = Math.min(chunkBytes, src.size - offset);
    const bytes = await src.read(offset, length, signal);
    if (bytes.byteLength !== length) {
      throw new RangeError(`The upload source gave ${bytes.byteLength} bytes at ${offset}, not ${length}.`);
    }
    const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    const chunk = count === 1 ? {} : { chunk: i === count - 1 ? -1 : i + 1 };
    const body = { type: 'file', format: 'base64', content, ...chunk };
    const res = await at.send('PUT', serverPath, { body, signal });
    await at.check(res, [200, 201], `upload ${shown(path)}`, path, signal);
    const stored = parseBody(res, contentsModelSchema, 'the upload').size;
    // LargeFileManager answers each chunk with the file's size so far. A contents manager that ignores `chunk`
    // would replace the file with every request, which this catches before the rename.
    if (typeof stored === 'number' && stored !== offset + length) {
      throw new InvalidHubResponseError(
        `Your server stored ${stored} bytes of ${shown(path)} where ${offset + length} were sent; the upload was ` +
          'abandoned. Its contents manager may not support chunked uploads (jupyter_server’s LargeFileManager does).',
      );
    }
    options.onProgress?.({ sent: offset + length, total: src.size });
  }
}

/**
 * `PATCH` the temporary file onto the target. The contents API's rename never replaces (409), so to overwrite,
 * the old target is first renamed aside and deleted only after the new file took its name. Between those two
 * renames (one round trip, tens of milliseconds) the target name is missing, and a save by another client in
 * that window makes the second rename fail: the old file is then renamed back when its name is still free, and
 * otherwise kept under its aside name, never deleted. Renaming moves a file's checkpoints with it, so the old
 * target's checkpoints are deleted with it, as a delete then an upload would do.
 */
async function moveIntoPlace(
  files: ContentsApi,
  temp: string,
  path: string,
  overwrite: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await files.rename(temp, path, signal);
    return;
  } catch (err) {
    if (!(err instanceof ContentsExistsError) || !overwrite) {
      await discard(files, temp);
      throw err;
    }
  }
  const aside = tempSibling(path, 'replaced');
  try {
    // A folder made at the target during the upload is refused, as one there before it.
    if ((await lookUp(files, path, signal))?.type === 'directory')
      throw new ContentsExistsError(path, undefined);
    await files.rename(path, aside, signal);
  } catch (err) {
    await discard(files, temp);
    throw err;
  }
  try {
    await files.rename(temp, path, signal);
  } catch (err) {
    await files.rename(aside, path).catch(() => undefined);
    await discard(files, temp);
    throw err;
  }
  await discard(files, aside);
}
