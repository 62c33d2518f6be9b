import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The sha256 of some bytes, as lower-case hex: the name a blob is stored under. */
export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Content-addressed files under `<root>/<sha256[0:2]>/<sha256>`: identical notebooks are stored once, and a
 * blob never changes once written, so readers need no locking.
 */
export class BlobStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  /** Writes the bytes unless a blob of that hash exists; returns its hash. */
  put(bytes: Uint8Array, sha256 = sha256Hex(bytes)): string {
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) return sha256;
    const dir = path.dirname(target);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Written under a temporary name and renamed, so a reader (or a crash) never sees half a blob. Two
    // processes storing the same bytes both rename identical files into place, which is harmless.
    const temp = path.join(dir, `.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
    try {
      const fd = fs.openSync(temp, 'wx', 0o600);
      try {
        fs.writeSync(fd, bytes);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, target);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw err;
    }
    return sha256;
  }

  /** The blob's bytes; throws ENOENT when it is missing. */
  get(sha256: string): Buffer {
    return fs.readFileSync(this.pathOf(sha256));
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`Not a sha256: ${sha256.slice(0, 80)}`);
    return path.join(this.root, sha256.slice(0, 2), sha256);
  }
}
