import vscode = require('vscode');
import {
  SESSIONS_SECRET_KEY,
  SessionStore,
  isExpired,
  tokenPageUrl,
  type StoredSession,
  type TokenGrant,
  type RevocableSession,
  type UnreadableSession,
  type HubUrl,
  checkHubUrl,
} from '../../core/auth';
import type { Logger } from '../../core/logger';
import { SingleFlight } from '../../core/singleFlight';
import { signInWithApiToken } from './apiTokenSignIn';
import { defaultAuthDeps, type AuthDeps } from './authDeps';
import { accountId, accountLabel, hostOf, hubFromScopes, hubScope, toAuthSession } from './authSession';
import { runBrowserSignIn } from './browserSignInFlow';
import { isUserCancellation } from '../app/cancellation';
import { pickHub } from './hubPicker';
import { DisposableStore } from '../app/lifecycle';
import { revokeStoredSession, type RevokeResult } from './revokeSession';
import type { Settings } from '../app/settings';
import type { UriCallbackRouter } from './uriCallbacks';
import { messageOf } from '../../core/errors';

/** What the provider is built from; `deps` replaces core pieces in tests. */
export interface HubAuthProviderOptions {
  secrets: vscode.SecretStorage;
  settings: Settings;
  callbacks: UriCallbackRouter;
  logger: Logger;
  showLog: () => void;
  deps?: Partial<AuthDeps>;
}

type ChangeEvent = vscode.AuthenticationProviderAuthenticationSessionsChangeEvent;

const TRY_AGAIN = 'Try Again';
const SIGN_IN_AGAIN = 'Sign In Again';
const WITH_TOKEN = 'Sign in with API Token…';
const SHOW_LOG = 'Show Log';
const OPEN_TOKEN_PAGE = 'Open Token Page';
/** Sign-out must not hang on a hub that is down; the session is forgotten locally either way. */
const REVOKE_TIMEOUT_MS = 15_000;

/**
 * The `hub-notebooks` authentication provider: one session per hub and user, kept only in SecretStorage.
 * Every window re-reads the store when another window changes it (`secrets.onDidChange`) and reports the
 * difference, so the Accounts menu and status bar agree across windows.
 */
export class HubAuthProvider extends DisposableStore implements vscode.AuthenticationProvider {
  private readonly changed = this._register(new vscode.EventEmitter<ChangeEvent>());
  readonly onDidChangeSessions = this.changed.event;
  private readonly store: SessionStore;
  /** One browser sign-in per hub at a time. */
  private readonly browserSignIns = new SingleFlight<HubUrl, vscode.AuthenticationSession>();
  private readonly deps: AuthDeps;
  private readonly log: Logger;
  /**
   * The sessions as last read and announced, by id: what every request reads its token from, kept in step with
   * SecretStorage by `secrets.onDidChange`, and the baseline of the next change event.
   */
  private known = new Map<string, StoredSession>();
  /** Re-reads run one after another, so one change is never announced twice. */
  private sync: Promise<void>;

  constructor(private readonly options: HubAuthProviderOptions) {
    super();
    this.deps = { ...defaultAuthDeps, ...options.deps };
    this.log = options.logger;
    this.store = new SessionStore(options.secrets);
    this._register(
      options.secrets.onDidChange((e) => {
        if (e.key === SESSIONS_SECRET_KEY) void this.refresh();
      }),
    );
    this.sync = this.readStore().then(
      (all) => void (this.known = byId(all)),
      (err: unknown) => this.log.error(`could not read the stored sessions: ${String(err)}`),
    );
  }

