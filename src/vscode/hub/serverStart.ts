import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import { ServerNotRunningError } from '../../core/hub';
import type { Logger } from '../../core/logger';
import { SingleFlight } from '../../core/singleFlight';
import { hostOf } from '../auth/authSession';
import { isUserCancellation, toAbortSignal } from '../app/cancellation';
import type { AccountRunner, HubAccount } from './hubAccess';
import type { ServerStates } from './serverStates';
import { messageOf } from '../../core/errors';

/** What server control needs from HubAccounts. */
export type ServerClients = AccountRunner<HubAccount>;

const START = 'Start Server';
const CANCEL = 'Cancel';
const STOP = 'Stop Server';

/**
 * Starts and stops the user's own server on a hub. A server is only ever started after the user said so:
 * either they clicked Start, or they answered "Start Server" when an operation on their own notebooks found
 * it stopped (`withServer`). What it learns of a server's state goes to ServerStates, which the trees follow.
 */
export class HubServers {
  /** One consent prompt per hub at a time: every operation that fails meanwhile waits for the same answer. */
  private readonly asking = new SingleFlight<string, boolean>();
  /** One start per hub at a time, whether from a prompt or the title-bar button. */
  private readonly starting = new SingleFlight<string, boolean>();

  constructor(
    private readonly clients: ServerClients,
    private readonly logger: Logger,
    private readonly states: ServerStates,
  ) {}

  /**
   * Runs an operation on the user's own server. When it fails because the server is stopped, asks the user
   * whether to start it, in the words of `action` ("run the cells of churn.ipynb", "save churn.ipynb"); if
   * they agree and it starts, runs the operation once more. Declined or failed, the original
   * ServerNotRunningError reaches the caller.
   */
  async withServer<T>(
    hubUrl: HubUrl,
    operation: () => Promise<T>,
    action = 'open and save your notebooks',
  ): Promise<T> {
    const began = this.states.mark(); // what it finds is older than a state learnt while it ran
    try {
      const result = await operation();
      this.states.set(hubUrl, 'running', began);
      return result;
    } catch (err) {
      if (!(err instanceof ServerNotRunningError)) throw err;
      this.states.set(hubUrl, 'stopped', began);
      if (!(await this.askToStart(hubUrl, action))) throw err;
      return operation();
    }
  }

  /** Starts the server with progress in a cancellable notification; true when it is running. */
  startServer(hubUrl: HubUrl): Promise<boolean> {
    return this.starting.run(hubUrl, () => this.start(hubUrl));
  }

  /**
   * Asks for confirmation (unless the user already said so, as Sign Out's "Sign Out and Stop Server" does),
   * then stops the server; true when it stopped.
   */
  async stopServer(hubUrl: HubUrl, options: { confirmed?: boolean } = {}): Promise<boolean> {
    const host = await this.serverOn(hubUrl);
    const pick = options.confirmed
      ? STOP
      : await vscode.window.showWarningMessage(
          `Stop your ${host}?`,
          {
            modal: true,
            detail: 'Running kernels stop and lose their state. Your saved notebooks stay on the hub.',
          },
          STOP,
        );
    if (pick !== STOP) return false;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Stopping your ${host}…` },
        (_progress, token) =>
          this.clients.run(hubUrl, (a) =>
            a.hub.stopServer(a.user, { serverName: a.serverName, signal: toAbortSignal(token) }),
          ),
      );
      this.logger.info(`stopped the ${host}`);
      this.states.set(hubUrl, 'stopped');
      return true;
    } catch (err) {
      const message = messageOf(err);
      this.logger.warn(`could not stop the ${host}: ${message}`);
      void vscode.window.showErrorMessage(`Could not stop your ${host}: ${message}`);
      return false;
    }
  }

  /** "server on hub.example.org", or `server "gpu" on hub.example.org` for a named server. */
  private async serverOn(hubUrl: HubUrl): Promise<string> {
    const name = await this.clients.run(hubUrl, (a) => Promise.resolve(a.serverName)).catch(() => '');
    return `${name ? `server "${name}"` : 'server'} on ${hostOf(hubUrl)}`;
  }

  /** One question per hub at a time: operations failing meanwhile wait for it, in the first one's words. */
  private askToStart(hubUrl: HubUrl, action: string): Promise<boolean> {
    return this.asking.run(hubUrl, () => this.promptAndStart(hubUrl, action));
  }

  private async promptAndStart(hubUrl: HubUrl, action: string): Promise<boolean> {
    const host = await this.serverOn(hubUrl);
    this.logger.info(`the ${host} is not running; asking whether to start it`);
    // Not modal: the user may want to finish something else first, and the waiting operations keep waiting.
    const pick = await vscode.window.showWarningMessage(
      `Your ${host} is not running. Start it to ${action}?`,
      START,
      CANCEL,
    );
    if (pick !== START) {
      this.logger.info(`the user did not start the ${host}`);
      return false;
    }
    return this.startServer(hubUrl);
  }

  private async start(hubUrl: HubUrl): Promise<boolean> {
    const host = await this.serverOn(hubUrl);
    this.logger.info(`starting the ${host}`);
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Starting your ${host}`,
          cancellable: true,
        },
        (progress, token) =>
          this.clients.run(hubUrl, (a) =>
            a.hub.startServer(a.user, {
              serverName: a.serverName,
              signal: toAbortSignal(token),
              onProgress: (event) => {
                if (event.message) progress.report({ message: event.message });
              },
            }),
          ),
      );
      this.logger.info(`the ${host} is running`);
      this.states.set(hubUrl, 'running');
      return true;
    } catch (err) {
      if (isUserCancellation(err)) {
        this.logger.info(`starting the ${host} was cancelled`);
        return false;
      }
      const message = messageOf(err);
      this.logger.warn(`could not start the ${host}: ${message}`);
      void vscode.window.showErrorMessage(`Could not start your ${host}: ${message}`);
      return false;
    }
  }
}
