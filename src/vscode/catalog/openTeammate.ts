import vscode = require('vscode');
import type { TeamEntry } from '../../core/catalog/schemas';
import type { Logger } from '../../core/logger';
import { hostOf } from '../auth/authSession';
import { openNotebook } from './notebookCommands';
import { signedInOrOffer } from '../hub/signInOffer';
import { describeError, isServiceMissing, type NotebookHubs, type SignedInHub } from '../hub/hubAccess';
import { foldersFirst } from '../trees/myNotebooksModel';
import { hubnbUri } from '../trees/nodeUris';

interface TeammateItem extends vscode.QuickPickItem {
  hub: SignedInHub;
  teammate: string;
}

interface EntryItem extends vscode.QuickPickItem {
  entry: TeamEntry | 'up';
}

/**
 * "Hub Notebooks: Open Teammate's Notebook…": pick a teammate, then one of their notebooks, folder by folder,
 * matched on file name, title and purpose; opens it read-only. Returns the URI it opened, or undefined.
 */
export async function openTeammateNotebook(hubs: NotebookHubs, log: Logger): Promise<vscode.Uri | undefined> {
  const accounts = await signedInOrOffer(hubs, 'Sign in to your hub to see your teammates’ notebooks.');
  if (!accounts) return undefined;
  const teammates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Loading teammates…' },
    () => loadTeammates(hubs, accounts, log),
  );
  if (teammates.length === 0) {
    void vscode.window.showInformationMessage(
      'No teammates share a group with you, or the hub-notebooks service is not available; the log has details.',
    );
    return undefined;
  }
  const who = await vscode.window.showQuickPick(teammates, {
    title: 'Open Teammate’s Notebook',
    placeHolder: 'Whose notebook?',
    matchOnDescription: true,
  });
  if (!who) return undefined;
  const entry = await browse(hubs, who);
  if (!entry) return undefined;
  const uri = hubnbUri(who.hub.hubUrl, { area: 'team', user: who.teammate, path: entry.path });
  await openNotebook(uri, log);
  return uri;
}

async function loadTeammates(
  hubs: NotebookHubs,
  accounts: SignedInHub[],
  log: Logger,
): Promise<TeammateItem[]> {
  const lists = await Promise.all(
    accounts.map(async (hub) => {
      try {
        const teammates = await hubs.run(hub.hubUrl, ({ catalog }) => catalog.listTeammates());
        return teammates.map((t) => ({
          label: t.name,
          description: [
            `${t.notebooks} notebook${t.notebooks === 1 ? '' : 's'}`,
            accounts.length > 1 ? hostOf(hub.hubUrl) : '',
          ]
            .filter(Boolean)
            .join(' · '),
          hub,
          teammate: t.name,
        }));
      } catch (err) {
        const why = isServiceMissing(err) ? 'the hub-notebooks service is not available' : describeError(err);
        log.warn(`could not list the teammates on ${hostOf(hub.hubUrl)}: ${why}`);
        return [];
      }
    }),
  );
  return lists.flat().sort((a, b) => a.label.localeCompare(b.label));
}

/** Walks the teammate's folders in quick picks until a notebook is picked; undefined when cancelled. */
async function browse(hubs: NotebookHubs, who: TeammateItem): Promise<TeamEntry | undefined> {
  let path = '';
  for (;;) {
    const folder = path;
    const listing = await hubs.run(who.hub.hubUrl, ({ catalog }) =>
      catalog.listTeamFolder(who.teammate, folder),
    );
    const items: EntryItem[] = [...listing.entries].sort(foldersFirst).map(entryItem);
    if (folder !== '') items.unshift({ label: '$(arrow-up) ..', description: 'Up one folder', entry: 'up' });
    const pick = await vscode.window.showQuickPick(items, {
      title: `${who.teammate}/${folder}`,
      placeHolder: 'Search by file name, title or purpose',
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!pick) return undefined;
    if (pick.entry === 'up') path = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
    else if (pick.entry.type === 'directory') path = pick.entry.path;
    else return pick.entry;
  }
}

function entryItem(entry: TeamEntry): EntryItem {
  const folder = entry.type === 'directory';
  const item: EntryItem = {
    label: `${folder ? '$(folder)' : entry.warning ? '$(warning)' : '$(notebook)'} ${entry.name}`,
    entry,
  };
  const description = entry.warning ? 'cannot be read' : entry.header?.title;
  if (description) item.description = description;
  const detail = entry.warning ?? entry.header?.purpose;
  if (detail) item.detail = detail;
  return item;
}
