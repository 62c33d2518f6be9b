import vscode = require('vscode');
import type { HubUrl } from '../../core/auth';
import { HubAuthError, ServerNotRunningError } from '../../core/hub/errors';
import { parseHubnbPath } from '../../core/uris/hubnbUri';
import { CellOutputs } from '../../core/kernels/cellOutputs';
import { KernelRunError } from '../../core/kernels/errors';
import type * as Kernels from '../../core/kernels';
import type {
  ExecutionEvent,
  InputRequest,
  IopubOutput,
  KernelSession,
  KernelState,
} from '../../core/kernels/types';
import type { Logger } from '../../core/logger';
import { HUBNB_SCHEME, type HubnbLocation } from '../../core/uris/types';
import { hostOf } from '../auth/authSession';
import { toAbortSignal, toCancellationToken } from '../app/cancellation';
import type { AccountRunner, HubAccount } from '../hub/hubAccess';
import { redactorFor } from './kernelRedaction';
import type { ReattachStore } from './reattachStore';
import { messageOf } from '../../core/errors';

/** A kernel spec on one signed-in account's server: what a controller stands for. */
export interface KernelTarget {
  hubUrl: HubUrl;
  user: string;
  /** The kernel spec name; '' for the server's default spec. */
  kernelName: string;
}

/** What a notebook's kernel needs from the rest of the extension. */
export interface NotebookKernelDeps {
  clients: AccountRunner<HubAccount>;
  servers: {
    withServer<T>(hubUrl: HubUrl, operation: () => Promise<T>, action?: string): Promise<T>;
    startServer(hubUrl: HubUrl): Promise<boolean>;
  };
  /** Registers the websocket so that signing out closes it. */
  track(hubUrl: HubUrl, close: () => void): Promise<() => void>;
  settings: {
    readonly maxTextBytes: number;
    readonly maxOutputs: number;
    readonly sharedNotebookFolder: string;
    readonly ackNudge: boolean;
  };
  reattach: ReattachStore;
  /** Asks before a teammate's notebook runs as the viewer (runConsent.ts). */
  consent: { mayRun(notebook: vscode.Uri, viewer: string): Promise<boolean> };
  logger: Logger;
  loadKernels: () => Promise<typeof Kernels>;
  /** Called once a session is open, so controllers can refresh the spec list of a server that just started. */
  onSessionOpened?: (target: KernelTarget) => void;
}

/**
 * One notebook's kernel on a hub: it opens (or finds again) the session on the user's own server, runs cells
 * one at a time, shows their outputs through the core output model, and turns faults into messages with a way
 * forward. Teammates' and supported notebooks run here too, on the viewer's server, never the owner's.
 */
export class NotebookKernel implements vscode.Disposable {
  private session: KernelSession | undefined;
  private opening: Promise<KernelSession> | undefined;
  private readonly outputs: CellOutputs;
  private readonly writer: OutputWriterLike;
  private readonly stateChanged = new vscode.EventEmitter<KernelState | 'none'>();
  /** Fires when the kernel's state changes ('none' before a kernel exists). */
  readonly onDidChangeState = this.stateChanged.event;
  private untrack: (() => void) | undefined;
  private disposed = false;
  /** The controller's label, for the status bar. */
  label = '';

  constructor(
    readonly notebook: vscode.NotebookDocument,
    readonly target: KernelTarget,
    private readonly deps: NotebookKernelDeps,
    makeWriter: (outputs: CellOutputs) => OutputWriterLike,
  ) {
    this.outputs = new CellOutputs({
      maxTextBytes: deps.settings.maxTextBytes,
      maxOutputs: deps.settings.maxOutputs,
    });
    this.writer = makeWriter(this.outputs);
  }

  get state(): KernelState | 'none' {
    return this.session?.state ?? 'none';
  }

