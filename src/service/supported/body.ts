import type { IncomingMessage } from 'node:http';
import { RequestError } from '../http';

/**
 * How much of a refused upload the service still reads (and discards) before answering. Answering while the
 * client is still sending makes Node close the connection once the answer is out, and a proxy that is still
 * writing the body then fails with EPIPE: configurable-http-proxy 4.5 (Debian's) turns that into a 503 page in
 * place of our message, measured with a 64 MB upload. Reading the rest first lets the real answer through;
 * beyond this cap the service stops reading and accepts that risk rather than soak up an endless upload.
 */
export const DISCARD_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * Reads a request body of at most `maxBytes`. A bigger one is refused with 413 `too_large` once it has been
 * read to its end (see DISCARD_LIMIT_BYTES), keeping nothing past the limit in memory.
 */
export async function readLimitedBody(req: IncomingMessage, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  const complete = await consume(req, (chunk) => {
    if (kept + chunk.length > maxBytes) {
      chunks.length = 0;
      kept = maxBytes + 1;
      return;
    }
    chunks.push(chunk);
    kept += chunk.length;
  });
  if (!complete || kept > maxBytes) {
    throw new RequestError(
      413,
      'too_large',
      `${what} is larger than the ${formatBytes(maxBytes)} the catalog accepts. Remove large embedded ` +
        'data (images, outputs, attached files) and try again.',
    );
  }
  return Buffer.concat(chunks, kept);
}

/** Reads and drops whatever body a request carries, so that a refusal sent next reaches the client. */
export async function discardBody(req: IncomingMessage): Promise<void> {
  await consume(req, () => undefined);
}

/** `64 MB`, `512 KB`, `12 bytes`: for messages people read. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KB`;
  return `${bytes} bytes`;
}

/**
 * Feeds each chunk to `onChunk` until the body ends (true) or passes DISCARD_LIMIT_BYTES (false; the rest is
 * left to Node, which drops it). Rejects when the client goes away mid-upload.
 */
function consume(req: IncomingMessage, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  if (req.readableEnded) return Promise.resolve(true);
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > DISCARD_LIMIT_BYTES) {
    req.resume();
    return Promise.resolve(false);
  }
  return new Promise((resolve, reject) => {
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > DISCARD_LIMIT_BYTES) {
        cleanup();
        req.resume();
        resolve(false);
        return;
      }
      onChunk(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(true);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      // 'close' before 'end' means the client went away mid-upload.
      cleanup();
      reject(new RequestError(400, 'invalid_request', 'The upload was interrupted.'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
