import vscode = require('vscode');
import type { SupportedNotebook, SupportedVersion } from '../../core/catalog/schemas';
import type { CatalogApi } from '../../core/catalog/types';
import type { ContentsApi } from '../../core/contents/types';
import type { HubnbLocation } from '../../core/uris/types';

/**
 * The read-only views of an own file a hubnb URI's query names: `version=hub` (the hub's current version),
 * `version=unsaved` (the bytes of a refused save) and `checkpoint=<id>` (one of jupyter_server's checkpoints).
 */
export type View = { kind: 'hub' } | { kind: 'unsaved' } | { kind: 'checkpoint'; id: string };

/** A file's identity without the view query, so the hub-version and unsaved views share its entries. */
export function keyOf(uri: vscode.Uri): string {
  return `${uri.authority}${uri.path}`;
}

/** A version of a supported notebook, `current` resolved; FileNotFound when there is no such version. */
export function findVersion(nb: SupportedNotebook, version: string): SupportedVersion {
  const wanted = version === 'current' ? nb.currentVersion : version;
  const found = nb.versions.find((v) => v.version === wanted);
  if (!found) throw vscode.FileSystemError.FileNotFound(`${nb.name} has no version ${wanted}.`);
  return found;
}

/** The view a URI's query names, undefined for the file itself; FileNotFound for any other query. */
export function viewOf(uri: vscode.Uri, location: HubnbLocation): View | undefined {
  if (uri.query === '') return undefined;
  const query = new URLSearchParams(uri.query);
  const version = query.get('version');
  const checkpoint = query.get('checkpoint');
  if (location.area === 'me' && [...query.keys()].length === 1) {
    if (version === 'hub' || version === 'unsaved') return { kind: version };
    if (checkpoint) return { kind: 'checkpoint', id: checkpoint };
  }
  throw vscode.FileSystemError.FileNotFound(`${uri.toString()} names no file: unknown query.`);
}

/** The URI of a checkpoint of an own file: read-only, and opened beside the file in a diff. */
export function checkpointUri(uri: vscode.Uri, id: string): vscode.Uri {
  return uri.with({ query: new URLSearchParams({ checkpoint: id }).toString() });
}

/** A file's name as the server-start question says it. */
export function named(path: string): string {
  return path.split('/').pop() || path;
}

/** A folder's name as the server-start question says it; the home folder is My Notebooks. */
export function folderNamed(path: string): string {
  return path === '' ? 'My Notebooks' : named(path);
}

/** A file's current version on the hub, from its owner's contents API or the catalog; undefined for folders. */
export async function currentVersion(
  account: { contents: ContentsApi; catalog: CatalogApi },
  loc: HubnbLocation,
): Promise<{ lastModified: string; hash: string | undefined } | undefined> {
  if (loc.area === 'me') {
    const { lastModified, hash } = await account.contents.stat(loc.path);
    return { lastModified, hash };
  }
  if (loc.area === 'team') {
    const { lastModified } = await account.catalog.statTeamEntry(loc.user, loc.path);
    return { lastModified, hash: undefined };
  }
  if (loc.area !== 'supported') return undefined;
  const version = findVersion(await account.catalog.getSupported(loc.name), loc.version);
  return { lastModified: version.publishedAt, hash: undefined };
}