  /** Runs cells in order; after a failed cell the rest end without running, as in Jupyter. */
  async executeCells(
    cells: readonly vscode.NotebookCell[],
    controller: vscode.NotebookController,
  ): Promise<void> {
    if (!(await this.deps.consent.mayRun(this.notebook.uri, this.target.user))) return;
    const executions = cells.map((cell) => ({
      cell,
      execution: controller.createNotebookCellExecution(cell),
    }));
    let session: KernelSession;
    try {
      session = await this.ensureSession(executions[0]?.execution.token);
    } catch (err) {
      for (const { execution } of executions) execution.end(undefined);
      this.showOpenError(err);
      return;
    }
    let stop = false;
    for (const { cell, execution } of executions) {
      if (stop || execution.token.isCancellationRequested) {
        execution.end(undefined);
        continue;
      }
      stop = (await this.runCell(session, cell, execution)) !== 'ok';
    }
  }

  /** Follows a run that a window before a reload started, into the cell that started it. */
  async adopt(controller: vscode.NotebookController): Promise<void> {
    const running = this.deps.reattach.get(this.notebook.uri)?.running;
    if (!running || running.cellIndex >= this.notebook.cellCount) return;
    const session = await this.ensureSession(undefined);
    const cell = this.notebook.cellAt(running.cellIndex);
    const execution = controller.createNotebookCellExecution(cell);
    execution.start(Date.now());
    const key = cell.document.uri.toString();
    // Keep what the cell already shows: the saved outputs up to the reload, followed by what comes now.
    await this.writer.begin(key, execution, true);
    this.deps.logger.info(`reattached to a running cell of ${this.notebook.uri.path}`);
    const run = session.adopt(running.msgId, { signal: toAbortSignal(execution.token) });
    await this.follow(run, running.msgId, key, execution);
  }

  async interrupt(): Promise<void> {
    await this.session?.interrupt();
  }

  /** Whether a kernel session is open (so there is something to restart). */
  get hasSession(): boolean {
    return this.session !== undefined;
  }

