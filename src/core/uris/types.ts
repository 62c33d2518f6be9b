/**
 * hubnb URIs: how a notebook on a hub is named inside VS Code. Interface and contract only; `hubnbUri.ts`
 * (core, no vscode) implements parsing and formatting on plain `{authority, path}` pairs.
 *
 *   hubnb://<hub host[:port]>/me/<path>                    the user's own file, through their server
 *   hubnb://<hub host[:port]>/team/<user>/<path>           a teammate's file, through the service (read-only)
 *   hubnb://<hub host[:port]>/supported/<name>/<version>.ipynb   a supported version (read-only)
 *   hubnb://<hub host[:port]>/supported/<name>/current.ipynb     whatever version is current
 *
 * The authority is the hub's host and port as in its URL; which configured hub it means is resolved by the
 * extension. Paths are checked with checkRelativePath.
 */
export const HUBNB_SCHEME = 'hubnb';

export type HubnbLocation =
  | { area: 'me'; path: string }
  | { area: 'team'; user: string; path: string }
  | { area: 'supported'; name: string; /** A version (`1.2.0`) or `current`. */ version: string }
  /** The folders above the files: `/`, `/me` is covered by area me with path '', `/team`, `/team/<user>`, `/supported`, `/supported/<name>`. */
  | { area: 'root' }
  | { area: 'team-root' }
  | { area: 'supported-root' }
  | { area: 'supported-notebook'; name: string };
