import { CoreError } from '../errors';
import type { PathRejection } from '../uris/relativePath';
import type { ContentsEntry } from './types';

/**
 * Errors of the contents client beyond the hub's own (src/core/hub/errors.ts, which it also throws: 401/403
 * auth → HubAuthError, stopped server → ServerNotRunningError, 404 → HubNotFoundError, …). These are the
 * failures that are about the file, not about the connection, so callers must not react to them by signing in
 * again or starting the server.
 */
export type ContentsErrorKind = 'conflict' | 'permission' | 'exists' | 'invalid-path' | 'invalid-content';

/** Base class of the contents client's own errors. */
export abstract class ContentsError extends CoreError {
  abstract override readonly kind: ContentsErrorKind;
  /** The path the caller gave, relative to the client's root. */
  readonly path: string;

  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/**
 * A save refused because the file changed (or was deleted) on the server since the caller read it. Nothing was
 * written. `current` is the server's entry as it is now, or undefined when the file no longer exists.
 */
export class ContentsConflictError extends ContentsError {
  readonly kind = 'conflict';

  constructor(
    path: string,
    readonly current: ContentsEntry | undefined,
  ) {
    super(
      current
        ? `${path} was changed on the hub since you opened it (modified ${current.lastModified}). Compare, reload, or overwrite it on purpose.`
        : `${path} was deleted on the hub since you opened it. Save it again on purpose to recreate it.`,
      path,
    );
  }
}

/**
 * 403 "Permission denied: …" from jupyter_server: the user's unix account may not write (or read) that file.
 * The token is fine, so this is not a HubAuthError; see contentsClient.ts for how the two 403s are told apart.
 */
export class ContentsPermissionError extends ContentsError {
  readonly kind = 'permission';

  constructor(
    path: string,
    readonly serverMessage: string,
    readonly status = 403,
  ) {
    super(
      `The server refused access to ${path} (${serverMessage}). Your account on the hub may not change this file.`,
      path,
    );
  }
}

/** 409 on a rename: the target already exists, and the server never replaces a file by renaming onto it. */
export class ContentsExistsError extends ContentsError {
  readonly kind = 'exists';

  constructor(
    path: string,
    readonly serverMessage: string | undefined,
  ) {
    super(`${path} already exists on the hub; choose another name or delete it first.`, path);
  }
}

/** A path that breaks the relative-path rule; refused before anything was sent. */
export class ContentsPathError extends ContentsError {
  readonly kind = 'invalid-path';

  constructor(
    path: string,
    readonly reason: PathRejection['reason'],
    message: string,
  ) {
    super(message, path);
  }
}

/** Bytes that cannot be saved as given, such as a `.ipynb` that is not JSON; nothing was sent. */
export class ContentsContentError extends ContentsError {
  readonly kind = 'invalid-content';
}
