import vscode = require('vscode');
import { formatHubnbPath, hubAuthority } from '../../core/uris/hubnbUri';
import { HUBNB_SCHEME, type HubnbLocation } from '../../core/uris/types';
import type { TreeNode } from './treeNodes';

/** The hubnb URI of a place on a hub, for example `hubnb://hub.example.org/team/bob/analysis.ipynb`. */
export function hubnbUri(hubUrl: string, location: HubnbLocation): vscode.Uri {
  return vscode.Uri.from({
    scheme: HUBNB_SCHEME,
    authority: hubAuthority(hubUrl),
    path: formatHubnbPath(location),
  });
}

/**
 * The hubnb location a tree node stands for, or undefined for nodes that name no file (hubs, messages). A
 * supported notebook's node means its current version, named concretely, so the editor shows which one.
 */
export function locationOf(node: TreeNode): HubnbLocation | undefined {
  switch (node.kind) {
    case 'myEntry':
      return { area: 'me', path: node.entry.path };
    case 'teammate':
      return { area: 'team', user: node.teammate.name, path: '' };
    case 'teamEntry':
      return { area: 'team', user: node.owner, path: node.entry.path };
    case 'supportedNotebook':
      return { area: 'supported', name: node.summary.name, version: node.summary.current.version };
    case 'supportedVersion':
      return { area: 'supported', name: node.version.name, version: node.version.version };
    default:
      return undefined;
  }
}

/**
 * The hubnb URI of a tree node, or undefined for nodes that name no file. Throws HubnbUriError for a name no
 * hubnb URI can carry (formatHubnbPath's rules), which the commands show to the user.
 */
export function uriOf(node: TreeNode): vscode.Uri | undefined {
  const location = locationOf(node);
  return location && hubnbUri(node.hub.hubUrl, location);
}

/** Like uriOf, but undefined instead of an error: for drawing items, where a bad name must not break the view. */
export function uriOfOrUndefined(node: TreeNode): vscode.Uri | undefined {
  try {
    return uriOf(node);
  } catch {
    return undefined;
  }
}
