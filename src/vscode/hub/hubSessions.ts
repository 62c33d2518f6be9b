import * as vscode from 'vscode';
import { checkHubUrl, withReauth, type AccountConnections } from '../../core/auth';
import { HubAuthError, HubClient, createHubTransport, type HubTransport } from '../../core/hub';
import { SingleFlight } from '../../core/singleFlight';
import type { Logger } from '../../core/logger';
import { accountId, hostOf, hubScope } from '../auth/authSession';
import type { HubAuthProvider } from '../auth/authProvider';

const SIGN_IN_AGAIN = 'Sign In Again';
const CHECK_TIMEOUT_MS = 15_000;

/**
 * How features talk to a hub as the signed-in user: the current session, a transport that sends its token,
 * and `run()`, which asks the user to sign in again when the hub refuses the token and then retries.
 */
export class HubSessions {
  /** One prompt per hub at a time, however many operations fail together. */
  private readonly reauthInFlight = new SingleFlight<string, boolean>();

  constructor(
    private readonly provider: HubAuthProvider,
    /** Live connections per account; kernel code registers its websockets here. */
    readonly connections: AccountConnections,
    private readonly logger: Logger,
    private readonly makeTransport: typeof createHubTransport = createHubTransport,
  ) {}

  /** The newest live session on a hub, or undefined when signed out of it. */
  async getSession(hubUrl: string): Promise<vscode.AuthenticationSession | undefined> {
    const sessions = await this.provider.getSessions([hubScope(normalise(hubUrl))]);
    return sessions[0];
  }

  /** The account id connections on this hub register under, or undefined when signed out. */
  async accountIdFor(hubUrl: string): Promise<string | undefined> {
    const session = (await this.provider.liveSessions()).find((s) => s.hubUrl === normalise(hubUrl));
    return session && accountId(session);
  }

  /** A transport to the hub that sends the current session's token, read afresh for every request. */
  createTransport(hubUrl: string): HubTransport {
    return this.makeTransport({
      baseUrl: normalise(hubUrl),
      getToken: this.tokenSource(hubUrl),
      logger: this.logger,
    });
  }

  /** The current session's token on a hub, read afresh at each call: kernel websockets read it per connection. */
  tokenSource(hubUrl: string): () => Promise<string | undefined> {
    const baseUrl = normalise(hubUrl);
    return async () => (await this.getSession(baseUrl))?.accessToken;
  }

  /**
   * Runs an operation against the hub; when the hub answers 403, asks the user to sign in again and, if they
   * do, runs it once more. What the operation was doing lives in its closure, so it is retried, not lost.
   */
  run<T>(hubUrl: string, operation: () => Promise<T>): Promise<T> {
    return withReauth(operation, () => this.reauthenticate(normalise(hubUrl)));
  }

  private reauthenticate(hubUrl: string): Promise<boolean> {
    return this.reauthInFlight.run(hubUrl, () => this.askToSignInAgain(hubUrl));
  }

  private async askToSignInAgain(hubUrl: string): Promise<boolean> {
    const host = hostOf(hubUrl);
    if (!(await this.tokenWasRefused(hubUrl))) return false;
    this.logger.info(`${host} refused the token; asking to sign in again`);
    const pick = await vscode.window.showWarningMessage(
      `Your session on ${host} has expired or was revoked. Sign in again to continue; what you were doing will be retried.`,
      SIGN_IN_AGAIN,
    );
    if (pick !== SIGN_IN_AGAIN) return false;
    try {
      await this.provider.createSession([hubScope(hubUrl)]);
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
  private async tokenWasRefused(hubUrl: string): Promise<boolean> {
    try {
      await new HubClient(this.createTransport(hubUrl)).getCurrentUser(AbortSignal.timeout(CHECK_TIMEOUT_MS));
      this.logger.info(
        `${hostOf(hubUrl)} refused an operation, but the token still works: a permission problem`,
      );
      return false;
    } catch (err) {
      return err instanceof HubAuthError;
    }
  }
}

function normalise(hubUrl: string): string {
  const check = checkHubUrl(hubUrl);
  if (!check.ok) throw new Error(`Not a usable hub URL: ${check.reason}.`);
  return check.url;
}
