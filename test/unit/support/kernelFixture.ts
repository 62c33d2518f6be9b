// Stand-ins for the kernel adapter tests: a KernelSession whose runs the test drives event by event, a kernel
// client that hands such sessions out, cell executions that log every call into one list, and the
// dependencies of NotebookKernel and HubKernelControllers around them. NotebookKernel, HubKernelControllers,
// OutputWriter, the output model and ReattachStore are the real ones, over the fake vscode module.
import { fake } from '../../support/useFakeVscode';
import { CancellationTokenSource, FakeMemento, Uri } from '../../support/fakeVscode';
import type * as vscode from 'vscode';
import type * as Kernels from '../../../src/core/kernels';
import type { KernelClientOptions, OpenSessionOptions } from '../../../src/core/kernels/kernelClient';
import { kernelSessionPath, type SessionPathOptions } from '../../../src/core/kernels/sessionPath';
import type {
  ExecuteOptions,
  ExecutionEvent,
  IopubOutput,
  KernelExecution,
  KernelSession,
  KernelSpecInfo,
  KernelState,
} from '../../../src/core/kernels/types';
import type { HubAccount } from '../../../src/vscode/hub/hubAccess';
import {
  NotebookKernel,
  type KernelTarget,
  type NotebookKernelDeps,
} from '../../../src/vscode/kernels/notebookKernel';
import { OutputWriter } from '../../../src/vscode/kernels/outputWriter';
import { ReattachStore, type ReattachRecord } from '../../../src/vscode/kernels/reattachStore';
import { recordingLogger } from './authFixture';
import { TEST_HUB } from '../../support/hubUrls';
import { fakeTransport, type HubCall } from './fakeTransport';
import { RunConsent } from '../../../src/vscode/kernels/runConsent';

export { until } from './authFixture';
export { fake };

export const HUB = TEST_HUB;
export const SHARED_FOLDER = 'shared';

/** One cell run as the fake kernel reports it: the test pushes its events; the iterator ends after `done`. */
export class FakeRun implements KernelExecution {
  private readonly queue: (ExecutionEvent | Error)[] = [];
  private wake: (() => void) | undefined;

  constructor(
    readonly msgId: string,
    readonly code: string,
    readonly options: ExecuteOptions,
  ) {}

  started(executionCount: number | null, at = 1): void {
    this.push({ kind: 'started', executionCount, at });
  }
  output(output: IopubOutput): void {
    this.push({ kind: 'output', output });
  }
  done(status: 'ok' | 'error' | 'aborted', executionCount: number | null, at: number): void {
    this.push({ kind: 'done', status, executionCount, at });
  }
  /** Makes the iterator throw, as a run that a restart or a lost connection ended. */
  fail(err: Error): void {
    this.push(err);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ExecutionEvent> {
    for (;;) {
      const item = this.queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (item instanceof Error) throw item;
      yield item;
      if (item.kind === 'done') return;
    }
  }

  private push(item: ExecutionEvent | Error): void {
    this.queue.push(item);
    this.wake?.();
    this.wake = undefined;
  }
}

/** A KernelSession that records what is asked of it and lets the test fire state changes and faults. */
export class FakeSession implements KernelSession {
  readonly sessionId: string;
  readonly kernelId: string;
  readonly clientId: string;
  state: KernelState = 'idle';
  readonly runs: FakeRun[] = [];
  readonly adopted: FakeRun[] = [];
  /** 'interrupt', 'restart', 'shutdown', 'reconnect' and 'dispose', in order. */
  readonly calls: string[] = [];
  /** What `evaluateUserExpressions` answers: each expression's result, by its key. */
  expressionResults: Record<string, unknown> = {};
  private readonly stateListeners = new Set<(state: KernelState) => void>();
  private readonly faultListeners = new Set<(error: Error) => void>();

  constructor(
    readonly path: string,
    readonly kernelName: string,
    n: number,
  ) {
    this.sessionId = `session-${n}`;
    this.kernelId = `kernel-${n}`;
    this.clientId = `client-${n}`;
  }

