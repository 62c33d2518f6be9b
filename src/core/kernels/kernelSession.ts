import type { KernelConnection, KernelMessage } from '@jupyterlab/services';
import { randomUUID } from 'node:crypto';
import { untilAborted } from '../abortable';
import { silentLogger, type Logger } from '../logger';
import type { TokenSource } from './authSocket';
import { kernelState, openKernelConnection } from './kernelConnection';
import {
  KernelDiedError,
  KernelDisconnectedError,
  KernelRestartedError,
  SessionDisposedError,
} from './errors';
import { HealthWatch, kernelHealth, refusalCause, type HealthVerdict } from './connectionHealth';
import { deleteSession, interruptKernel, type ServerRef, type SessionModel } from './kernelsApi';
import { IopubProbe } from './iopubProbe';
import { evaluateUserExpressions, type ExpressionResults, type UserExpressions } from './kernelEnvironment';
import { CellRun, SequentialTurns } from './cellRun';
import { deliverToRun, executeRequest, parentMsgId } from './runMessages';
import { heldKernel, liveKernel, type Link } from './sessionLink';
import { realTimers, type Timers } from '../timers';
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
   * Whether to send a websocket pong after messages that arrive while a run waits, so that a stock server skips
   * its ~40 ms Nagle/delayed-ACK stall (see authWebSocketClass). On by default (`hubNotebooks.kernels.ackNudge`).
   */
  ackNudge?: boolean | undefined;
  /** Opens the kernel connection; openKernelConnection (the real websocket) unless a test passes a fake. */
  openConnection?: typeof openKernelConnection | undefined;
  /** The clock of the health check, the iopub probe and the runs; the real one unless a test passes a fake. */
  timers?: Timers | undefined;
}

