import vscode = require('vscode');
import type { SupportedSummary } from '../../core/catalog/schemas';
import type { Logger } from '../../core/logger';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { openNotebook } from './notebookCommands';
import { signedInOrOffer } from '../hub/signInOffer';
import { describeError, isServiceMissing, type NotebookHubs, type SignedInHub } from '../hub/hubAccess';
import { hubnbUri } from '../trees/nodeUris';

/** One supported notebook in the quick pick, with where it lives. */
export interface SupportedPickItem extends vscode.QuickPickItem {
  hubUrl: string;
  name: string;
  version: string;
}

/** What the quick pick found on the signed-in hubs. */
interface Loaded {
  items: SupportedPickItem[];
  /** Hubs whose list could not be read, with why. */
  failures: { hub: SignedInHub; serviceMissing: boolean; message: string }[];
}

const SHOW_LOG = 'Show Log';

/**
 * "Hub Notebooks: Open Supported Notebook": a quick pick of the supported notebooks on every signed-in hub,
 * matched on title, name, current version, purpose and audience, that opens the current version read-only.
 * The URI names that version (`…/supported/<name>/1.2.0.ipynb`), so the editor shows which one is open.
 * Returns the URI it opened, or undefined.
 */
export async function openSupportedNotebook(
  hubs: NotebookHubs,
  log: Logger,
): Promise<vscode.Uri | undefined> {
  const accounts = await signedInOrOffer(hubs, 'Sign in to your hub to see its supported notebooks.');
  if (!accounts) return undefined;
  const loaded = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Loading supported notebooks…' },
    () => load(hubs, accounts, log),
  );
  if (loaded.items.length === 0) {
    await explainNothing(loaded);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(loaded.items, {
    title: 'Open Supported Notebook',
    placeHolder: 'Search by title, name, version, purpose or audience',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  const uri = hubnbUri(pick.hubUrl, { area: 'supported', name: pick.name, version: pick.version });
  await openNotebook(uri, log);
  return uri;
}

/** The quick pick's item for a supported notebook: title (or name); version and name; purpose and audience. */
export function pickItemOf(
  hub: SignedInHub,
  summary: SupportedSummary,
  showHost: boolean,
): SupportedPickItem {
  const { header, version } = summary.current;
  const title = header.title?.trim() || summary.name;
  const description = [
    version,
    title === summary.name ? undefined : summary.name,
    showHost ? hostOf(hub.hubUrl) : undefined,
  ];
  const detail = [header.purpose, header.audience ? `Audience: ${header.audience}` : undefined];
  return {
    label: title,
    description: description.filter(Boolean).join(' · '),
    detail: detail.filter(Boolean).join(' · ') || 'No purpose given in its header cell',
    hubUrl: hub.hubUrl,
    name: summary.name,
    version,
  };
}

async function load(hubs: NotebookHubs, accounts: SignedInHub[], log: Logger): Promise<Loaded> {
  const loaded: Loaded = { items: [], failures: [] };
  await Promise.all(
    accounts.map(async (hub) => {
      try {
        const list = await hubs.run(hub.hubUrl, ({ catalog }) => catalog.listSupported());
        for (const summary of list) loaded.items.push(pickItemOf(hub, summary, accounts.length > 1));
      } catch (err) {
        log.warn(`could not list the supported notebooks on ${hostOf(hub.hubUrl)}: ${describeError(err)}`);
        loaded.failures.push({ hub, serviceMissing: isServiceMissing(err), message: describeError(err) });
      }
    }),
  );
  loaded.items.sort((a, b) => a.label.localeCompare(b.label));
  return loaded;
}

/** Says why there is nothing to pick, with a way forward. */
async function explainNothing(loaded: Loaded): Promise<void> {
  const [failure] = loaded.failures;
  if (!failure) {
    void vscode.window.showInformationMessage(
      'No supported notebooks yet. A maintainer publishes one on the hub with: node dist/service.js publish ' +
        'FILE.ipynb --name NAME --version 1.0.0, or through the service’s publish API.',
    );
    return;
  }
  const host = hostOf(failure.hub.hubUrl);
  const message = failure.serviceMissing
    ? `The hub-notebooks service is not available on ${host}, so there are no supported notebooks to show. ` +
      'Ask your hub’s operator to set it up (see the operator guide).'
    : `Could not list the supported notebooks on ${host}: ${failure.message}`;
  const pick = await vscode.window.showErrorMessage(message, SHOW_LOG);
  if (pick === SHOW_LOG) await vscode.commands.executeCommand(CommandIds.showLog);
}
