import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import { hostOf } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { chooseServer, type ChooseServerDeps } from './chooseServer';
import { hubOf } from './hubAccess';
import { signedInOrOffer } from './signInOffer';
import type { NotebookHubs, ServerControl } from './hubAccess';
import type { ServerStateReader } from './serverStates';

/** What Start Server, Stop Server and Choose Server… work with. */
export interface ServerCommandDeps {
  hubs: NotebookHubs;
  /** The accounts, to switch the server a hub's files and kernels use. */
  accounts: ChooseServerDeps['accounts'];
  servers: ServerControl;
  /** Which hubs' servers are known to be running or stopped, to pick the hub a command acts on. */
  states: ServerStateReader;
}

/**
 * Start Server and Stop Server (My Notebooks' title bar, a hub's node, the palette). They act on the hub of
 * the node they were run on; from the title bar or the palette, on the one hub whose server is in the other
 * state, or on the hub the user picks. My Notebooks follows the new state through ServerStates.
 */
export function serverCommands(deps: ServerCommandDeps) {
  const act =
    (want: 'stopped' | 'running', run: (hubUrl: HubUrl) => Promise<unknown>) => async (arg?: unknown) => {
      const hubUrl = hubOf(arg) ?? (await pickHub(deps, want));
      if (!hubUrl) return;
      await run(hubUrl);
    };
  return {
    [CommandIds.startServer]: act('stopped', (hub) => deps.servers.startServer(hub)),
    [CommandIds.stopServer]: act('running', (hub) => deps.servers.stopServer(hub)),
    [CommandIds.chooseServer]: (arg?: unknown) =>
      chooseServer({ hubs: deps.hubs, accounts: deps.accounts }, arg),
  };
}

/** The hub to act on: the only candidate, or the user's pick; undefined when there is none or they cancel. */
async function pickHub(deps: ServerCommandDeps, state: 'stopped' | 'running'): Promise<HubUrl | undefined> {
  const accounts = await signedInOrOffer(deps.hubs, 'Sign in to your hub first.');
  if (!accounts) return undefined;
  const inState = accounts.filter((a) => deps.states.get(a.hubUrl) === state);
  const candidates = inState.length > 0 ? inState : accounts;
  if (candidates.length === 1) return candidates[0]?.hubUrl;
  const pick = await vscode.window.showQuickPick(
    candidates.map((a) => ({ label: hostOf(a.hubUrl), description: a.user, hubUrl: a.hubUrl })),
    {
      placeHolder: state === 'stopped' ? 'Start your server on which hub?' : 'Stop your server on which hub?',
    },
  );
  return pick?.hubUrl;
}
