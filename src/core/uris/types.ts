/**
 * hubnb URIs: how a notebook on a hub is named inside VS Code. Interface and contract only; `hubnbUri.ts`
 * (core, no vscode) implements parsing and formatting on plain `{authority, path}` pairs.
 *
 *   hubnb://<hub host[:port]>/me/<path>                    the user's own file, through their server
 *   hubnb://<hub host[:port]>/team/<user>/<path>           a teammate's file, through the service (read-only)
 *   hubnb://<hub host[:port]>/supported/<name>/<version>/<name>.ipynb   a supported version (read-only)
 *   hubnb://<hub host[:port]>/supported/<name>/current/<name>.ipynb     whatever version is current
 *
 * A supported version's file is named after the notebook, so its tab reads `churn.ipynb`, not `1.2.0.ipynb`
 * (VS Code adds the version folder when two tabs share a name). The earlier shape,
 * `/supported/<name>/<version>.ipynb`, names the same version and keeps working (recent files, saved links);
 * only the new shape is formatted.
 *
 * The authority is the hub's host and port as in its URL; which configured hub it means is resolved by the
 * extension. Paths are checked with checkRelativePath.
 */
export const HUBNB_SCHEME = 'hubnb';

export type HubnbLocation =
  | { area: 'me'; path: string }
  | { area: 'team'; user: string; path: string }
  | { area: 'supported'; name: string; /** A version (`1.2.0`) or `current`. */ version: string }
  /** The folders above the files: `/`, `/me` is covered by area me with path '', `/team`, `/team/<user>`, `/supported`, `/supported/<name>`, `/supported/<name>/<version>`. */
  | { area: 'root' }
  | { area: 'team-root' }
  | { area: 'supported-root' }
  | { area: 'supported-notebook'; name: string }
  /** `/supported/<name>/<version>`: the folder holding that version's one file, `<name>.ipynb`. */
  | { area: 'supported-version'; name: string; version: string };
