import type { Logger } from '../../core/logger';
import { hostOf } from '../auth/authSession';
import {
  describeError,
  isServiceMissing,
  type HubProblem,
  type NotebookHubs,
  type SignedInHub,
} from '../hub/hubAccess';
import { foldersFirst } from './myNotebooksModel';
import { TreeModel, type HubListing } from './treeModel';
import { ViewIds, type TeamEntryNode, type TreeNode } from './treeNodes';

/**
 * The model of Team: on each hub, the teammates whose notebooks the user may read (they share a team group
 * with them), each with their folders and notebooks, served by the hub service from their homes. A notebook
 * the service could not read as nbformat is listed with its warning; opening it fails with the service's
 * message.
 */
export class TeamModel extends TreeModel {
  constructor(hubs: NotebookHubs, log: Logger) {
    super(ViewIds.team, hubs, log);
  }

  protected async listHub(hub: SignedInHub): Promise<HubListing> {
    try {
      const teammates = await this.hubs.run(hub.hubUrl, ({ catalog }) => catalog.listTeammates());
      if (teammates.length === 0)
        return { empty: `No teammates share a group with you on ${hostOf(hub.hubUrl)}.` };
      const nodes = [...teammates]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((teammate): TreeNode => ({ kind: 'teammate', hub, teammate }));
      return { nodes };
    } catch (err) {
      if (!isServiceMissing(err)) throw err;
      return { problem: serviceMissing(hub, err) };
    }
  }

  protected async listChildren(node: TreeNode): Promise<TreeNode[]> {
    if (node.kind === 'teammate') return this.folder(node.hub, node.teammate.name, '');
    if (node.kind === 'teamEntry' && node.entry.type === 'directory')
      return this.folder(node.hub, node.owner, node.entry.path);
    return [];
  }

  private async folder(hub: SignedInHub, owner: string, path: string): Promise<TeamEntryNode[]> {
    const listing = await this.hubs.run(hub.hubUrl, ({ catalog }) => catalog.listTeamFolder(owner, path));
    return [...listing.entries].sort(foldersFirst).map((entry) => ({ kind: 'teamEntry', hub, owner, entry }));
  }
}

/** The problem a view shows when the hub has no hub-notebooks service, or it is not answering. */
export function serviceMissing(hub: SignedInHub, err: unknown): HubProblem {
  return { kind: 'serviceMissing', message: `${hostOf(hub.hubUrl)}: ${describeError(err)}` };
}