const closedHere = () => new SessionDisposedError('The kernel session was closed.');

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
  private link: Link;
  /** Whether a websocket ever opened: a later 'connecting' is a reconnect. */
  private everConnected = false;
  private current: KernelState = 'starting';
  private readonly runs = new Map<string, CellRun>();
  private readonly turns = new SequentialTurns();
  private readonly stateListeners = new Set<(state: KernelState) => void>();
  private readonly faultListeners = new Set<(error: Error) => void>();
  private connectedWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private readonly log: Logger;
  private readonly timers: Timers;
  private readonly probe: IopubProbe;
  private readonly health: HealthWatch;

  constructor(private readonly options: KernelSessionOptions) {
    const kernel = options.model.kernel;
    if (!kernel) throw new KernelDiedError(`The session for ${options.model.path} has no kernel.`);
    this.sessionId = options.model.id;
    this.kernelId = kernel.id;
    this.kernelName = kernel.name;
    this.path = options.model.path;
    this.clientId = options.clientId ?? randomUUID();
    this.log = options.logger ?? silentLogger;
    this.timers = options.timers ?? realTimers;
    this.probe = new IopubProbe(this.timers);
    for (const msgId of options.adopt ?? []) this.runs.set(msgId, this.newRun(msgId, true, undefined));
    this.health = new HealthWatch({
      everyMs: options.healthCheckMs ?? 30_000,
      periodic: () => kernelHealth(options.server, this.kernelId),
      wanted: () => liveKernel(this.link) !== undefined,
      onVerdict: (verdict) => this.stopFor(verdict),
      timers: this.timers,
      log: this.log,
    });
    this.link = this.open();
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
    const link = this.link;
    if (link.phase === 'ended' || link.phase === 'disposed') return Promise.reject(link.error);
    if (link.phase === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => this.connectedWaiters.push({ resolve, reject }));
  }

  execute(code: string, options: ExecuteOptions = {}): KernelExecution {
    const run = this.newRun(randomUUID(), false, options.onInput);
    this.runs.set(run.msgId, run);
    const generation = this.turns.generation;
    this.turns.enqueue(run, async () => {
      if (this.link.phase === 'disposed') return run.fail(closedHere());
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
    const run = this.runs.get(msgId) ?? this.newRun(msgId, true, undefined);
    this.runs.set(msgId, run);
    options.signal?.addEventListener('abort', () => run.finish('aborted'), { once: true });
    void this.settleAdopted(run);
    return run.execution();
  }

  /** A silent `execute_request` whose reply alone carries the results: see readKernelEnvironment. */
  evaluateUserExpressions(expressions: UserExpressions, signal?: AbortSignal): Promise<ExpressionResults> {
    return evaluateUserExpressions(liveKernel(this.link), expressions, signal);
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
    const kernel = heldKernel(this.link);
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
    if (this.link.phase === 'disposed') throw closedHere();
    this.moveTo(this.open());
    this.refreshState();
    await this.connected(signal);
  }

  /** Resolves when the websocket opens; rejects with the fault that stops it first, or when `signal` aborts. */
  connected(signal?: AbortSignal): Promise<void> {
    let stopFault: Unsubscribe = () => undefined;
    const fault = new Promise<never>((_resolve, reject) => (stopFault = this.onFault(reject)));
    return untilAborted(Promise.race([this.whenConnected(), fault]), signal).finally(() => stopFault());
  }

  dispose(): void {
    if (this.link.phase === 'disposed') return;
    this.health.dispose();
    const error = closedHere();
    this.moveTo({ phase: 'disposed', error });
    this.rejectWaiters(error);
    this.endRuns(
      new SessionDisposedError('The kernel session was closed in this window; the kernel may still run.'),
    );
    this.setState('disconnected');
  }

  private newRun(msgId: string, adopted: boolean, onInput: ExecuteOptions['onInput']): CellRun {
    return new CellRun(msgId, { adopted, onInput, timers: this.timers });
  }

  /** Moves to `next`, then closes a connection it no longer holds (whose 'disconnected' is then not a fault). */
  private moveTo(next: Link): void {
    const old = heldKernel(this.link);
    this.link = next;
    if (old !== heldKernel(next)) old?.dispose();
  }

  /** A new connection, wired to this session; the link to it is 'connecting'. */
  private open(): Link {
    const { server } = this.options;
    const kernel = (this.options.openConnection ?? openKernelConnection)({
      server,
      getToken: this.options.getToken,
      fetch: this.options.fetch,
      kernel: { id: this.kernelId, name: this.kernelName },
      clientId: this.clientId,
      username: this.options.username ?? '',
      ackNudge: this.options.ackNudge === false ? undefined : () => this.runs.size > 0,
      // A refusal (a 403, a redirected upgrade) is only a hint: the health watch asks the server what it means.
      hooks: {
        onAuthRefused: () => void this.health.check(() => refusalCause(server)),
        onServerStopped: () => void this.health.check(() => refusalCause(server)),
      },
    });
    kernel.anyMessage.connect((_sender, args) => {
      if (args.direction === 'recv') this.route(args.msg);
    });
    kernel.statusChanged.connect((_sender, status) => this.onKernelStatus(kernel, status));
    kernel.connectionStatusChanged.connect((_sender, status) => this.onConnectionStatus(kernel, status));
    return { phase: 'connecting', kernel };
  }

  private send(run: CellRun, code: string): void {
    const kernel = liveKernel(this.link);
    if (!kernel) return run.fail(new KernelDisconnectedError('Not connected to the kernel.'));
    const msg = executeRequest(run, code, { session: this.clientId, username: this.options.username ?? '' });
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
    if (msg.channel === 'iopub') this.probe.notice();
    const parentId = parentMsgId(msg);
    const run = parentId ? this.runs.get(parentId) : undefined;
    if (!run) return;
    const inputRequest = deliverToRun(run, msg);
    if (inputRequest) this.answerInput(run, inputRequest);
    if (run.isFinished) this.runs.delete(run.msgId);
  }

  private answerInput(run: CellRun, msg: KernelMessage.IInputRequestMsg): void {
    const reply = (value: string) => {
      liveKernel(this.link)?.sendInputReply({ status: 'ok', value }, msg.header);
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
      await liveKernel(this.link)?.requestKernelInfo();
      if (!run.isFinished && !run.hasActivity) run.finish('ok');
    } catch (err) {
      this.log.debug(`adopting ${run.msgId}: ${String(err)}`);
    }
  }

  private onKernelStatus(kernel: KernelConnection, status: string): void {
    if (kernel !== liveKernel(this.link)) return this.refreshState();
    if (status === 'restarting' || status === 'autorestarting') {
      this.endRuns(
        new KernelRestartedError(
          'The kernel restarted while this cell ran (it crashed, ran out of memory or was restarted), so its ' +
            'variables are gone. Run the cells it needs again.',
        ),
      );
    } else if (status === 'dead') {
      this.end(
        new KernelDiedError('The kernel died and could not be restarted. Restart it or pick another.'),
        {
          keep: kernel,
        },
      );
    }
    this.refreshState();
  }

  private onConnectionStatus(kernel: KernelConnection, status: string): void {
    if (kernel !== liveKernel(this.link)) return this.refreshState();
    if (status === 'connected') {
      this.everConnected = true;
      this.link = { phase: 'connecting', kernel };
      void this.probe.run(kernel, this.clientId, this.options.username ?? '').then((echoed) => {
        if (kernel !== liveKernel(this.link) || kernel.connectionStatus !== 'connected') return;
        if (!echoed) this.log.debug('no iopub echo on the new kernel websocket; using it anyway');
        this.link = { phase: 'ready', kernel };
        for (const waiter of this.connectedWaiters.splice(0)) waiter.resolve();
      });
    } else if (status === 'connecting') {
      this.link = { phase: 'connecting', kernel };
    } else if (status === 'disconnected') {
      const error = new KernelDisconnectedError(
        'Lost the connection to the kernel and could not reconnect. The kernel may still be running: ' +
          'reconnect to see its outputs.',
      );
      this.end(error, { keep: kernel });
    }
    this.refreshState();
  }

  /**
   * Closes the websocket ourselves: open kernel websockets survive token revocation, and a stopped server's
   * proxy would have the connection retry for minutes. Runs wait for `reconnect` after an auth failure; for
   * a stopped server or a vanished kernel they fail now, because their kernel is gone.
   */
  private stopFor({ fault, error }: NonNullable<HealthVerdict>): void {
    this.log.info(`closing the kernel connection: ${error.message}`);
    if (fault === 'auth') {
      this.moveTo({ phase: 'paused', error });
      this.setState('disconnected');
      this.emitFault(error);
      return;
    }
    const ended =
      fault === 'stopped'
        ? new KernelDisconnectedError(`Your server stopped, so the kernel is gone. ${error.message}`)
        : error;
    this.end(ended, { keep: undefined, reported: error });
  }

  /** No connection will come: waiting and sent cells fail with `error`, and so do later ones. */
  private end(error: Error, how: { keep: KernelConnection | undefined; reported?: Error }): void {
    this.moveTo({ phase: 'ended', error, kernel: how.keep });
    this.rejectWaiters(error);
    this.endRuns(error);
    this.setState('disconnected');
    this.emitFault(how.reported ?? error);
  }

  private rejectWaiters(error: Error): void {
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
    const kernel = liveKernel(this.link);
    this.setState(kernel ? kernelState(kernel, this.everConnected) : 'disconnected');
  }

  private setState(state: KernelState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}
