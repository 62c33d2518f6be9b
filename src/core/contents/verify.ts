import crypto from 'node:crypto';
import { parseBody } from '../hub/response';
import type { ContentsEndpoint } from './contentsEndpoint';
import { shown } from './contentsEndpoint';
import { contentsModelSchema, fileModelSchema } from './schemas';
import { asUploadSource } from './upload';
import type { ContentsEntry, UploadSource, UploadVerification } from './types';

// Local bytes are hashed and compared in slices of this size, so a large source need not be read at once.
const SLICE_BYTES = 8 * 1024 * 1024;

/**
 * Reads the hub's copy of `path` back and compares it with `local`, which is what lets "Move to Hub" delete the
 * local copy. First the size (`GET …?content=0`, nothing downloaded): a different size is a difference. Then,
 * from servers that hash (jupyter_server 2.11+, `hash=1`, sha256 of the bytes on disk), the hash against a
 * local sha256; a server without hashes (1.x) sends the file (`type=file&format=base64`, the bytes as stored,
 * notebooks included) and it is compared byte for byte.
 */
export async function verifyUpload(
  at: ContentsEndpoint,
  path: string,
  local: Uint8Array | UploadSource,
  signal?: AbortSignal,
): Promise<UploadVerification> {
  const src = asUploadSource(local);
  const serverPath = at.resolve(path);
  const meta = await at.send('GET', serverPath, {
    query: { type: 'file', content: '0', hash: '1' },
    signal,
  });
  await at.check(meta, [200], `read ${shown(path)} back`, path, signal);
  const model = parseBody(meta, contentsModelSchema, 'the read-back');
  const entry = at.entry(model);
  const hashed = typeof model.hash === 'string' && model.hash_algorithm === 'sha256';
  const by = hashed ? 'sha256' : 'bytes';
  if (typeof model.size === 'number' && model.size !== src.size) return { same: false, by, entry };
  if (hashed) return { same: (await sha256(src, signal)) === model.hash, by, entry };

  const remote = await readExact(at, path, signal);
  return { same: await equalBytes(src, remote.bytes, signal), by, entry: remote.entry };
}

/**
 * `GET api/contents/{path}?type=file&format=base64&content=1`: the bytes exactly as stored, whatever they are
 * (a notebook too, and text that is not UTF-8), and the entry.
 */
export async function readExact(
  at: ContentsEndpoint,
  path: string,
  signal?: AbortSignal,
): Promise<{ bytes: Buffer; entry: ContentsEntry }> {
  const res = await at.send('GET', at.resolve(path), {
    query: { type: 'file', format: 'base64', content: '1', hash: '1' },
    signal,
  });
  await at.check(res, [200], `read ${shown(path)}`, path, signal);
  const file = parseBody(res, fileModelSchema, 'the file');
  return {
    bytes: Buffer.from(file.content, file.format === 'base64' ? 'base64' : 'utf8'),
    entry: at.entry(file),
  };
}

/** The hex sha256 of a source, read slice by slice. */
export async function sha256(src: UploadSource, signal?: AbortSignal): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (let offset = 0; offset < src.size; offset += SLICE_BYTES) {
    signal?.throwIfAborted();
    hash.update(await src.read(offset, Math.min(SLICE_BYTES, src.size - offset), signal));
  }
  return hash.digest('hex');
}

async function equalBytes(src: UploadSource, remote: Buffer, signal?: AbortSignal): Promise<boolean> {
  if (remote.byteLength !== src.size) return false;
  for (let offset = 0; offset < src.size; offset += SLICE_BYTES) {
    signal?.throwIfAborted();
    const length = Math.min(SLICE_BYTES, src.size - offset);
    const mine = await src.read(offset, length, signal);
    if (!remote.subarray(offset, offset + length).equals(mine)) return false;
  }
  return true;
}