  get disposed(): boolean {
    return this.calls.includes('dispose');
  }
  setState(state: KernelState): void {
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
  fault(error: Error): void {
    for (const listener of [...this.faultListeners]) listener(error);
  }
  onState(listener: (state: KernelState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  onFault(listener: (error: Error) => void): () => void {
    this.faultListeners.add(listener);
    return () => this.faultListeners.delete(listener);
  }
  execute(code: string, options: ExecuteOptions = {}): FakeRun {
    const run = new FakeRun(`msg-${this.runs.length + 1}`, code, options);
    this.runs.push(run);
    return run;
  }
  adopt(msgId: string, options: { signal?: AbortSignal } = {}): FakeRun {
    const run = new FakeRun(msgId, '', options);
    this.adopted.push(run);
    return run;
  }
  interrupt(): Promise<void> {
    return this.record('interrupt');
  }
  restart(): Promise<void> {
    return this.record('restart');
  }
  shutdown(): Promise<void> {
    return this.record('shutdown');
  }
  reconnect(): Promise<void> {
    return this.record('reconnect');
  }
  evaluateUserExpressions(expressions: Readonly<Record<string, string>>): Promise<Record<string, unknown>> {
    this.calls.push(`expressions ${Object.keys(expressions).join(',')}`);
    return Promise.resolve(this.expressionResults);
  }

  dispose(): void {
    this.calls.push('dispose');
  }
  private record(call: string): Promise<void> {
    this.calls.push(call);
    return Promise.resolve();
  }
}

/** The KernelClient NotebookKernel gets from `createKernelClient`: it opens FakeSessions. */
export class FakeKernelClient {
  readonly opens: OpenSessionOptions[] = [];
  readonly sessions: FakeSession[] = [];
  specCalls = 0;
  specs: KernelSpecInfo[] = [{ name: 'python3', displayName: 'Python 3 (ipykernel)', language: 'python' }];
  /** Answers to the next openSession calls, in order; afterwards each call opens a new session. */
  readonly scripted: { session: FakeSession; reattached: boolean }[] = [];
  /** While set, openSession waits for it: to start two runs during one opening. */
  gate: Promise<void> | undefined;

  listKernelSpecs(): Promise<KernelSpecInfo[]> {
    this.specCalls += 1;
    return Promise.resolve(this.specs);
  }
  async openSession(options: OpenSessionOptions): Promise<{ session: FakeSession; reattached: boolean }> {
    this.opens.push(options);
    await this.gate;
    return (
      this.scripted.shift() ?? {
        session: this.newSession(options.path, options.kernelName),
        reattached: false,
      }
    );
  }
  /** The environment the kernels' `user_expressions` read (kernelEnvironment.ts), by name. */
  environment: Record<string, string> = {};
  newSession(path: string, kernelName: string): FakeSession {
    const session = new FakeSession(path, kernelName, this.sessions.length + 1);
    // Python's answer to the hex expression of each name, in the order readKernelEnvironment asks.
    session.expressionResults = Object.fromEntries(
      Object.values(this.environment).map((value, i) => [
        `env${i}`,
        { status: 'ok', data: { 'text/plain': `'${Buffer.from(value).toString('hex')}'` } },
      ]),
    );
    this.sessions.push(session);
    return session;
  }
}

/** A cell execution that logs each call as `<cell index> <what>` into a list shared by all cells. */
export class FakeExecution {
  readonly source = new CancellationTokenSource();
  readonly token = this.source.token;
  /** What the cell shows after every edit so far. */
  outputs: vscode.NotebookCellOutput[] = [];
  startedAt: number | undefined;
  endedAt: number | undefined;
  private order: number | undefined;

  constructor(
    readonly cell: vscode.NotebookCell,
    private readonly lines: string[],
  ) {}

  get executionOrder(): number | undefined {
    return this.order;
  }
  set executionOrder(value: number | undefined) {
    this.order = value;
    this.note(`order ${value}`);
  }
  start(time?: number): void {
    this.startedAt = time;
    this.note('start');
  }
  end(success: boolean | undefined, time?: number): void {
    this.endedAt = time;
    this.note(`end ${success}`);
  }
  clearOutput(cell?: vscode.NotebookCell): Promise<void> {
    this.outputs = [];
    return this.edit('clear', cell);
  }
  replaceOutput(out: vscode.NotebookCellOutput | vscode.NotebookCellOutput[], cell?: vscode.NotebookCell) {
    this.outputs = [out].flat();
    return this.edit(`replace ${this.outputs.map(describeOutput).join(' | ')}`, cell);
  }
  appendOutput(out: vscode.NotebookCellOutput | vscode.NotebookCellOutput[], cell?: vscode.NotebookCell) {
    const added = [out].flat();
    this.outputs.push(...added);
    return this.edit(`append ${added.map(describeOutput).join(' | ')}`, cell);
  }
  replaceOutputItems(
    items: vscode.NotebookCellOutputItem | vscode.NotebookCellOutputItem[],
    output: vscode.NotebookCellOutput,
  ): Promise<void> {
    output.items = [items].flat();
    return this.edit(`replaceItems #${this.outputs.indexOf(output)} ${describeOutput(output)}`);
  }

  private edit(what: string, cell?: vscode.NotebookCell): Promise<void> {
    this.note(cell ? `${what} (cell ${cell.index})` : what);
    return Promise.resolve();
  }
  private note(what: string): void {
    this.lines.push(`${this.cell.index} ${what}`);
  }
}

/** Records the executions of every cell; `controller` is enough of a NotebookController for NotebookKernel. */
export class ExecutionLog {
  readonly lines: string[] = [];
  readonly executions: FakeExecution[] = [];
  readonly create = (cell: vscode.NotebookCell): vscode.NotebookCellExecution => {
    const execution = new FakeExecution(cell, this.lines);
    this.executions.push(execution);
    return execution as unknown as vscode.NotebookCellExecution;
  };
  readonly controller = { createNotebookCellExecution: this.create } as unknown as vscode.NotebookController;
}

/** `mime="text"` for each item of an output, to compare outputs as plain strings. */
export function describeOutput(output: vscode.NotebookCellOutput): string {
  return output.items.map((i) => `${i.mime}=${JSON.stringify(new TextDecoder().decode(i.data))}`).join(', ');
}

/** A hubnb URI (or any other) built the way the fake vscode module builds URIs. */
export function uriOf(scheme: string, authority: string, path: string): vscode.Uri {
  return Uri.from({ scheme, authority, path }) as unknown as vscode.Uri;
}

/** A notebook whose cells hold `sources`; each cell's document URI is unique, as VS Code's cell URIs are. */
export function notebookOf(uri: vscode.Uri, sources: string[]) {
  const cells = sources.map((source, index) => ({
    index,
    document: {
      uri: Uri.from({
        scheme: 'vscode-notebook-cell',
        authority: uri.authority,
        path: uri.path,
        fragment: `c${index}`,
      }),
      getText: () => source,
    },
  }));
  const notebook = {
    uri,
    notebookType: 'jupyter-notebook',
    cellCount: cells.length,
    cellAt: (index: number) => cells[index],
  };
  return {
    notebook: notebook as unknown as vscode.NotebookDocument,
    cells: cells as unknown as vscode.NotebookCell[],
  };
}

/** The service's `api/authoring`, naming `secrets`; without them it answers like a service that predates it. */
function fakeAuthoringCatalog(secrets: Record<string, string> | undefined) {
  const authoring = secrets
    ? () => Promise.resolve({ redactEnvironment: Object.keys(secrets) })
    : () => Promise.reject(new Error('no api/authoring'));
  return { authoring };
}

/** A transport whose only resource is `GET user/<name>/api/kernelspecs`; `undefined` specs answer 424. */
function specsTransport(hubUrl: string, specs: () => unknown) {
  const calls: HubCall[] = [];
  const transport = fakeTransport({ baseUrl: hubUrl, calls }, (call) => {
    const body = call.path.endsWith('api/kernelspecs') ? specs() : undefined;
    return body === undefined
      ? { status: 424, body: { message: 'Server not running' } }
      : { status: 200, body };
  });
  return {
    get requests() {
      return calls.map((c) => `${c.method} ${c.path}`);
    },
    transport,
  };
}

/** The dependencies of a NotebookKernel, every call recorded; `state.openError` makes opening fail. */
export function kernelDeps(
  options: { specs?: (hubUrl: string) => unknown; secrets?: Record<string, string> } = {},
) {
  const user = 'alice';
  const log = recordingLogger();
  const client = new FakeKernelClient();
  client.environment = options.secrets ?? {};
  const memento = new FakeMemento();
  const reattach = new ReattachStore(memento);
  const calls = {
    withServer: [] as string[],
    /** What each withServer call would ask to start the server for. */
    serverActions: [] as string[],
    run: [] as string[],
    startServer: [] as string[],
    track: [] as string[],
    untrack: 0,
    clientOptions: [] as KernelClientOptions[],
    paths: [] as { location: unknown; options: SessionPathOptions }[],
  };
  const state = {
    openError: undefined as Error | undefined,
    reauthError: undefined as Error | undefined,
    /** The websocket close callback the last `track` call registered, as signing out would call it. */
    close: undefined as (() => void) | undefined,
  };
  const transports = new Map<string, ReturnType<typeof specsTransport>>();
  const accountOf = (hubUrl: string): HubAccount => {
    let entry = transports.get(hubUrl);
    if (!entry) {
      entry = specsTransport(hubUrl, () => options.specs?.(hubUrl));
      transports.set(hubUrl, entry);
    }
    const getToken = () => Promise.resolve('secret-token');
    const catalog = fakeAuthoringCatalog(options.secrets);
    return { hubUrl, user, transport: entry.transport, getToken, catalog } as unknown as HubAccount;
  };
  const kernels = {
    createKernelClient: (o: KernelClientOptions) => {
      calls.clientOptions.push(o);
      return client;
    },
    kernelSessionPath: (location: Parameters<typeof kernelSessionPath>[0], o: SessionPathOptions) => {
      calls.paths.push({ location, options: o });
      return kernelSessionPath(location, o);
    },
  };
  const deps: NotebookKernelDeps = {
    clients: {
      run: <T>(hubUrl: string, op: (account: HubAccount) => Promise<T>): Promise<T> => {
        calls.run.push(hubUrl);
        const refused = state.openError ?? state.reauthError;
        return refused ? Promise.reject(refused) : op(accountOf(hubUrl));
      },
    },
    servers: {
      withServer: <T>(hubUrl: string, op: () => Promise<T>, action?: string): Promise<T> => {
        calls.withServer.push(hubUrl);
        calls.serverActions.push(action ?? '');
        return op();
      },
      startServer: (hubUrl: string) => {
        calls.startServer.push(hubUrl);
        return Promise.resolve(true);
      },
    },
    track: (hubUrl: string, close: () => void) => {
      calls.track.push(hubUrl);
      state.close = close;
      return Promise.resolve(() => void calls.untrack++);
    },
    settings: { maxTextBytes: 1000, maxOutputs: 100, sharedNotebookFolder: SHARED_FOLDER, ackNudge: true },
    reattach,
    consent: new RunConsent(memento),
    logger: log.logger,
    loadKernels: () => Promise.resolve(kernels as unknown as typeof Kernels),
  };
  const record = (notebook: vscode.NotebookDocument): ReattachRecord | undefined =>
    reattach.get(notebook.uri);
  return { deps, calls, state, client, memento, reattach, record, log, accountOf, transports, user };
}

/** A NotebookKernel over `kernelDeps`, with the real OutputWriter flushing every 5 ms. */
export function makeKernel(
  notebook: vscode.NotebookDocument,
  target: Partial<KernelTarget> = {},
  setup: ReturnType<typeof kernelDeps> = kernelDeps(),
) {
  const full: KernelTarget = { hubUrl: HUB, user: setup.user, kernelName: '', ...target };
  const kernel = new NotebookKernel(
    notebook,
    full,
    setup.deps,
    (outputs) => new OutputWriter(outputs, setup.deps.logger, 5),
  );
  const states: string[] = [];
  kernel.onDidChangeState((s) => states.push(s));
  return { kernel, states, executions: new ExecutionLog(), ...setup };
}
