import * as vscode from 'vscode';
import type { StoredSession } from '../../core/auth';
import { createCatalogClient, type CatalogApi } from '../../core/catalog';
import { createContentsClient, type ContentsApi } from '../../core/contents';
import { HubClient, type HubTransport } from '../../core/hub';
import { hubUrlForAuthority } from '../../core/uris/hubnbUri';
import type { Logger } from '../../core/logger';
import { SingleFlight } from '../../core/singleFlight';
import { AUTH_PROVIDER_ID, accountId, hostOf, hubScope } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { DisposableStore } from '../app/lifecycle';
import { SIGN_IN } from './signInOffer';

/** Everything the notebook features use on one hub, as one signed-in user. */
export interface HubAccount {
  /** The hub's normalised base URL. */
  hubUrl: string;
  user: string;
  /** The user's own files: their server's contents API, rooted at their home folder (notebook_dir is /home). */
  contents: ContentsApi;
  /** The hub service's catalog: teammates' and supported notebooks. */
  catalog: CatalogApi;
  hub: HubClient;
  /** The transport the clients above share, for the kernel client. */
  transport: HubTransport;
  /** The account's token, read afresh at each call; only ever sent in an Authorization header. */
  getToken: () => Promise<string | undefined>;
}

/** What HubNotebookClients needs from the sign-in side. */
export interface HubClientsDeps {
  auth: {
    liveSessions(): Promise<StoredSession[]>;
    readonly onDidChangeSessions: vscode.Event<unknown>;
  };
  sessions: {
    createTransport(hubUrl: string): HubTransport;
    tokenSource(hubUrl: string): () => Promise<string | undefined>;
    run<T>(hubUrl: string, operation: () => Promise<T>): Promise<T>;
  };
  settings: {
    readonly hubs: string[];
    readonly servicePath: string;
    readonly onDidChange?: vscode.Event<void>;
  };
  logger: Logger;
  /** Replace the core clients in tests. */
  createContents?: typeof createContentsClient;
  createCatalog?: typeof createCatalogClient;
}

/**
 * A hubnb URI or an operation named a hub the user is not signed in to. `hubUrl` is undefined when the URI's
 * authority matches none of the configured or signed-in hubs.
 */
export class NotSignedInError extends Error {
  constructor(
    readonly authority: string,
    readonly hubUrl: string | undefined,
  ) {
    super(
      hubUrl
        ? `You are not signed in to ${authority}. Sign in to Hub Notebooks on that hub to open its notebooks.`
        : `${authority} is not one of your hubs. Add its URL to the hubNotebooks.hubs setting and sign in to open its notebooks.`,
    );
    this.name = 'NotSignedInError';
  }
}

/**
 * Builds, per signed-in account, the clients the notebook features use: the contents API of the user's own
 * home, the catalog, and the hub API. They are built on first use and forgotten whenever sessions or settings
 * change, so a new sign-in never talks through an old account's clients.
 */
export class HubNotebookClients extends DisposableStore {
  private readonly accounts = new Map<string, HubAccount>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the signed-in accounts (or the settings the clients depend on) change. */
  readonly onDidChange = this.changed.event;
  /** One sign-in prompt per authority at a time, however many reads fail together. */
  private readonly signInPrompts = new SingleFlight<string, void>();

  constructor(private readonly deps: HubClientsDeps) {
    super();
    const invalidate = (why: string) => {
      this.accounts.clear();
      deps.logger.debug(`forgot the hub clients: ${why}`);
      this.changed.fire();
    };
    this._register(deps.auth.onDidChangeSessions(() => invalidate('the sessions changed')));
    if (deps.settings.onDidChange) {
      this._register(deps.settings.onDidChange(() => invalidate('the settings changed')));
    }
  }

  /** The signed-in account on a hub; throws NotSignedInError when there is none. */
  async account(hubUrl: string): Promise<HubAccount> {
    const session = (await this.deps.auth.liveSessions()).find((s) => s.hubUrl === hubUrl);
    if (!session) throw new NotSignedInError(hostOf(hubUrl), hubUrl);
    const id = accountId(session);
    let account = this.accounts.get(id);
    if (!account) {
      account = this.build(session);
      this.accounts.set(id, account);
      this.deps.logger.debug(`built the notebook clients of ${session.user} on ${hostOf(hubUrl)}`);
    }
    return account;
  }

  /**
   * The hub a hubnb URI's authority (host and port) names: a signed-in hub first, then a configured one.
   * Throws NotSignedInError (with `hubUrl` when the hub is configured) when the user is not signed in to it.
   */
  async hubForAuthority(authority: string): Promise<string> {
    const signedIn = [...new Set((await this.deps.auth.liveSessions()).map((s) => s.hubUrl))];
    const match = hubUrlForAuthority(authority, signedIn);
    if (match) return match;
    throw new NotSignedInError(authority, hubUrlForAuthority(authority, this.deps.settings.hubs));
  }

  /** The hubs the user is signed in to, with the user name on each, newest session first. */
  async signedInAccounts(): Promise<{ hubUrl: string; user: string }[]> {
    const seen = new Set<string>();
    const result: { hubUrl: string; user: string }[] = [];
    for (const s of await this.deps.auth.liveSessions()) {
      if (seen.has(s.hubUrl)) continue;
      seen.add(s.hubUrl);
      result.push({ hubUrl: s.hubUrl, user: s.user });
    }
    return result;
  }

  /**
   * Runs an operation with the hub's account. A 403 leads to "sign in again" and a retry; the account is looked
   * up again for the retry, so the retry uses the new session.
   */
  run<T>(hubUrl: string, operation: (account: HubAccount) => Promise<T>): Promise<T> {
    return this.deps.sessions.run(hubUrl, async () => operation(await this.account(hubUrl)));
  }

  /** Tells the user they must sign in, with a Sign In button; one message per authority at a time. */
  promptSignIn(err: NotSignedInError): void {
    void this.signInPrompts.run(err.authority, async () => {
      this.deps.logger.info(`asked to sign in: ${err.message}`);
      try {
        const pick = await vscode.window.showWarningMessage(err.message, SIGN_IN);
        if (pick !== SIGN_IN) return;
        if (err.hubUrl) {
          await vscode.authentication.getSession(AUTH_PROVIDER_ID, [hubScope(err.hubUrl)], {
            createIfNone: true,
          });
        } else {
          await vscode.commands.executeCommand(CommandIds.signIn);
        }
      } catch (e) {
        this.deps.logger.info(`sign-in from the prompt did not complete: ${String(e)}`);
      }
    });
  }

  private build(session: StoredSession): HubAccount {
    const createContents = this.deps.createContents ?? createContentsClient;
    const createCatalog = this.deps.createCatalog ?? createCatalogClient;
    const transport = this.deps.sessions.createTransport(session.hubUrl);
    return {
      hubUrl: session.hubUrl,
      user: session.user,
      contents: createContents({ transport, user: session.user, root: session.user }),
      catalog: createCatalog({ transport, servicePath: this.deps.settings.servicePath }),
      hub: new HubClient(transport),
      transport,
      getToken: this.deps.sessions.tokenSource(session.hubUrl),
    };
  }
}
