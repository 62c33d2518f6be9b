import vscode = require('vscode');
import type {
  Jupyter,
  JupyterServer,
  JupyterServerCollection,
  JupyterServerProvider,
} from '@vscode/jupyter-extension';
import { checkHubUrl, type HubUrl, type StoredSession } from '../../core/auth';
import type { AccountRunner } from '../hub/hubAccess';
import { singleUserPath, type HubClient } from '../../core/hub';
import type { Logger } from '../../core/logger';
import { SingleFlight } from '../../core/singleFlight';
import { hostOf } from '../auth/authSession';
import { isUserCancellation, toAbortSignal } from '../app/cancellation';
import { DisposableStore } from '../app/lifecycle';
import { messageOf } from '../../core/errors';

/** The Jupyter extension, which is optional: without it the bridge does nothing. */
export const JUPYTER_EXTENSION_ID = 'ms-toolsai.jupyter';
/** The id and label of the server collection in the Jupyter extension's kernel picker. */
export const COLLECTION_ID = 'hub-notebooks';
export const COLLECTION_LABEL = 'Hub Notebooks';

/** One signed-in account as the bridge uses it: the hub API bound to that account's session. */
export interface BridgeAccount {
  readonly hubUrl: HubUrl;
  readonly user: string;
  readonly hub: Pick<HubClient, 'listServers' | 'startServer'>;
}

/** What the bridge needs from HubNotebookClients, HubServers and the auth provider. */
export interface JupyterBridgeDeps {
  clients: {
    signedInAccounts(): Promise<{ hubUrl: HubUrl; user: string }[]>;
    /** The account without the "sign in again" prompt, for background listings. */
    account(hubUrl: HubUrl): Promise<BridgeAccount>;
    /** The account with the "sign in again" prompt and retry, for what the user asked for. */
    run: AccountRunner<BridgeAccount>['run'];
    readonly onDidChange: vscode.Event<void>;
  };
  /** Starts the default server with a cancellable progress notification; true when it runs. */
  servers: { startServer(hubUrl: HubUrl): Promise<boolean> };
  /** The live sessions: the token handed to the Jupyter extension is read here at each resolve. */
  auth: { liveSessions(): Promise<Pick<StoredSession, 'hubUrl' | 'user' | 'token'>[]> };
  logger: Logger;
  /** Where the Jupyter extension and notebooks are looked up; `vscode.extensions` and `vscode.workspace`. */
  host?: JupyterBridgeHost;
}

/** The slice of `vscode.extensions` and `vscode.workspace` the bridge watches. */
export interface JupyterBridgeHost {
  extensions: ExtensionLookup;
  notebooks: {
    readonly notebookDocuments: readonly unknown[];
    readonly onDidOpenNotebookDocument: vscode.Event<unknown>;
  };
}

/** The slice of `vscode.extensions` that finds, and if need be activates, the Jupyter extension. */
export interface ExtensionLookup {
  getExtension(
    extensionId: string,
  ): { readonly isActive: boolean; readonly exports: unknown; activate(): Thenable<unknown> } | undefined;
  readonly onDidChange: vscode.Event<void>;
}

/**
 * The Jupyter extension's API (`createJupyterServerCollection`), activating the extension if it is not active
 * yet; undefined when it is not installed or too old to offer server collections.
 */
export async function getJupyterApi(extensions: ExtensionLookup): Promise<Jupyter | undefined> {
  const extension = extensions.getExtension(JUPYTER_EXTENSION_ID);
  if (!extension) return undefined;
  const api = extension.isActive ? extension.exports : await extension.activate();
  return isJupyterApi(api) ? api : undefined;
}

/**
 * Offers the user's hub servers in the Jupyter extension's kernel picker, as the "Hub Notebooks" server
 * collection, when that extension is installed. The Jupyter API asks not to be called at activation, since
 * that would activate the Jupyter extension for nothing; so the collection is registered once the Jupyter
 * extension is active or a notebook is open, including when the extension is installed later.
 */
export class JupyterBridge extends DisposableStore {
  private readonly host: JupyterBridgeHost;
  private notebookSeen: boolean;
  private registration: { collection: JupyterServerCollection; provider: HubJupyterServers } | undefined;
  private pending: Promise<void> | undefined;
  /** Set when the API could not be had; cleared when the installed extensions change, to try again. */
  private gaveUp = false;
  private closed = false;

  constructor(private readonly deps: JupyterBridgeDeps) {
    super();
    this.host = deps.host ?? { extensions: vscode.extensions, notebooks: vscode.workspace };
    this.notebookSeen = this.host.notebooks.notebookDocuments.length > 0;
    this._register(
      this.host.notebooks.onDidOpenNotebookDocument(() => {
        this.notebookSeen = true;
        this.tryRegister('a notebook was opened');
      }),
    );
    this._register(this.host.extensions.onDidChange(() => this.extensionsChanged()));
    this.tryRegister('activation');
  }

  /** Whether the collection is registered with the Jupyter extension. */
  get registered(): boolean {
    return this.registration !== undefined;
  }

