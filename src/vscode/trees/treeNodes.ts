import type { SupportedSummary, SupportedVersion, TeamEntry, Teammate } from '../../core/catalog/schemas';
import type { ContentsEntry } from '../../core/contents/types';
import type { SignedInHub } from '../hub/hubAccess';

/**
 * Every `contextValue` the trees give their items. package.json's `view/item/context` menus match on these
 * (`viewItem == …`), and test/unit/vscode/commandTable.test.ts checks that every value a menu names is one of them.
 */
export const ContextValues = {
  /** A hub's top node when several hubs are signed in (Team and Supported). */
  hub: 'hub',
  /** A hub's top node in My Notebooks, by whether its server answered. */
  myHubRunning: 'myHubRunning',
  myHubStopped: 'myHubStopped',
  myFolder: 'myFolder',
  myNotebook: 'myNotebook',
  /** Any other file of the user's own: a script, data, an image. */
  myFile: 'myFile',
  teammate: 'teammate',
  teamFolder: 'teamFolder',
  teamNotebook: 'teamNotebook',
  supportedNotebook: 'supportedNotebook',
  /** A version that is not current, seen by someone who may not roll back. */
  supportedVersion: 'supportedVersion',
  supportedVersionCurrent: 'supportedVersionCurrent',
  /** A version that is not current, seen by a maintainer: the only one with Roll Back to This Version. */
  supportedVersionRollback: 'supportedVersionRollback',
  /** A line of text standing in for a hub's items (server stopped, service missing, nothing yet). */
  message: 'message',
} as const;

export type ContextValue = (typeof ContextValues)[keyof typeof ContextValues];

/** The three views of the Hub Notebooks container (package.json `contributes.views.hubNotebooks`). */
export const ViewIds = {
  myNotebooks: 'hubNotebooks.myNotebooks',
  team: 'hubNotebooks.team',
  supported: 'hubNotebooks.supported',
} as const;

export type ViewId = (typeof ViewIds)[keyof typeof ViewIds];

/** A hub's top node, shown only when several hubs are signed in. */
export interface HubNode {
  kind: 'hub';
  view: ViewId;
  hub: SignedInHub;
}

/** A folder or notebook of the user's own, through their server. */
export interface MyEntryNode {
  kind: 'myEntry';
  hub: SignedInHub;
  /** Its `path` is relative to the user's home, as in `hubnb://<hub>/me/<path>`. */
  entry: ContentsEntry;
}

export interface TeammateNode {
  kind: 'teammate';
  hub: SignedInHub;
  teammate: Teammate;
}

/** A folder or notebook in a teammate's home, through the service. */
export interface TeamEntryNode {
  kind: 'teamEntry';
  hub: SignedInHub;
  owner: string;
  entry: TeamEntry;
}

export interface SupportedNotebookNode {
  kind: 'supportedNotebook';
  hub: SignedInHub;
  summary: SupportedSummary;
  /** Whether the viewer may roll back (`api/me` says maintainer). */
  maintainer: boolean;
}

export interface SupportedVersionNode {
  kind: 'supportedVersion';
  hub: SignedInHub;
  version: SupportedVersion;
  /** The notebook's current version, which this one may be. */
  currentVersion: string;
  current: boolean;
  maintainer: boolean;
}

/** Text in place of a hub's items, when several hubs are shown and one of them has nothing to list. */
export interface MessageNode {
  kind: 'message';
  hub: SignedInHub;
  view: ViewId;
  text: string;
  /** A command the item runs when clicked, such as Start Server. */
  action?: { command: string; title: string } | undefined;
}

export type TreeNode =
  | HubNode
  | MyEntryNode
  | TeammateNode
  | TeamEntryNode
  | SupportedNotebookNode
  | SupportedVersionNode
  | MessageNode;

/** A key that names a node uniquely within its view: the cache key of its children and its TreeItem id. */
export function nodeKey(node: TreeNode): string {
  const hub = node.hub.hubUrl;
  switch (node.kind) {
    case 'hub':
      return `${hub}`;
    case 'myEntry':
      return `${hub}\n${node.entry.path}`;
    case 'teammate':
      return `${hub}\n${node.teammate.name}`;
    case 'teamEntry':
      return `${hub}\n${node.owner}\n${node.entry.path}`;
    case 'supportedNotebook':
      return `${hub}\n${node.summary.name}`;
    case 'supportedVersion':
      return `${hub}\n${node.version.name}\n${node.version.version}`;
    case 'message':
      return `${hub}\n\u0000${node.text}`;
  }
}