  /** The live sessions, all or those of the hub a `hub:` scope names. */
  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    let hub: string | undefined;
    try {
      hub = hubFromScopes(scopes);
    } catch {
      return [];
    }
    const live = await this.liveSessions();
    return live.filter((s) => hub === undefined || s.hubUrl === hub).map(toAuthSession);
  }

  /** The stored sessions that have not expired, newest first; expired ones are forgotten on the way. */
  async liveSessions(): Promise<StoredSession[]> {
    const now = this.deps.now();
    await this.sync;
    const all = [...this.known.values()];
    const expired = all.filter((s) => isExpired(s, now));
    for (const session of expired) {
      await this.store.remove(session.id);
      this.log.info(`the session of ${accountLabel(session)} expired`);
    }
    if (expired.length > 0) await this.refresh();
    return all.filter((s) => !isExpired(s, now)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Signs in through the browser to the hub the scopes name, or one the user picks. Asked again for a hub
   * while its sign-in is under way (the welcome view's button, a tree's prompt and the Accounts menu can all
   * ask), the caller joins that sign-in: one browser trip, and one start URL handed to `openExternal`, whose
   * confirmation would otherwise queue behind the first and show its one-time values later.
   */
  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const hubUrl = await pickHub(this.options.settings, scopes, this.log);
    return this.browserSignIns.run(hubUrl, () => this.signInThroughBrowser(hubUrl));
  }

  private async signInThroughBrowser(hubUrl: HubUrl): Promise<vscode.AuthenticationSession> {
    try {
      const { settings, callbacks } = this.options;
      const grant = await runBrowserSignIn(
        { deps: this.deps, settings, callbacks, logger: this.log },
        hubUrl,
      );
      return await this.keep(this.fromGrant(grant, hubUrl), 'the browser');
    } catch (err) {
      this.reportFailure(err, hubUrl, 'browser');
      throw err;
    }
  }

  /** Signs in with a pasted API token (`Hub Notebooks: Sign in with API Token…`). */
  async signInWithToken(scopes?: readonly string[]): Promise<vscode.AuthenticationSession> {
    const hubUrl = await pickHub(this.options.settings, scopes, this.log);
    try {
      const session = await signInWithApiToken({ deps: this.deps, logger: this.log }, hubUrl);
      return await this.keep(session, 'an API token');
    } catch (err) {
      this.reportFailure(err, hubUrl, 'token');
      throw err;
    }
  }

  /**
   * Signs out: revokes the token on the hub and forgets the session; the change event ends the account, which
   * closes its connections (HubAccounts). A hub that cannot be reached does not keep the session here; the user
   * is told where to revoke it by hand.
   */
  async removeSession(sessionId: string): Promise<void> {
    await this.sync;
    const session = this.known.get(sessionId);
    if (!session) return;
    await this.revokeOnHub(session);
    await this.store.remove(session.id);
    await this.refresh();
    this.log.info(`signed out of ${accountLabel(session)}`);
  }

  private fromGrant(grant: TokenGrant, hubUrl: HubUrl): StoredSession {
    // The hub URL is the one the user chose, not grant.hub_url: tokens only ever go where the user said.
    return {
      id: this.deps.randomId(),
      hubUrl,
      user: grant.user,
      token: grant.token,
      tokenId: grant.token_id,
      scopes: grant.scopes,
      expiresAt: grant.expires_at,
      method: 'browser',
      createdAt: this.deps.now().toISOString(),
    };
  }

  private async keep(session: StoredSession, how: string): Promise<vscode.AuthenticationSession> {
    await this.sync;
    const replaced = [...this.known.values()].filter(
      (s) => s.id !== session.id && accountId(s) === accountId(session),
    );
    await this.store.add(session);
    await this.refresh();
    this.log.info(`signed in to ${accountLabel(session)} with ${how}`);
    // The store dropped the account's older session; nothing can use its token now, so it should not live on.
    for (const old of replaced) void this.revokeQuietly(old);
    return toAuthSession(session);
  }

  private async revokeQuietly(session: StoredSession): Promise<void> {
    try {
      const result = await this.revoke(session);
      this.log.info(`the replaced token of ${accountLabel(session)}: ${result}`);
    } catch (err) {
      this.log.warn(`could not revoke the replaced token of ${accountLabel(session)}: ${String(err)}`);
    }
  }

  /** Shows a failed sign-in with ways forward; a cancelled one only goes to the log. */
  private reportFailure(err: unknown, hubUrl: string, method: StoredSession['method']): void {
    const host = hostOf(hubUrl);
    if (isUserCancellation(err)) {
      this.log.info(`sign-in to ${host} cancelled`);
      return;
    }
    const message = messageOf(err);
    this.log.warn(`sign-in to ${host} failed: ${message}`);
    const items = method === 'browser' ? [TRY_AGAIN, WITH_TOKEN, SHOW_LOG] : [TRY_AGAIN, SHOW_LOG];
    void vscode.window.showErrorMessage(message, ...items).then((pick) => {
      const scopes = [hubScope(hubUrl)];
      // Each attempt reports its own failure, so these promises only need their rejection absorbed.
      if (pick === TRY_AGAIN && method === 'browser') void this.createSession(scopes).catch(() => undefined);
      else if (pick === TRY_AGAIN || pick === WITH_TOKEN)
        void this.signInWithToken(scopes).catch(() => undefined);
      else if (pick === SHOW_LOG) this.options.showLog();
    });
  }

  private async revokeOnHub(session: StoredSession): Promise<void> {
    const host = hostOf(session.hubUrl);
    const page = tokenPageUrl(new URL(session.hubUrl));
    try {
      const result = await this.revoke(session);
      if (result === 'revoked') this.log.info(`revoked the token on ${host}`);
      else if (result === 'already-invalid') this.log.info(`${host} had already stopped accepting the token`);
      else {
        this.warnWithTokenPage(
          `${host} did not say which token this is, so Hub Notebooks could not revoke it. It is forgotten ` +
            `here but still works on the hub: revoke it on your token page, ${page}`,
          page,
        );
      }
    } catch (err) {
      const message = messageOf(err);
      this.log.warn(`could not revoke the token on ${host}: ${message}`);
      this.warnWithTokenPage(
        `Hub Notebooks forgot your token for ${host} but could not revoke it on the hub: ${message} ` +
          `Revoke it on your token page, ${page}`,
        page,
      );
    }
  }

  private revoke(session: RevocableSession): Promise<RevokeResult> {
    const ctx = { deps: this.deps, servicePath: this.options.settings.servicePath, logger: this.log };
    return revokeStoredSession(session, ctx, AbortSignal.timeout(REVOKE_TIMEOUT_MS));
  }

  private warnWithTokenPage(message: string, page: string): void {
    void vscode.window.showWarningMessage(message, OPEN_TOKEN_PAGE).then((pick) => {
      if (pick === OPEN_TOKEN_PAGE) void vscode.env.openExternal(vscode.Uri.parse(page, true));
    });
  }

  /** The readable stored sessions; unreadable entries are reported, revoked where possible, and dropped. */
  private async readStore(): Promise<StoredSession[]> {
    const { sessions, unreadable } = await this.store.read();
    if (unreadable.length > 0) await this.dropUnreadable(unreadable);
    return sessions;
  }

  private async dropUnreadable(unreadable: UnreadableSession[]): Promise<void> {
    for (const entry of unreadable) this.log.warn(`ignored ${entry.reason}`);
    const revocable = unreadable.flatMap((e) =>
      e.revocable && checkHubUrl(e.revocable.hubUrl).ok ? [e.revocable] : [],
    );
    const revoked: string[] = [];
    for (const session of revocable) {
      const label = accountLabel(session);
      try {
        const result = await this.revoke(session);
        this.log.info(`the unreadable sign-in of ${label}: ${result}`);
        if (result !== 'not-revocable') revoked.push(label);
      } catch (err) {
        this.log.warn(`could not revoke the unreadable sign-in of ${label}: ${messageOf(err)}`);
      }
    }
    await this.store.dropUnreadable();
    this.reportUnreadable(unreadable.length, revocable, revoked);
  }

  private reportUnreadable(count: number, known: RevocableSession[], revoked: string[]): void {
    const what = count === 1 ? 'a stored sign-in' : `${count} stored sign-ins`;
    const whose = known.length > 0 ? ` (${known.map(accountLabel).join(', ')})` : '';
    const tokens =
      revoked.length === 0
        ? ' If it was still valid, its token works on the hub until it expires: revoke it on your token page.'
        : revoked.length === known.length && known.length === count
          ? ' Its token was revoked on the hub.'
          : ` Revoked on the hub: ${revoked.join(', ')}.`;
    const hub = known[0]?.hubUrl;
    void vscode.window
      .showWarningMessage(
        `Hub Notebooks could not read ${what}${whose}, so it is signed out.${tokens} Sign in again to go on.`,
        SIGN_IN_AGAIN,
        SHOW_LOG,
      )
      .then((pick) => {
        if (pick === SIGN_IN_AGAIN)
          void this.createSession(hub ? [hubScope(hub)] : []).catch(() => undefined);
        else if (pick === SHOW_LOG) this.options.showLog();
      });
  }

  /** Re-reads the store and announces what changed since the last announcement. */
  private refresh(): Promise<void> {
    this.sync = this.sync
      .then(() => this.announceChanges())
      .then(undefined, (err: unknown) => this.log.error(`could not update the sessions: ${String(err)}`));
    return this.sync;
  }

  private async announceChanges(): Promise<void> {
    const current = await this.readStore();
    const next = byId(current);
    const added = current.filter((s) => !this.known.has(s.id));
    const removed = [...this.known.values()].filter((s) => !next.has(s.id));
    const changed = current.filter((s) => {
      const before = this.known.get(s.id);
      return before !== undefined && JSON.stringify(before) !== JSON.stringify(s);
    });
    this.known = next;
    if (added.length + removed.length + changed.length === 0) return;
    this.changed.fire({
      added: added.map(toAuthSession),
      removed: removed.map(toAuthSession),
      changed: changed.map(toAuthSession),
    });
  }
}

function byId(sessions: StoredSession[]): Map<string, StoredSession> {
  return new Map(sessions.map((s) => [s.id, s]));
}