  /** Settles when the registration under way, if any, has finished. */
  settled(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  override dispose(): void {
    this.closed = true;
    this.unregister();
    super.dispose();
  }

  private extensionsChanged(): void {
    if (this.registration && !this.host.extensions.getExtension(JUPYTER_EXTENSION_ID)) {
      this.deps.logger.info('the Jupyter extension was removed; dropped the server collection');
      this.unregister();
    }
    this.gaveUp = false;
    this.tryRegister('the installed extensions changed');
  }

  private tryRegister(why: string): void {
    if (this.closed || this.registration || this.pending || this.gaveUp) return;
    const extension = this.host.extensions.getExtension(JUPYTER_EXTENSION_ID);
    if (!extension) return;
    if (!extension.isActive && !this.notebookSeen) return;
    this.pending = this.register(why).finally(() => (this.pending = undefined));
  }

  private async register(why: string): Promise<void> {
    const log = this.deps.logger;
    try {
      const api = await getJupyterApi(this.host.extensions);
      if (this.closed) return;
      if (!api) {
        this.gaveUp = true;
        log.warn(
          'the Jupyter extension offers no server collections (too old?); hub servers are not offered',
        );
        return;
      }
      const provider = new HubJupyterServers(this.deps);
      try {
        const collection = api.createJupyterServerCollection(COLLECTION_ID, COLLECTION_LABEL, provider);
        this.registration = { collection, provider };
      } catch (err) {
        provider.dispose();
        throw err;
      }
      log.info(`offered the hub servers to the Jupyter extension's kernel picker (${why})`);
    } catch (err) {
      this.gaveUp = true;
      log.warn(`could not register with the Jupyter extension: ${messageOf(err)}`);
    }
  }

  private unregister(): void {
    this.registration?.collection.dispose();
    this.registration?.provider.dispose();
    this.registration = undefined;
  }
}

/** A server as the collection names it: which hub, whose, and which of their servers ('' is the default). */
interface ServerRef {
  hubUrl: HubUrl;
  user: string;
  serverName: string;
}

const START = 'Start Server';
const CANCEL = 'Cancel';

/**
 * The JupyterServerProvider behind the collection: every signed-in account's servers, the default and the
 * named ones, running or not. Resolving a server starts it if need be, after the user agreed, and hands the
 * Jupyter extension its URL with the session's token in the Authorization header, never in a URL.
 */
export class HubJupyterServers extends DisposableStore implements JupyterServerProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeServers = this.changed.event;
  /** One "start it?" question per server at a time, however many resolves wait for the answer. */
  private readonly asking = new SingleFlight<string, boolean>();
  /** One start per named server at a time (HubServers does the same for default servers). */
  private readonly starting = new SingleFlight<string, boolean>();

  constructor(private readonly deps: JupyterBridgeDeps) {
    super();
    this._register(deps.clients.onDidChange(() => this.changed.fire()));
  }

  /** Every signed-in account's servers; a hub that cannot be asked still offers its default server. */
  async provideJupyterServers(token: vscode.CancellationToken): Promise<JupyterServer[]> {
    const signal = toAbortSignal(token);
    const accounts = await this.deps.clients.signedInAccounts();
    const lists = await Promise.all(accounts.map((a) => this.serversOf(a.hubUrl, a.user, signal)));
    return lists.flat().map((ref) => ({ id: serverId(ref), label: serverLabel(ref) }));
  }

  /**
   * Starts the server if it is not running, then returns where it is and how to authenticate. Throws
   * CancellationError when the user declined or cancelled the start, or the Jupyter extension cancelled.
   */
  async resolveJupyterServer(server: JupyterServer, token: vscode.CancellationToken): Promise<JupyterServer> {
    const ref = parseServerId(server.id);
    if (!ref) throw new Error(`"${server.label}" is not one of the Hub Notebooks servers.`);
    try {
      await untilCancelled(this.ensureRunning(ref, token), token);
      const accessToken = await this.tokenFor(ref);
      const baseUrl = new URL(singleUserPath(ref.user, ref.serverName), ref.hubUrl).toString();
      this.deps.logger.info(`handed ${serverLabel(ref)} to the Jupyter extension at ${baseUrl}`);
      return {
        id: server.id,
        label: server.label,
        connectionInformation: {
          baseUrl: vscode.Uri.parse(baseUrl),
          // A header rather than `token`, which the Jupyter extension would append to URLs.
          headers: { Authorization: `token ${accessToken}` },
        },
      };
    } catch (err) {
      if (err instanceof vscode.CancellationError || isUserCancellation(err)) {
        throw new vscode.CancellationError();
      }
      throw err;
    }
  }

  private async serversOf(hubUrl: HubUrl, user: string, signal: AbortSignal): Promise<ServerRef[]> {
    const names = new Set(['']);
    try {
      const account = await this.deps.clients.account(hubUrl);
      const listed = await account.hub.listServers(account.user, signal, { includeStopped: true });
      for (const name of Object.keys(listed).sort()) names.add(name);
    } catch (err) {
      if (signal.aborted) throw new vscode.CancellationError();
      this.deps.logger.warn(
        `could not list the servers of ${user} on ${hostOf(hubUrl)}; offering the default one: ${messageOf(err)}`,
      );
    }
    return [...names].map((serverName) => ({ hubUrl, user, serverName }));
  }

