import vscode = require('vscode');
import { isExpired, withReauth, type HubUrl, type StoredSession } from '../../core/auth';
import { createCatalogClient } from '../../core/catalog';
import { createContentsAuthoring, createContentsClient } from '../../core/contents';
import { HubAuthError, HubClient, createHubTransport } from '../../core/hub';
import type { Logger } from '../../core/logger';
import { SingleFlight } from '../../core/singleFlight';
import { hubUrlForAuthority } from '../../core/uris/hubnbUri';
import { DisposableStore } from '../app/lifecycle';
import { AUTH_PROVIDER_ID, accountId, accountLabel, hostOf, hubScope } from '../auth/authSession';
import { CommandIds } from '../commands/commandIds';
import { AccountLifetime } from './accountLifetime';
import type { AccountRunner, HubAccount, NotebookHubs, SignedInHub } from './hubAccess';
import { NotSignedInError } from './notSignedInError';
import { SIGN_IN } from './signInOffer';

type SessionsChange = vscode.AuthenticationProviderAuthenticationSessionsChangeEvent;

/** What HubAccounts needs from the auth provider (HubAuthProvider); tests pass it the real one. */
export interface AccountSessions {
  /** The live sessions as the provider holds them in memory, newest first. */
  liveSessions(): Promise<StoredSession[]>;
  readonly onDidChangeSessions: vscode.Event<SessionsChange>;
  createSession(scopes: readonly string[]): Promise<unknown>;
}

export interface HubAccountsDeps {
  auth: AccountSessions;
  settings: {
    readonly hubs: HubUrl[];
    readonly servicePath: string;
    readonly onDidChange?: vscode.Event<void>;
  };
  logger: Logger;
  /** Which server of each hub the user works on ('' the default); remembered by "Choose Server…". */
  serverChoice?: ServerChoice;
  /** Replace the core pieces in tests. */
  makeTransport?: typeof createHubTransport;
  createContents?: typeof createContentsClient;
  createCatalog?: typeof createCatalogClient;
}

/** Which server of a hub the user works on, by hub: '' is the default server. */
export interface ServerChoice {
  get(hubUrl: HubUrl): string;
  set(hubUrl: HubUrl, serverName: string): Thenable<void>;
}

/** One signed-in account: the session it was built from, its clients (built on first use), its lifetime. */
interface AccountEntry {
  session: StoredSession;
  account: HubAccount | undefined;
  lifetime: AccountLifetime;
}

const SIGN_IN_AGAIN = 'Sign In Again';
const CHECK_TIMEOUT_MS = 15_000;

/**
 * The signed-in accounts, one per hub and user, and the one way features reach a hub as the user. For each
 * account it builds the transport and the clients (contents, catalog, hub API) on first use, serves the token
 * from the session the auth provider holds in memory, asks the user to sign in again when the hub refuses it
 * (`run`), and owns the account's lifetime: its connections close when the account signs out or expires, in
 * this window or another.
 */
export class HubAccounts extends DisposableStore implements NotebookHubs, AccountRunner<HubAccount> {
  private readonly entries = new Map<string, AccountEntry>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when the signed-in accounts (or the settings the clients depend on) change. */
  readonly onDidChange = this.changed.event;
  /** One sign-in prompt per authority, and one "sign in again" per hub, however many operations fail. */
  private readonly signInPrompts = new SingleFlight<string, void>();
  private readonly reauthInFlight = new SingleFlight<string, boolean>();

  constructor(private readonly deps: HubAccountsDeps) {
    super();
    this._register(deps.auth.onDidChangeSessions((e) => this.sessionsChanged(e)));
    if (deps.settings.onDidChange) {
      this._register(
        deps.settings.onDidChange(() => {
          for (const entry of this.entries.values()) entry.account = undefined;
          deps.logger.debug('forgot the hub clients: the settings changed');
          this.changed.fire();
        }),
      );
    }
    this._register({ dispose: () => this.endAll('the extension stopped') });
  }

  /**
   * Works on another server of a hub from now on: its files and kernels. The clients are built again for it;
   * the account's connections stay, so kernels already open on the other server keep running.
   */
  async useServer(hubUrl: HubUrl, serverName: string): Promise<void> {
    await this.deps.serverChoice?.set(hubUrl, serverName);
    for (const entry of this.entries.values()) if (entry.session.hubUrl === hubUrl) entry.account = undefined;
    this.deps.logger.info(
      `working on ${serverName ? `the server "${serverName}"` : 'the default server'} of ${hubUrl}`,
    );
    this.changed.fire();
  }

  /** The signed-in account on a hub; throws NotSignedInError when there is none. */
  async account(hubUrl: HubUrl): Promise<HubAccount> {
    const entry = await this.entry(hubUrl);
    entry.account ??= this.build(entry.session);
    return entry.account;
  }

  /**
   * The hub a hubnb URI's authority (host and port) names: a signed-in hub first, then a configured one.
   * Throws NotSignedInError (with `hubUrl` when the hub is configured) when the user is not signed in to it.
   */
  async hubForAuthority(authority: string): Promise<HubUrl> {
    const signedIn = [...new Set((await this.deps.auth.liveSessions()).map((s) => s.hubUrl))];
    const match = hubUrlForAuthority(authority, signedIn);
    if (match) return match;
    throw new NotSignedInError(authority, hubUrlForAuthority(authority, this.deps.settings.hubs));
  }

