import * as vscode from 'vscode';
import { CatalogError } from '../../core/catalog';
import { ContentsError } from '../../core/contents';
import { HubError } from '../../core/hub';
import { HubnbUriError } from '../../core/uris/hubnbUri';
import { NotSignedInError } from '../hub/notSignedInError';
import { messageOf } from '../../core/errors';

/** Whether a failed operation was reading or changing something; a bad path reads as missing, writes as denied. */
export type Access = 'read' | 'write';

export interface MappedError {
  error: vscode.FileSystemError;
  /** Set when the user should be offered to sign in. */
  signIn?: NotSignedInError;
}

/**
 * Turns what the core throws into the FileSystemError VS Code expects, keeping the core's message, which
 * already says what to do. Missing things are FileNotFound, refusals NoPermissions, and a hub, service or
 * server that cannot answer (or a server the user chose not to start) Unavailable.
 */
export function toFileSystemError(err: unknown, uri: vscode.Uri | undefined, access: Access): MappedError {
  if (err instanceof vscode.FileSystemError) return { error: err };
  const message = messageOf(err);
  const E = vscode.FileSystemError;
  if (err instanceof NotSignedInError) return { error: E.Unavailable(message), signIn: err };
  if (err instanceof HubnbUriError)
    return { error: access === 'read' ? E.FileNotFound(message) : E.NoPermissions(message) };
  if (err instanceof CatalogError) return { error: fromCatalog(err.code, message) };
  if (err instanceof ContentsError) {
    switch (err.kind) {
      case 'permission':
        return { error: E.NoPermissions(message) };
      case 'exists':
        return { error: E.FileExists(message) };
      case 'invalid-path':
        return { error: access === 'read' ? E.FileNotFound(message) : E.NoPermissions(message) };
      default:
        return { error: new E(message) };
    }
  }
  if (err instanceof HubError) {
    switch (err.kind) {
      case 'not-found':
        return { error: E.FileNotFound(message) };
      case 'auth':
        return { error: E.NoPermissions(message) };
      case 'server-not-running':
      case 'unavailable':
      case 'spawn-failed':
        return { error: E.Unavailable(message) };
      default:
        return { error: new E(message) };
    }
  }
  if (err instanceof Object && (err as { name?: unknown }).name === 'AbortError') {
    return { error: E.Unavailable('The request was cancelled or timed out. Try again.') };
  }
  return { error: uri && message === '' ? new E(uri) : new E(message) };
}

function fromCatalog(code: string, message: string): vscode.FileSystemError {
  const E = vscode.FileSystemError;
  switch (code) {
    case 'not_found':
    case 'invalid_path':
    case 'invalid_name':
    case 'invalid_version':
      return E.FileNotFound(message);
    case 'forbidden':
    case 'unauthorized':
      return E.NoPermissions(message);
    case 'hub_unavailable':
      return E.Unavailable(message);
    default:
      // too_large, invalid_notebook and the rest: the service's message says what is wrong with the file.
      return new E(message);
  }
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