  private async ensureRunning(ref: ServerRef, token: vscode.CancellationToken): Promise<void> {
    const account = await this.deps.clients.account(ref.hubUrl);
    if (account.user !== ref.user) {
      throw new Error(
        `You are signed in to ${hostOf(ref.hubUrl)} as ${account.user}, not ${ref.user}. Pick one of ${account.user}'s servers.`,
      );
    }
    const state = (await account.hub.listServers(account.user, toAbortSignal(token)))[ref.serverName];
    if (state?.ready) return;
    // A server already starting needs no consent: someone asked for it.
    if (!state?.pending && !(await this.asking.run(serverId(ref), () => this.askToStart(ref)))) {
      throw new vscode.CancellationError();
    }
    // A failed start has been shown to the user already; the Jupyter extension need not show it again.
    if (!(await this.start(ref))) throw new vscode.CancellationError();
  }

  /** Asks before starting, because the Jupyter extension also resolves servers on its own (say, on reload). */
  private async askToStart(ref: ServerRef): Promise<boolean> {
    const which = ref.serverName ? `Your server "${ref.serverName}"` : 'Your server';
    const pick = await vscode.window.showWarningMessage(
      `${which} on ${hostOf(ref.hubUrl)} is not running. Start it to run kernels there?`,
      START,
      CANCEL,
    );
    if (pick !== START) this.deps.logger.info(`the user did not start ${serverLabel(ref)}`);
    return pick === START;
  }

  private start(ref: ServerRef): Promise<boolean> {
    if (!ref.serverName) return this.deps.servers.startServer(ref.hubUrl);
    return this.starting.run(serverId(ref), () => this.startNamed(ref));
  }

  /** Starts a named server with progress in a cancellable notification, as HubServers does for the default. */
  private async startNamed(ref: ServerRef): Promise<boolean> {
    const label = serverLabel(ref);
    const what = `your server "${ref.serverName}" on ${hostOf(ref.hubUrl)}`;
    this.deps.logger.info(`starting ${label}`);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting ${what}`, cancellable: true },
        (progress, token) =>
          this.deps.clients.run(ref.hubUrl, (a) =>
            a.hub.startServer(a.user, {
              serverName: ref.serverName,
              signal: toAbortSignal(token),
              onProgress: (event) => {
                if (event.message) progress.report({ message: event.message });
              },
            }),
          ),
      );
      this.deps.logger.info(`${label} is running`);
      return true;
    } catch (err) {
      if (isUserCancellation(err)) {
        this.deps.logger.info(`starting ${label} was cancelled`);
        return false;
      }
      this.deps.logger.warn(`could not start ${label}: ${messageOf(err)}`);
      void vscode.window.showErrorMessage(`Could not start ${what}: ${messageOf(err)}`);
      return false;
    }
  }

  private async tokenFor(ref: ServerRef): Promise<string> {
    const session = (await this.deps.auth.liveSessions()).find(
      (s) => s.hubUrl === ref.hubUrl && s.user === ref.user,
    );
    if (!session) {
      throw new Error(
        `You are not signed in to ${hostOf(ref.hubUrl)} as ${ref.user}. Sign in to Hub Notebooks to use this server.`,
      );
    }
    return session.token;
  }
}

/** A stable id the Jupyter extension remembers across reloads: the hub, the user and the server name. */
function serverId(ref: ServerRef): string {
  return [ref.hubUrl, ref.user, ref.serverName].map(encodeURIComponent).join('|');
}

function parseServerId(id: string): ServerRef | undefined {
  const parts = id.split('|');
  if (parts.length !== 3) return undefined;
  try {
    const [raw = '', user = '', serverName = ''] = parts.map(decodeURIComponent);
    const hub = checkHubUrl(raw);
    return hub.ok && user ? { hubUrl: hub.url, user, serverName } : undefined;
  } catch {
    return undefined;
  }
}

/** `alice on hub.example.org`, or `alice/gpu on hub.example.org` for a named server. */
function serverLabel(ref: ServerRef): string {
  const who = ref.serverName ? `${ref.user}/${ref.serverName}` : ref.user;
  return `${who} on ${hostOf(ref.hubUrl)}`;
}

/** Waits for `work`, but rejects with CancellationError as soon as `token` is cancelled. */
function untilCancelled<T>(work: Promise<T>, token: vscode.CancellationToken): Promise<T> {
  if (token.isCancellationRequested) return Promise.reject(new vscode.CancellationError());
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => reject(new vscode.CancellationError()));
    void work.then(resolve, reject).finally(() => {
      listener.dispose();
    });
  });
}

function isJupyterApi(value: unknown): value is Jupyter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Jupyter>).createJupyterServerCollection === 'function'
  );
}