  /** The hubs the user is signed in to, with the user name on each, newest session first. */
  async signedInAccounts(): Promise<SignedInHub[]> {
    const seen = new Set<string>();
    const result: SignedInHub[] = [];
    for (const s of await this.deps.auth.liveSessions()) {
      if (seen.has(s.hubUrl)) continue;
      seen.add(s.hubUrl);
      result.push({ hubUrl: s.hubUrl, user: s.user });
    }
    return result;
  }

  /**
   * Runs an operation with the hub's account. When the hub answers 403 and the token is dead, asks the user to
   * sign in again and, if they do, runs it once more with the new account: what the operation was doing lives
   * in its closure, so it is retried, not lost.
   */
  run<T>(hubUrl: HubUrl, operation: (account: HubAccount) => Promise<T>): Promise<T> {
    return withReauth(
      async () => operation(await this.account(hubUrl)),
      () => this.reauthInFlight.run(hubUrl, () => this.askToSignInAgain(hubUrl)),
    );
  }

  /** Tracks a connection on the hub's account, so signing out closes it; a no-op when signed out. */
  async track(hubUrl: HubUrl, close: (reason: string) => void): Promise<() => void> {
    const entry = await this.entry(hubUrl).catch(() => undefined);
    return entry ? entry.lifetime.track({ close }) : () => undefined;
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

  /** The entry of the newest live session on a hub, made (with its lifetime) on first use. */
  private async entry(hubUrl: HubUrl): Promise<AccountEntry> {
    const session = (await this.deps.auth.liveSessions()).find((s) => s.hubUrl === hubUrl);
    if (!session) throw new NotSignedInError(hostOf(hubUrl), hubUrl);
    const id = accountId(session);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { session, account: undefined, lifetime: new AccountLifetime(id) };
      this.entries.set(id, entry);
    } else if (entry.session.id !== session.id) {
      // Signed in again as the same user: new clients, the same lifetime (its connections read the new token).
      entry.session = session;
      entry.account = undefined;
    }
    return entry;
  }

  /**
   * A removed session whose account got no new one has ended: its connections close, with why. Every other
   * change only drops the built clients, so the next call builds them from the current session.
   */
  private sessionsChanged(e: SessionsChange): void {
    const stillThere = new Set([...(e.added ?? []), ...(e.changed ?? [])].map((s) => s.account.id));
    for (const removed of e.removed ?? []) {
      const id = removed.account.id;
      const entry = this.entries.get(id);
      if (!entry || stillThere.has(id)) continue;
      this.entries.delete(id);
      const reason = isExpired(entry.session) ? 'session expired' : 'signed out';
      const closed = entry.lifetime.end(reason);
      if (closed > 0)
        this.deps.logger.info(`closed ${closed} connection(s) of ${accountLabel(entry.session)}: ${reason}`);
    }
    for (const entry of this.entries.values()) entry.account = undefined;
    this.deps.logger.debug('forgot the hub clients: the sessions changed');
    this.changed.fire();
  }

  private endAll(reason: string): void {
    for (const entry of this.entries.values()) entry.lifetime.end(reason);
    this.entries.clear();
  }

  private build(session: StoredSession): HubAccount {
    const { hubUrl, user } = session;
    const createContents = this.deps.createContents ?? createContentsClient;
    const createCatalog = this.deps.createCatalog ?? createCatalogClient;
    const getToken = async () =>
      (await this.deps.auth.liveSessions()).find((s) => s.hubUrl === hubUrl)?.token;
    const transport = (this.deps.makeTransport ?? createHubTransport)({
      baseUrl: hubUrl,
      getToken,
      logger: this.deps.logger,
    });
    this.deps.logger.debug(`built the notebook clients of ${accountLabel(session)}`);
    const serverName = this.deps.serverChoice?.get(hubUrl) ?? '';
    return {
      hubUrl,
      user,
      serverName,
      contents: createContents({ transport, user, root: user, serverName }),
      authoring: createContentsAuthoring({ transport, user, root: user, serverName }),
      catalog: createCatalog({ transport, servicePath: this.deps.settings.servicePath }),
      hub: new HubClient(transport),
      transport,
      getToken,
    };
  }

  private async askToSignInAgain(hubUrl: HubUrl): Promise<boolean> {
    const host = hostOf(hubUrl);
    if (!(await this.tokenWasRefused(hubUrl))) return false;
    this.deps.logger.info(`${host} refused the token; asking to sign in again`);
    const pick = await vscode.window.showWarningMessage(
      `Your session on ${host} has expired or was revoked. Sign in again to continue; what you were doing will be retried.`,
      SIGN_IN_AGAIN,
    );
    if (pick !== SIGN_IN_AGAIN) return false;
    try {
      await this.deps.auth.createSession([hubScope(hubUrl)]);
      return true;
    } catch {
      // createSession has already shown why, or the user cancelled.
      return false;
    }
  }

  /**
   * JupyterHub answers 403 both for a dead token and for a live one that lacks a scope. Only the first is
   * cured by signing in again, so `GET /hub/api/user` tells them apart before the user is asked.
   */
  private async tokenWasRefused(hubUrl: HubUrl): Promise<boolean> {
    try {
      const { hub } = await this.account(hubUrl);
      await hub.getCurrentUser(AbortSignal.timeout(CHECK_TIMEOUT_MS));
      this.deps.logger.info(
        `${hostOf(hubUrl)} refused an operation, but the token still works: a permission problem`,
      );
      return false;
    } catch (err) {
      return err instanceof HubAuthError;
    }
  }
}
