import type { KernelConnection } from '@jupyterlab/services';
import { KernelMessage } from '@jupyterlab/services';
import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '../logger';
import type { TokenSource } from './authSocket';
import { kernelState, openKernelConnection } from './kernelConnection';
import {
  KernelDiedError,
  KernelDisconnectedError,
  KernelRestartedError,
  SessionDisposedError,
} from './errors';
import { kernelHealth, refusalCause, type HealthVerdict } from './connectionHealth';
import { deleteSession, interruptKernel, type ServerRef, type SessionModel } from './kernelsApi';
import { IopubProbe } from './iopubProbe';
import { toIopubOutput } from './messages';
import { CellRun, SequentialTurns } from './cellRun';
import type { ExecuteOptions, KernelExecution, KernelSession, KernelState, Unsubscribe } from './types';

export interface KernelSessionOptions {
  server: ServerRef;
  model: SessionModel;
  getToken: TokenSource;
  /** The websocket `session_id` to use; a new one when omitted. Pass the persisted one to reattach. */
  clientId?: string | undefined;
  /**
   * The msg_ids of runs an earlier window started (see `adopt`): registered before the websocket opens, so
   * nothing the server replays for them on connecting is dropped.
   */
  adopt?: readonly string[] | undefined;
  /** The `username` in message headers; only informational for the server. */
  username?: string | undefined;
  logger?: Logger | undefined;
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch | undefined;
  /**
   * How often to ask the server whether the kernel, the server and the token are still there, in ms (open
   * websockets survive token revocation and server culling, so only a request notices). 30 s by default; 0 never.
   */
  healthCheckMs?: number | undefined;
  /**
   * Whether to nudge a stock server into sending a cell's replies without its ~40 ms Nagle/delayed-ACK stall:
   * an unsolicited websocket pong after the messages that arrive while a run is waiting (see
   * authWebSocketClass). On by default; setting `hubNotebooks.kernels.ackNudge`.
   */
  ackNudge?: boolean | undefined;
  /** Opens the kernel connection; openKernelConnection (the real websocket) unless a test passes a fake. */
  openConnection?: typeof openKernelConnection | undefined;
}

/** Why the connection stopped: the token, the server, the kernel, or reconnecting gave up. */
type Fault = 'auth' | 'stopped' | 'gone' | 'lost' | undefined;

/**
 * A KernelSession on @jupyterlab/services' KernelConnection. The connection keeps the protocol (message
 * serialisation, reconnecting with backoff, queueing while disconnected); this class routes every received
 * message to its run by `parent_header.msg_id`, which also covers replies replayed after a reconnect, and
 * sends one cell at a time so that no queued cell ever lands on a kernel that restarted meanwhile.
 */
export class HubKernelSession implements KernelSession {
  readonly sessionId: string;
  readonly kernelId: string;
  readonly kernelName: string;
  readonly path: string;
  readonly clientId: string;
  private kernel: KernelConnection | undefined;
  private readonly runs = new Map<string, CellRun>();
  private readonly turns = new SequentialTurns();
  private readonly stateListeners = new Set<(state: KernelState) => void>();
  private readonly faultListeners = new Set<(error: Error) => void>();
  private readonly log: Logger;
  private current: KernelState = 'starting';
  private everConnected = false;
  private fault: Fault;
  private checking = false;
  private disposed = false;
  private healthTimer: NodeJS.Timeout | undefined;
  private connectedWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  /** Why this session can no longer connect (its kernel or server is gone, or it was disposed). */
  private terminal: Error | undefined;
  private readonly probe = new IopubProbe();
  /** Set once the current websocket is open and proven to receive iopub (see IopubProbe). */
  private ready = false;

  constructor(private readonly options: KernelSessionOptions) {
    const kernel = options.model.kernel;
    if (!kernel) throw new KernelDiedError(`The session for ${options.model.path} has no kernel.`);
    this.sessionId = options.model.id;
    this.kernelId = kernel.id;
    this.kernelName = kernel.name;
    this.path = options.model.path;
    this.clientId = options.clientId ?? randomUUID();
    this.log = options.logger ?? silentLogger;
    for (const msgId of options.adopt ?? []) {
      this.runs.set(msgId, new CellRun(msgId, { adopted: true, onInput: undefined }));
    }
    this.connect();
    const every = options.healthCheckMs ?? 30_000;
    if (every > 0) {
      this.healthTimer = setInterval(() => {
        if (this.kernel) void this.diagnose(() => kernelHealth(this.options.server, this.kernelId));
      }, every);
      this.healthTimer.unref();
    }
  }

