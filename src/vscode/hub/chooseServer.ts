import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import type { HubServer } from '../../core/hub/schemas';
import { hostOf } from '../auth/authSession';
import { pickHub } from '../files/authoringTargets';
import { hubOf, type HubAccount, type NotebookHubs } from './hubAccess';
import type { HubAccounts } from './hubAccounts';

/** What "Choose Server…" works with. */
export interface ChooseServerDeps {
  hubs: NotebookHubs;
  accounts: Pick<HubAccounts, 'account' | 'useServer'>;
}

// JupyterHub's rule for a named server's name: no slash, and nothing a URL would read differently.
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const OTHER = '$(add) Another named server…';

/**
 * "Choose Server…": which of the user's servers on a hub My Notebooks, its file operations and new kernels
 * use, the default one or a named one (JupyterHub's `allow_named_servers`). A stopped server is started only
 * when an operation needs it, and only after the user says so, as with the default server.
 */
export async function chooseServer(deps: ChooseServerDeps, arg?: unknown): Promise<string | undefined> {
  const hubUrl = hubOf(arg) ?? ((await pickHub(deps.hubs)) as HubUrl);
  const account = await deps.accounts.account(hubUrl);
  // A hub that cannot list them (an older one, say) still offers the default server and a name to type.
  const known: Record<string, HubServer> = await account.hub
    .listServers(account.user, undefined, { includeStopped: true })
    .catch(() => ({}));
  const names = [...new Set(['', ...Object.keys(known)])].sort();
  const items = names.map((name) => ({
    label: name === '' ? 'Default server' : name,
    description: describe(account, name, known[name]),
    name,
  }));
  const pick = await vscode.window.showQuickPick(
    [...items, { label: OTHER, description: '', name: undefined }],
    {
      title: `Choose a Server on ${hostOf(hubUrl)}`,
      placeHolder: 'My Notebooks and new kernels use this server; it starts when needed, once you agree',
    },
  );
  if (!pick) return undefined;
  const name = pick.name ?? (await askName());
  if (name === undefined) return undefined;
  await deps.accounts.useServer(hubUrl, name);
  return name;
}

function describe(account: HubAccount, name: string, server: HubServer | undefined): string {
  const state = server?.ready ? 'running' : server?.pending ? `${server.pending}ing` : 'stopped';
  return name === account.serverName ? `in use, ${state}` : state;
}

async function askName(): Promise<string | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'A Named Server',
    prompt: 'Its name (letters, digits, ".", "_" and "-"); the hub makes it the first time it starts',
    validateInput: (v) =>
      SERVER_NAME.test(v.trim()) ? undefined : 'Letters, digits, ".", "_" and "-", up to 64.',
  });
  const trimmed = name?.trim();
  return trimmed && SERVER_NAME.test(trimmed) ? trimmed : undefined;
}
