import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { checkRelativePath } from '../../core/uris/relativePath';
import { RequestError } from '../http';

/**
 * Usernames that can stand for one file name: letters, digits and `._@+-`, not starting with a dot or a dash,
 * at most 64 characters. JupyterHub allows more, but such a name cannot be put into a home path safely, so
 * that user simply has no team folder.
 */
const SAFE_USERNAME = /^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,63}$/;

/** True when `name` is safe to substitute into the home template and to pass to `getent`. */
export function isSafeUsername(name: string): boolean {
  return SAFE_USERNAME.test(name);
}

/** The home folder of `username` from the template (`/home/{username}`), or undefined for an unsafe name. */
export function homeOf(template: string, username: string): string | undefined {
  if (!isSafeUsername(username)) return undefined;
  return path.resolve(template.split('{username}').join(username));
}

/** A requested path inside a home, after every symlink was followed and found to stay inside. */
export interface ResolvedPath {
  /** The home with its symlinks resolved. */
  realHome: string;
  /** The target with its symlinks resolved; inside `realHome`, or `realHome` itself. */
  real: string;
  /** `real` relative to `realHome`, `/`-separated (`''` for the home itself). */
  relPath: string;
  segments: string[];
}

/**
 * Resolves `input` (a query parameter, untrusted) inside `home`. The path rule comes first (no `..`,
 * encodings, hidden names…); then both the home and the target go through `realpath`, and the target must be
 * the home or lie below it: `realHome + path.sep` as the prefix, so `/home/bobby` is not inside `/home/bob`.
 * A symlink that leads out of the home, or into a hidden folder of it, is refused; one that stays inside and
 * visible is fine. Throws RequestError 400 `invalid_path` or 404 `not_found`.
 */
export async function resolveInHome(home: string, input: string, owner: string): Promise<ResolvedPath> {
  const checked = checkRelativePath(input);
  if (!checked.ok) throw new RequestError(400, 'invalid_path', checked.message);
  const realHome = await realpath(home).catch(() => {
    throw new RequestError(404, 'not_found', `${owner} has no home folder with notebooks on the hub.`);
  });
  let real: string;
  try {
    real = await realpath(path.join(realHome, ...checked.segments));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new RequestError(400, 'invalid_path', 'The path goes through a loop of symbolic links.');
    }
    throw new RequestError(404, 'not_found', `There is no \`${checked.path}\` in ${owner}'s home.`);
  }
  if (real !== realHome && !real.startsWith(realHome + path.sep)) {
    throw new RequestError(
      400,
      'invalid_path',
      `The path leads outside ${owner}'s home folder through a symbolic link; only the home folder is shared.`,
    );
  }
  const relPath = path.relative(realHome, real).split(path.sep).join('/');
  const inside = checkRelativePath(relPath);
  if (!inside.ok) {
    throw new RequestError(
      400,
      'invalid_path',
      'The path leads through a symbolic link to a hidden or unusual name, which is not shared.',
    );
  }
  return { realHome, real, relPath: inside.path, segments: inside.segments };
}