  get state(): KernelState {
    return this.current;
  }

  onState(listener: (state: KernelState) => void): Unsubscribe {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onFault(listener: (error: Error) => void): Unsubscribe {
    this.faultListeners.add(listener);
    return () => this.faultListeners.delete(listener);
  }

  /**
   * Resolves once the websocket is open and receives iopub (the first time, or again after a reconnect), which
   * is when a cell can be sent without its first outputs being dropped by the server.
   */
  whenConnected(): Promise<void> {
    if (this.terminal) return Promise.reject(this.terminal);
    if (this.ready && this.kernel?.connectionStatus === 'connected') return Promise.resolve();
    return new Promise((resolve, reject) => this.connectedWaiters.push({ resolve, reject }));
  }

  execute(code: string, options: ExecuteOptions = {}): KernelExecution {
    const run = new CellRun(randomUUID(), { adopted: false, onInput: options.onInput });
    this.runs.set(run.msgId, run);
    const generation = this.turns.generation;
    this.turns.enqueue(run, async () => {
      if (this.disposed) return run.fail(new SessionDisposedError('The kernel session was closed.'));
      if (this.turns.generation !== generation) return run.notRun();
      if (options.signal?.aborted) return run.finish('aborted');
      await this.whenConnected();
      if (this.turns.generation !== generation) return run.notRun();
      this.send(run, code);
      options.signal?.addEventListener('abort', () => void this.interruptFor(run), { once: true });
    });
    return run.execution();
  }

  adopt(msgId: string, options: { signal?: AbortSignal } = {}): KernelExecution {
    const run = this.runs.get(msgId) ?? new CellRun(msgId, { adopted: true, onInput: undefined });
    this.runs.set(msgId, run);
    options.signal?.addEventListener('abort', () => run.finish('aborted'), { once: true });
    void this.settleAdopted(run);
    return run.execution();
  }

  async interrupt(signal?: AbortSignal): Promise<void> {
    await interruptKernel(this.options.server, this.kernelId, signal);
  }

  /**
   * Restarts the kernel. An aborted `signal` stops the wait at once (the server may still finish a restart it
   * was asked for: the kernel's state says so); aborted before the call, nothing is done at all.
   */
  async restart(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.endRuns(new KernelRestartedError('The kernel was restarted, so this cell stopped. Run it again.'));
    const kernel = this.kernel;
    if (!kernel)
      throw new KernelDisconnectedError('Not connected to the kernel: reconnect first, then restart.');
    await untilAborted(kernel.restart(), signal);
  }

  async shutdown(signal?: AbortSignal): Promise<void> {
    try {
      await deleteSession(this.options.server, this.sessionId, signal);
    } finally {
      this.dispose();
    }
  }

  async reconnect(signal?: AbortSignal): Promise<void> {
    if (this.disposed) throw new SessionDisposedError('The kernel session was closed.');
    this.fault = undefined;
    this.terminal = undefined;
    this.kernel?.dispose();
    this.kernel = undefined;
    this.connect();
    await this.connected(signal);
  }

  /** Resolves when the websocket opens; rejects with the fault that stops it first, or when `signal` aborts. */
  connected(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const stopFault = this.onFault((err) => {
        cleanup();
        reject(err);
      });
      const onAbort = () => {
        cleanup();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('Cancelled.'));
      };
      const cleanup = () => {
        stopFault();
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.whenConnected().then(
        () => {
          cleanup();
          resolve();
        },
        (err: unknown) => {
          cleanup();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.healthTimer);
    this.endWaiters(new SessionDisposedError('The kernel session was closed.'));
    this.endRuns(
      new SessionDisposedError('The kernel session was closed in this window; the kernel may still run.'),
    );
    this.kernel?.dispose();
    this.kernel = undefined;
    this.setState('disconnected');
  }

  private connect(): void {
    const kernel = (this.options.openConnection ?? openKernelConnection)({
      server: this.options.server,
      getToken: this.options.getToken,
      fetch: this.options.fetch,
      kernel: { id: this.kernelId, name: this.kernelName },
      clientId: this.clientId,
      username: this.options.username ?? '',
      ackNudge: this.options.ackNudge === false ? undefined : () => this.runs.size > 0,
      // A refusal (a 403, a redirected upgrade) is only a hint: confirmFault asks the server what it means.
      hooks: {
        onAuthRefused: () => void this.diagnose(() => refusalCause(this.options.server)),
        onServerStopped: () => void this.diagnose(() => refusalCause(this.options.server)),
      },
    });
    this.kernel = kernel;
    kernel.anyMessage.connect((_sender, args) => {
      if (args.direction === 'recv') this.route(args.msg);
    });
    kernel.statusChanged.connect((_sender, status) => this.onKernelStatus(kernel, status));
    kernel.connectionStatusChanged.connect((_sender, status) => this.onConnectionStatus(kernel, status));
  }

  private send(run: CellRun, code: string): void {
    const kernel = this.kernel;
    if (!kernel) return run.fail(new KernelDisconnectedError('Not connected to the kernel.'));
    const msg = KernelMessage.createMessage<KernelMessage.IExecuteRequestMsg>({
      msgType: 'execute_request',
      channel: 'shell',
      session: this.clientId,
      username: this.options.username ?? '',
      msgId: run.msgId,
      content: {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: run.acceptsInput,
        // The session sends one cell at a time and the editor stops a batch at an error itself. With true, the
        // kernel also aborts whatever reaches it just after an error: the next cell, sent on the error's reply.
        stop_on_error: false,
      },
    });
    try {
      // The future is only needed for the send; replies are routed by msg_id in `route`, which also sees the
      // replies a reconnect replays. Its `done` rejects when the connection clears its state: expected here.
      kernel.sendShellMessage(msg, true, true).done.catch(() => undefined);
      run.markSent();
    } catch (err) {
      run.fail(new KernelDiedError(`The kernel could not take the cell: ${String(err)}`));
    }
  }

  private route(msg: KernelMessage.IMessage): void {
    const parentId = (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id;
    if (msg.channel === 'iopub') this.probe.notice();
    const run = parentId ? this.runs.get(parentId) : undefined;
    if (!run) return;
    if (msg.channel === 'iopub') {
      const type = msg.header.msg_type;
      if (type === 'status') {
        const state = (msg.content as { execution_state?: string }).execution_state;
        if (state === 'idle') run.idle();
      } else if (type === 'execute_input') {
        run.started((msg.content as { execution_count?: number | null }).execution_count ?? null);
      } else {
        const output = toIopubOutput(type, msg.content);
        if (output) run.output(output);
      }
    } else if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') {
      const content = msg.content as { status?: string; execution_count?: number | null };
      run.replied(replyStatus(content.status), content.execution_count ?? null);
    } else if (msg.channel === 'stdin' && msg.header.msg_type === 'input_request') {
      this.answerInput(run, msg as KernelMessage.IInputRequestMsg);
    }
    if (run.isFinished) this.runs.delete(run.msgId);
  }

  private answerInput(run: CellRun, msg: KernelMessage.IInputRequestMsg): void {
    const reply = (value: string) => {
      this.kernel?.sendInputReply({ status: 'ok', value }, msg.header);
    };
    run.ask({ prompt: msg.content.prompt, password: msg.content.password }).then(reply, (err: unknown) => {
      // The user dismissed the prompt: the kernel still waits for an answer, so give an empty one and
      // interrupt, which is what cancelling a cell means.
      this.log.info(`stdin prompt dismissed (${String(err)}); interrupting the kernel`);
      reply('');
      void this.interruptFor(run);
    });
  }

  private async interruptFor(run: CellRun): Promise<void> {
    if (run.isFinished) return;
    try {
      await this.interrupt();
    } catch (err) {
      this.log.warn(`could not interrupt the kernel: ${String(err)}`);
    }
  }

  private async settleAdopted(run: CellRun): Promise<void> {
    try {
      await this.whenConnected();
      // A kernel_info_request is answered only after the cell running now, and the server replays what it
      // buffered before anything else: if the adopted run has not finished by the reply, it finished earlier.
      await this.kernel?.requestKernelInfo();
      if (!run.isFinished && !run.hasActivity) run.finish('ok');
    } catch (err) {
      this.log.debug(`adopting ${run.msgId}: ${String(err)}`);
    }
  }

  private onKernelStatus(kernel: KernelConnection, status: string): void {
    if (kernel !== this.kernel) return;
    if (status === 'restarting' || status === 'autorestarting') {
      this.endRuns(
        new KernelRestartedError(
          'The kernel restarted while this cell ran (it crashed, ran out of memory or was restarted), so its ' +
            'variables are gone. Run the cells it needs again.',
        ),
      );
    } else if (status === 'dead') {
      const error = new KernelDiedError(
        'The kernel died and could not be restarted. Restart it or pick another.',
      );
      this.fault = 'lost';
      this.endWaiters(error);
      this.endRuns(error);
      this.emitFault(error);
    }
    this.refreshState();
  }

  private onConnectionStatus(kernel: KernelConnection, status: string): void {
    if (kernel !== this.kernel) return;
    if (status === 'connected') {
      this.everConnected = true;
      this.ready = false;
      void this.probe.run(kernel, this.clientId, this.options.username ?? '').then((echoed) => {
        if (kernel !== this.kernel || kernel.connectionStatus !== 'connected') return;
        if (!echoed) this.log.debug('no iopub echo on the new kernel websocket; using it anyway');
        this.ready = true;
        for (const waiter of this.connectedWaiters.splice(0)) waiter.resolve();
      });
    } else if (status === 'disconnected' && !this.disposed && !this.fault) {
      const error = new KernelDisconnectedError(
        'Lost the connection to the kernel and could not reconnect. The kernel may still be running: ' +
          'reconnect to see its outputs.',
      );
      this.fault = 'lost';
      this.endWaiters(error);
      this.endRuns(error);
      this.emitFault(error);
    }
    this.refreshState();
  }

  /** A refusal was seen, or it is time for the periodic check: ask the server what holds, and act on it. */
  private async diagnose(check: () => Promise<HealthVerdict>): Promise<void> {
    if (this.checking || this.fault || this.disposed) return;
    this.checking = true;
    try {
      const verdict = await check();
      if (verdict && !this.fault && !this.disposed) this.stopFor(verdict.fault, verdict.error);
    } catch (err) {
      this.log.debug(`kernel health check: ${String(err)}`);
    } finally {
      this.checking = false;
    }
  }

  /**
   * Closes the websocket ourselves: open kernel websockets survive token revocation, and a stopped server's
   * proxy would have the connection retry for minutes. Runs wait for `reconnect` after an auth failure; for
   * a stopped server or a vanished kernel they fail now, because their kernel is gone.
   */
  private stopFor(fault: Exclude<Fault, undefined>, error: Error): void {
    this.fault = fault;
    this.log.info(`closing the kernel connection: ${error.message}`);
    this.kernel?.dispose();
    this.kernel = undefined;
    if (fault !== 'auth') {
      const ended =
        fault === 'stopped'
          ? new KernelDisconnectedError(`Your server stopped, so the kernel is gone. ${error.message}`)
          : error;
      this.endWaiters(ended);
      this.endRuns(ended);
    }
    this.setState('disconnected');
    this.emitFault(error);
  }

  /** No connection will come: cells waiting for one fail with `error`, and so do later ones. */
  private endWaiters(error: Error): void {
    this.terminal = error;
    for (const waiter of this.connectedWaiters.splice(0)) waiter.reject(error);
  }

  private endRuns(error: Error): void {
    this.turns.bump();
    for (const run of this.runs.values()) {
      if (run.sent) run.fail(error);
      else run.notRun();
    }
    this.runs.clear();
  }

  private emitFault(error: Error): void {
    for (const listener of [...this.faultListeners]) listener(error);
  }

  private refreshState(): void {
    this.setState(this.computeState());
  }

  private computeState(): KernelState {
    if (this.disposed || this.fault || !this.kernel) return 'disconnected';
    return kernelState(this.kernel, this.everConnected);
  }

  private setState(state: KernelState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}

function replyStatus(status: string | undefined): 'ok' | 'error' | 'aborted' {
  return status === 'ok' ? 'ok' : status === 'aborted' ? 'aborted' : 'error';
}

/** `work`, or its signal's abort reason if that comes first. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