  async restart(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Restarting the kernel on ${hostOf(this.target.hubUrl)}…`,
      },
      () => session.restart(),
    );
  }

  /** Shuts the kernel down on the server. */
  async shutdown(): Promise<void> {
    const session = this.session;
    this.dropSession();
    await session?.shutdown();
    await this.deps.reattach.set(this.notebook.uri, undefined);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropSession();
    this.writer.dispose();
    this.stateChanged.dispose();
  }

  private ensureSession(token: vscode.CancellationToken | undefined): Promise<KernelSession> {
    const live = this.session;
    if (live && live.state !== 'disconnected' && live.state !== 'dead') return Promise.resolve(live);
    this.dropSession();
    const opening =
      this.opening ??
      Promise.resolve(
        vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Window,
            title: `Connecting to a kernel on ${hostOf(this.target.hubUrl)}`,
          },
          () => this.open(token),
        ),
      ).finally(() => (this.opening = undefined));
    this.opening = opening;
    return opening;
  }

  private async open(token: vscode.CancellationToken | undefined): Promise<KernelSession> {
    const kernels = await this.deps.loadKernels();
    const { hubUrl } = this.target;
    const record = this.deps.reattach.get(this.notebook.uri);
    const signal = token ? toAbortSignal(token) : undefined;
    const opened = await this.deps.servers.withServer(
      hubUrl,
      () =>
        this.deps.clients.run(hubUrl, async (account) => {
          const client = kernels.createKernelClient({
            transport: account.transport,
            user: account.user,
            serverName: account.serverName,
            getToken: account.getToken,
            logger: this.deps.logger,
            ackNudge: this.deps.settings.ackNudge,
          });
          const path = kernels.kernelSessionPath(this.location(), {
            home: account.user,
            sharedFolder: this.deps.settings.sharedNotebookFolder,
          });
          const kernelName =
            this.target.kernelName || (await client.listKernelSpecs(signal))[0]?.name || 'python3';
          const clientId = record?.path === path && record.hubUrl === hubUrl ? record.clientId : undefined;
          // A run the previous window left going is registered before connecting, so nothing replayed is lost.
          const adopt = clientId && record?.running ? [record.running.msgId] : undefined;
          let result = await client.openSession({ path, kernelName, clientId, adopt, signal });
          if (result.reattached && result.session.kernelName !== kernelName) {
            // The user picked another kernel for this notebook: the old one goes, as switching kernels means.
            await result.session.shutdown(signal);
            result = await client.openSession({ path, kernelName, fresh: true, signal });
          }
          // The secrets' values are known before the first run, so no output of it shows one.
          const specs = () => client.listKernelSpecs(signal);
          const redactor = await redactorFor(
            result.session,
            { catalog: account.catalog, specs, logger: this.deps.logger },
            signal,
          );
          return { session: result.session, path, redactor };
        }),
      `run the cells of ${this.notebook.uri.path.split('/').pop() ?? 'this notebook'} (its kernel runs there)`,
    );
    const { session, path, redactor } = opened;
    this.outputs.setRedactor(redactor);
    if (this.disposed) {
      session.dispose();
      // Closing the notebook cancels its runs: nothing to tell the user.
      throw new vscode.CancellationError();
    }
    this.session = session;
    session.onState((state) => this.stateChanged.fire(state));
    session.onFault((err) => this.onFault(session, err));
    this.untrack = await this.deps.track(hubUrl, () => this.dropSession());
    const same = record?.clientId === session.clientId && record.kernelId === session.kernelId;
    await this.deps.reattach.set(this.notebook.uri, {
      hubUrl,
      kernelId: session.kernelId,
      clientId: session.clientId,
      path,
      // Reattached to the same connection: a run still being adopted stays recorded for the next reload.
      running: same ? record.running : undefined,
    });
    this.stateChanged.fire(session.state);
    this.deps.onSessionOpened?.(this.target);
    return session;
  }

  private async runCell(
    session: KernelSession,
    cell: vscode.NotebookCell,
    execution: vscode.NotebookCellExecution,
  ): Promise<'ok' | 'error' | 'aborted'> {
    execution.start(Date.now());
    const key = cell.document.uri.toString();
    await this.writer.begin(key, execution);
    const run = session.execute(cell.document.getText(), {
      signal: toAbortSignal(execution.token),
      onInput: (request, signal) => askForInput(request, signal),
    });
    const record = this.deps.reattach.get(this.notebook.uri);
    if (record)
      await this.deps.reattach.set(this.notebook.uri, {
        ...record,
        running: { msgId: run.msgId, cellIndex: cell.index },
      });
    return this.follow(run, run.msgId, key, execution);
  }

  private async follow(
    run: AsyncIterable<ExecutionEvent>,
    msgId: string,
    key: string,
    execution: vscode.NotebookCellExecution,
  ): Promise<'ok' | 'error' | 'aborted'> {
    let result: 'ok' | 'error' | 'aborted' = 'error';
    try {
      for await (const event of run) {
        if (event.kind === 'started') execution.executionOrder = event.executionCount ?? undefined;
        else if (event.kind === 'output') this.writer.push(key, event.output);
        else {
          if (event.executionCount !== null) execution.executionOrder = event.executionCount;
          result = event.status;
          await this.writer.finish(key);
          // 'aborted': the kernel (or a cancel before the cell's turn) skipped it, so it did not run.
          execution.end(event.status === 'aborted' ? undefined : event.status === 'ok', event.at);
        }
      }
    } catch (err) {
      // The notice goes in before the writer lets go of the execution, after whatever output was pending.
      await this.writer.appendNotice(key, failureOutput(err));
      await this.writer.finish(key);
      execution.end(false, Date.now());
    } finally {
      await this.clearRunning(msgId);
    }
    return result;
  }

  /** Forgets the running cell, unless another run has been recorded since. */
  private async clearRunning(msgId: string): Promise<void> {
    const record = this.deps.reattach.get(this.notebook.uri);
    if (record?.running?.msgId === msgId)
      await this.deps.reattach.set(this.notebook.uri, { ...record, running: undefined });
  }

  private onFault(session: KernelSession, err: Error): void {
    if (session !== this.session) return;
    const host = hostOf(this.target.hubUrl);
    this.deps.logger.warn(`kernel connection on ${host}: ${err.message}`);
    if (err instanceof HubAuthError) {
      // Open websockets outlive a revoked token, so we closed it; after a new sign-in, the same session_id
      // brings back what the kernel printed meanwhile.
      this.deps.clients
        .run(this.target.hubUrl, () => session.reconnect())
        .catch((e: unknown) => {
          this.dropSession();
          void vscode.window.showErrorMessage(
            `Disconnected from your kernel on ${host}: ${messageOf(e)} Sign in again, then run the cell again.`,
          );
        });
      return;
    }
    this.dropSession();
    if (err instanceof ServerNotRunningError) {
      void vscode.window
        .showWarningMessage(
          `Your server on ${host} stopped, and its kernels with it. ${err.message}`,
          'Start Server',
        )
        .then((pick) => pick && this.deps.servers.startServer(this.target.hubUrl));
      return;
    }
    void vscode.window.showErrorMessage(`${err.message}`, 'Show Log').then((pick) => {
      if (pick) void vscode.commands.executeCommand('hubNotebooks.showLog');
    });
  }

  private dropSession(): void {
    this.untrack?.();
    this.untrack = undefined;
    const session = this.session;
    this.session = undefined;
    session?.dispose();
    if (!this.disposed) this.stateChanged.fire('none');
  }

  private showOpenError(err: unknown): void {
    if (err instanceof vscode.CancellationError || (err as { name?: string }).name === 'AbortError') return;
    const message = messageOf(err);
    this.deps.logger.warn(`could not start a kernel for ${this.notebook.uri.path}: ${message}`);
    void vscode.window.showErrorMessage(
      `Could not start a kernel on ${hostOf(this.target.hubUrl)}: ${message}`,
    );
  }

  private location(): HubnbLocation | { area: 'local'; name: string } {
    const uri = this.notebook.uri;
    if (uri.scheme === HUBNB_SCHEME) return parseHubnbPath(uri.path);
    return { area: 'local', name: uri.path.split('/').pop() || 'notebook.ipynb' };
  }
}

/** The writer interface NotebookKernel uses (OutputWriter), apart so tests can watch it. */
export interface OutputWriterLike extends vscode.Disposable {
  begin(cellKey: string, execution: vscode.NotebookCellExecution, keep?: boolean): Promise<void>;
  push(cellKey: string, output: IopubOutput): void;
  finish(cellKey: string): Promise<void>;
  appendNotice(cellKey: string, output: vscode.NotebookCellOutput): Promise<void>;
}

/** Asks the user for a kernel's `input()` or `getpass()`; rejects when they dismiss the box. */
async function askForInput(request: InputRequest, signal: AbortSignal): Promise<string> {
  const value = await vscode.window.showInputBox(
    {
      title: 'The kernel asks for input',
      prompt: request.prompt || 'The running cell called input().',
      password: request.password,
      ignoreFocusOut: true,
    },
    toCancellationToken(signal),
  );
  if (value === undefined) throw new vscode.CancellationError();
  return value;
}

/** An error output for a run that ended without the kernel finishing it. */
function failureOutput(err: unknown): vscode.NotebookCellOutput {
  const error = err instanceof Error ? err : new Error(String(err));
  const name = err instanceof KernelRunError ? error.name : 'Hub Notebooks';
  return new vscode.NotebookCellOutput([
    vscode.NotebookCellOutputItem.error({ name, message: error.message, stack: '' }),
  ]);
}
