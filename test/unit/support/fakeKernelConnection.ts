// A fake @jupyterlab/services KernelConnection for HubKernelSession's unit tests (its injected openConnection):
// the slice of the connection the session uses, driven by the test. No socket and no clock.
import type { KernelMessage } from '@jupyterlab/services';
import type { KernelConnectionOptions } from '../../../src/core/kernels/kernelConnection';
import { HubKernelSession, type KernelSessionOptions } from '../../../src/core/kernels/kernelSession';
import type { ExecutionEvent, KernelExecution } from '../../../src/core/kernels/types';
import { FakeTimers } from './fakeTimers';
import { fakeTransport, type HubAnswer, type HubCall } from './fakeTransport';
import { settle } from './waits';

/** A @jupyterlab/services signal: listeners connected, and fired by the test. */
class FakeSignal<T> {
  private readonly listeners: ((sender: unknown, args: T) => void)[] = [];
  connect(listener: (sender: unknown, args: T) => void): boolean {
    this.listeners.push(listener);
    return true;
  }
  emit(args: T): void {
    for (const listener of [...this.listeners]) listener(this, args);
  }
}

export class FakeConnection {
  readonly anyMessage = new FakeSignal<{ direction: 'send' | 'recv'; msg: unknown }>();
  readonly statusChanged = new FakeSignal<string>();
  readonly connectionStatusChanged = new FakeSignal<string>();
  connectionStatus = 'connecting';
  status = 'unknown';
  isDisposed = false;
  /** Every shell message sent, in order. */
  readonly sent: KernelMessage.IShellMessage[] = [];
  readonly inputReplies: { value: string; parent: KernelMessage.IHeader }[] = [];
  restarts = 0;
  finishRestart: () => void = () => undefined;

  constructor(readonly options: KernelConnectionOptions) {}

  sendShellMessage(msg: KernelMessage.IShellMessage): { done: Promise<never> } {
    if (this.isDisposed) throw new Error('the connection is disposed');
    this.sent.push(msg);
    return { done: new Promise<never>(() => undefined) };
  }
  sendInputReply(content: { value: string }, parent: KernelMessage.IHeader): void {
    this.inputReplies.push({ value: content.value, parent });
  }
  requestKernelInfo(): Promise<void> {
    return Promise.resolve();
  }
  restart(): Promise<void> {
    this.restarts++;
    return new Promise((resolve) => (this.finishRestart = resolve));
  }
  /** As the real one: disposing says 'disconnected' (synchronously) unless it already was. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.connectionStatus !== 'disconnected') this.setConnection('disconnected');
  }

  /** The execute_requests sent, by msg_id. */
  get executed(): string[] {
    return this.sent.filter((m) => m.header.msg_type === 'execute_request').map((m) => m.header.msg_id);
  }

  setConnection(status: 'connecting' | 'connected' | 'disconnected'): void {
    this.connectionStatus = status;
    this.connectionStatusChanged.emit(status);
  }
  setStatus(status: string): void {
    this.status = status;
    this.statusChanged.emit(status);
  }
  /** The websocket opens and the kernel is idle; an iopub message proves the subscription to the probe. */
  async open(): Promise<void> {
    this.status = 'idle';
    this.setConnection('connected');
    this.receive('iopub', 'status', { execution_state: 'idle' }, 'unrelated');
    await settle();
  }
  receive(channel: string, msgType: string, content: unknown, parentId: string): void {
    const msg = { channel, header: { msg_type: msgType }, parent_header: { msg_id: parentId }, content };
    this.anyMessage.emit({ direction: 'recv', msg });
  }
  /** What the kernel sends for a cell that printed `text` and succeeded: input, output, reply, idle. */
  finishCell(parentId: string, text: string, count = 1): void {
    this.receive('iopub', 'execute_input', { execution_count: count }, parentId);
    this.receive('iopub', 'stream', { name: 'stdout', text }, parentId);
    this.receive('shell', 'execute_reply', { status: 'ok', execution_count: count }, parentId);
    this.receive('iopub', 'status', { execution_state: 'idle' }, parentId);
  }
}

export interface FakeSessionOptions {
  /** Answers the hub requests (health checks, refusal checks, interrupt, delete); 404 for everything otherwise. */
  answer?: (call: HubCall) => HubAnswer;
  healthCheckMs?: number;
  adopt?: string[];
}

/** A HubKernelSession over FakeConnections and FakeTimers, with the hub calls it made. */
export function fakeSession(options: FakeSessionOptions = {}) {
  const connections: FakeConnection[] = [];
  const calls: HubCall[] = [];
  const timers = new FakeTimers();
  const transport = fakeTransport(
    { baseUrl: 'https://hub.test/', calls },
    options.answer ?? (() => ({ status: 404 })),
  );
  const sessionOptions: KernelSessionOptions = {
    server: { transport, user: 'alice' },
    model: { id: 's1', path: 'a.ipynb', kernel: { id: 'k1', name: 'python3' } },
    getToken: () => 'token',
    healthCheckMs: options.healthCheckMs ?? 0,
    adopt: options.adopt,
    timers,
    openConnection: (connectionOptions: KernelConnectionOptions) => {
      const connection = new FakeConnection(connectionOptions);
      connections.push(connection);
      return connection as never;
    },
  };
  const session = new HubKernelSession(sessionOptions);
  const states: string[] = [];
  const faults: Error[] = [];
  session.onState((state) => states.push(state));
  session.onFault((error) => faults.push(error));
  const latest = () => {
    const connection = connections.at(-1);
    if (!connection) throw new Error('no connection was opened');
    return connection;
  };
  return { session, connections, latest, calls, timers, states, faults };
}

/** A run's events until it ends, and the error it ended with, if any. */
export async function outcome(run: KernelExecution): Promise<{ events: ExecutionEvent[]; error?: Error }> {
  const events: ExecutionEvent[] = [];
  try {
    for await (const event of run) events.push(event);
    return { events };
  } catch (err) {
    return { events, error: err as Error };
  }
}
