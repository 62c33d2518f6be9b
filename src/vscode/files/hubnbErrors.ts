import vscode = require('vscode');
import { CoreError, messageOf, type CoreErrorKind } from '../../core/errors';
import { NotSignedInError } from '../hub/notSignedInError';

/** Whether a failed operation was reading or changing something; a bad path reads as missing, writes as denied. */
export type Access = 'read' | 'write';

export interface MappedError {
  error: vscode.FileSystemError;
  /** Set when the user should be offered to sign in. */
  signIn?: NotSignedInError;
}

type FsError = vscode.FileSystemError;
type MakeFsError = (message: string, access: Access) => FsError;

const E = () => vscode.FileSystemError;
const notFound: MakeFsError = (m) => E().FileNotFound(m);
const denied: MakeFsError = (m) => E().NoPermissions(m);
const unavailable: MakeFsError = (m) => E().Unavailable(m);
const other: MakeFsError = (m) => new (E())(m);
/** A bad path reads as missing and writes as refused. */
const badPath: MakeFsError = (m, access) => (access === 'read' ? notFound(m, access) : denied(m, access));

/**
 * The one table from the core's error kinds to FileSystemErrors. Missing things are FileNotFound, refusals
 * NoPermissions, and a hub, service or server that cannot answer (or a server the user chose not to start)
 * Unavailable; the rest keep their message, which says what is wrong.
 */
const FS_ERROR_OF_KIND: Record<CoreErrorKind, MakeFsError> = {
  // the hub (core/hub/errors.ts)
  auth: denied,
  'server-not-running': unavailable,
  unavailable,
  'not-found': notFound,
  response: other,
  'not-a-hub': other,
  'invalid-response': other,
  'cross-origin-redirect': other,
  'spawn-failed': unavailable,
  // the user's own files (core/contents/errors.ts)
  conflict: other,
  permission: denied,
  exists: (m) => E().FileExists(m),
  'invalid-path': badPath,
  'invalid-content': other,
  // the catalog (core/catalog/errors.ts), where a code has no common kind
  'service-missing': other,
  catalog: other,
  // hubnb URIs (core/uris/hubnbUri.ts)
  'invalid-uri': badPath,
  // sign-in and kernel runs (core/auth/errors.ts, core/kernels/errors.ts): not file errors, kept as said
  cancelled: other,
  'no-browser': other,
  timeout: other,
  denied: other,
  'state-mismatch': other,
  'invalid-callback': other,
  rejected: other,
  'hub-unavailable': unavailable,
  'invalid-token': denied,
  restarted: other,
  died: other,
  disconnected: other,
  'not-run': other,
  disposed: other,
};

/**
 * Turns what the core throws into the FileSystemError VS Code expects, keeping the core's message, which
 * already says what to do (FS_ERROR_OF_KIND).
 */
export function toFileSystemError(err: unknown, uri: vscode.Uri | undefined, access: Access): MappedError {
  if (err instanceof vscode.FileSystemError) return { error: err };
  const message = messageOf(err);
  if (err instanceof NotSignedInError) return { error: unavailable(message, access), signIn: err };
  if (err instanceof CoreError) return { error: FS_ERROR_OF_KIND[err.kind](message, access) };
  if (err instanceof Object && (err as { name?: unknown }).name === 'AbortError') {
    return { error: unavailable('The request was cancelled or timed out. Try again.', access) };
  }
  return { error: uri && message === '' ? new (E())(uri) : other(message, access) };
}

const READ_ONLY_HINT = 'Use "Save a Copy to My Notebooks" to get a copy you can edit.';

/** NoPermissions for a write to a teammate's or a supported notebook, with the way to an editable copy. */
export function readOnly(uri: vscode.Uri): vscode.FileSystemError {
  const area = uri.path.split('/')[1];
  const what =
    area === 'team'
      ? "Teammates' notebooks are read-only."
      : area === 'supported'
        ? 'Supported notebooks are read-only.'
        : `${uri.path} is read-only.`;
  return vscode.FileSystemError.NoPermissions(`${what} ${READ_ONLY_HINT}`);
}
