// NotebookKernel over a scripted kernel session: cells run one at a time with their outputs shown through the
// real OutputWriter, a failed cell stops the rest, stdin goes through an input box, cancellation reaches the
// session, one session serves many runs and is found again by its path, and faults become messages.
import {
  describeOutput,
  fake,
  HUB,
  makeKernel,
  notebookOf,
  until,
  uriOf,
  type FakeExecution,
} from '../../support/kernelFixture';

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { HubAuthError, HubUnavailableError, ServerNotRunningError } from '../../../../src/core/hub';
import { KernelDiedError, KernelRestartedError } from '../../../../src/core/kernels/errors';
import { CancellationError } from '../../../support/fakeVscode';

const STDOUT = 'application/vnd.code.notebook.stdout';
const ERROR = 'application/vnd.code.notebook.error';
const text = (data: Uint8Array) => new TextDecoder().decode(data);

beforeEach(() => fake.reset());

/** A notebook of the user's own on the fake hub, and a kernel for it. */
function setup(sources: string[], path = '/me/analysis.ipynb', kernelName = '') {
  const { notebook, cells } = notebookOf(uriOf('hubnb', 'hub.test', path), sources);
  const k = makeKernel(notebook, { kernelName });
  const run = (which = cells) => k.kernel.executeCells(which, k.executions.controller);
  /** The n-th run (from 0) sent to the n-th session, once the kernel has sent it. */
  const runOf = async (n: number, session = 0) => {
    await until(() => k.client.sessions[session]?.runs[n] !== undefined);
    return k.client.sessions[session]!.runs[n]!;
  };
  const execution = (i: number): FakeExecution => k.executions.executions[i]!;
  return { ...k, notebook, cells, run, runOf, execution };
}

test('cells run in order: start, outputs through the batched writer, execution order, end at the done time', async () => {
  const k = setup(['print("hi"); 6*7', '1+1']);
  const running = k.run();
  const first = await k.runOf(0);
  assert.equal(first.code, 'print("hi"); 6*7');
  first.started(1);
  first.output({ type: 'stream', name: 'stdout', text: 'hi\n' });
  // The writer's timer shows the stream while the cell still runs.
  await until(() => k.executions.lines.length === 4);
  assert.deepEqual(k.executions.lines, ['0 start', '0 clear', '0 order 1', `0 append ${STDOUT}="hi\\n"`]);
  assert.equal(k.client.sessions[0]!.runs.length, 1, 'the second cell waits for the first to finish');
  assert.equal(k.execution(1).startedAt, undefined);

  first.output({ type: 'stream', name: 'stdout', text: 'there\n' });
  first.output({ type: 'execute_result', data: { 'text/plain': '42' }, metadata: {}, executionCount: 1 });
  first.done('ok', 1, 1111);
  const second = await k.runOf(1);
  assert.equal(second.code, '1+1');
  second.started(2);
  second.output({ type: 'execute_result', data: { 'text/plain': '2' }, metadata: {}, executionCount: 2 });
  second.done('ok', 2, 2222);
  await running;

  assert.deepEqual(k.executions.lines, [
    '0 start',
    '0 clear',
    '0 order 1',
    `0 append ${STDOUT}="hi\\n"`,
    '0 order 1',
    `0 replaceItems #0 ${STDOUT}="hi\\nthere\\n"`,
    '0 append text/plain="42"',
    '0 end true',
    '1 start',
    '1 clear',
    '1 order 2',
    '1 order 2',
    '1 append text/plain="2"',
    '1 end true',
  ]);
  assert.equal(k.execution(0).endedAt, 1111);
  assert.equal(k.execution(1).endedAt, 2222);
  assert.equal(typeof k.execution(0).startedAt, 'number');
  assert.deepEqual(
    k.execution(0).outputs.map((o) => o.metadata),
    [{ outputType: 'stream' }, { outputType: 'execute_result', executionCount: 1, metadata: {} }],
  );
});

test('a cell whose run ends in error ends false; the cells after it end without running', async () => {
  const k = setup(['1/0', 'a = 1', 'a']);
  const running = k.run();
  const first = await k.runOf(0);
  first.started(3);
  first.output({ type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['tb'] });
  first.done('error', 3, 3333);
  await running;
  assert.deepEqual(
    k.executions.lines.filter((l) => !l.includes('append')),
    ['0 start', '0 clear', '0 order 3', '0 order 3', '0 end false', '1 end undefined', '2 end undefined'],
  );
  assert.equal(k.client.sessions[0]!.runs.length, 1, 'only the failed cell was sent');
  const [output] = k.execution(0).outputs;
  assert.equal(output?.items[0]?.mime, ERROR);
  assert.deepEqual(JSON.parse(text(output.items[0].data)), {
    name: 'ZeroDivisionError',
    message: 'division by zero',
    stack: 'tb',
  });
  assert.equal(output.metadata?.['outputType'], 'error');
});

test('a run the kernel never finished (KernelRestartedError) shows an error output and ends false', async () => {
  const k = setup(['while True: pass', 'next']);
  const running = k.run();
  const first = await k.runOf(0);
  first.started(4);
  first.output({ type: 'stream', name: 'stdout', text: 'tick\n' });
  first.fail(new KernelRestartedError('The kernel restarted while this cell ran. Run it again.'));
  await running;
  assert.deepEqual(k.executions.lines.slice(-2), ['0 end false', '1 end undefined']);
  assert.equal(typeof k.execution(0).endedAt, 'number');
  const shown = k.execution(0).outputs;
  assert.deepEqual(
    shown.map((o) => o.items[0]?.mime),
    [STDOUT, ERROR],
    'the stream, then the notice of why the cell stopped',
  );
  assert.deepEqual(JSON.parse(text(shown[1]!.items[0]!.data)), {
    name: 'KernelRestartedError',
    message: 'The kernel restarted while this cell ran. Run it again.',
    stack: '',
  });
});

test('stdin requests are answered through an input box; a dismissed box rejects', async () => {
  const k = setup(['input()']);
  const running = k.run();
  const first = await k.runOf(0);
  const onInput = first.options.onInput;
  assert.ok(onInput, 'the run allows stdin');
  const signal = new AbortController().signal;
  fake.answer.inputBox = () => 'Ada';
  assert.equal(await onInput({ prompt: 'Name? ', password: false }, signal), 'Ada');
  fake.answer.inputBox = () => undefined;
  await assert.rejects(onInput({ prompt: '', password: true }, signal), CancellationError);
  const box = { title: 'The kernel asks for input', ignoreFocusOut: true };
  assert.deepEqual(fake.inputBoxes, [
    { ...box, prompt: 'Name? ', password: false },
    { ...box, prompt: 'The running cell called input().', password: true },
  ]);
  first.done('ok', 1, 1);
  await running;
});

test('cancelling a running cell aborts the signal its run got', async () => {
  const k = setup(['import time; time.sleep(60)']);
  const running = k.run();
  const first = await k.runOf(0);
  const signal = first.options.signal;
  assert.equal(signal?.aborted, false);
  k.execution(0).source.cancel();
  assert.equal(signal.aborted, true);
  first.done('error', 1, 1);
  await running;
  assert.deepEqual(k.executions.lines.slice(-1), ['0 end false']);
});

test('a queued cell whose token is cancelled ends without running; the next one runs', async () => {
  const k = setup(['a', 'b', 'c']);
  const running = k.run();
  const first = await k.runOf(0);
  k.execution(1).source.cancel();
  first.done('ok', 1, 1);
  const third = await k.runOf(1);
  assert.equal(third.code, 'c');
  third.done('ok', 2, 2);
  await running;
  assert.deepEqual(
    k.executions.lines.filter((l) => l.includes('end')),
    ['0 end true', '1 end undefined', '2 end true'],
  );
});

test('one session serves several runs; its path is the team notebook under the shared folder of the home', async () => {
  const k = setup(['a', 'b'], '/team/bob/analysis.ipynb');
  fake.answer.message = (m) => (m.items.includes('Run') ? 'Run' : undefined); // runConsent.test.ts asks
  const path = 'alice/shared/.hub-notebooks/team/bob/analysis.ipynb';
  const running = k.run([k.cells[1]!]);
  const first = await k.runOf(0);
  const opened = { hubUrl: HUB, kernelId: 'kernel-1', clientId: 'client-1', path };
  assert.deepEqual(k.record(k.notebook), { ...opened, running: { msgId: 'msg-1', cellIndex: 1 } });
  first.done('ok', 1, 1);
  await running;
  const after = k.record(k.notebook);
  assert.equal(after?.running, undefined, 'the running cell is cleared when it ends');
  assert.deepEqual({ ...after, running: undefined }, { ...opened, running: undefined });

  const again = k.run([k.cells[0]!]);
  (await k.runOf(1)).done('ok', 2, 2);
  await again;
  assert.equal(k.client.sessions.length, 1);
  assert.deepEqual(k.calls.withServer, [HUB]);
  assert.match(k.calls.serverActions[0] ?? '', /^run the cells of \S+\.ipynb \(its kernel runs there\)$/);
  assert.deepEqual(k.calls.run, [HUB]);
  assert.deepEqual(k.calls.track, [HUB]);
  assert.deepEqual(k.calls.paths, [
    {
      location: { area: 'team', user: 'bob', path: 'analysis.ipynb' },
      options: { home: 'alice', sharedFolder: 'shared' },
    },
  ]);
  assert.equal(k.calls.clientOptions[0]?.user, 'alice');
  assert.equal(k.calls.clientOptions[0]?.transport, k.transports.get(HUB)?.transport);
  assert.equal(k.client.specCalls, 1, 'the default controller learns the default kernel name');
  assert.equal(k.client.opens.length, 1);
  const { signal, ...open } = k.client.opens[0]!;
  assert.ok(signal instanceof AbortSignal);
  assert.deepEqual(open, { path, kernelName: 'python3', clientId: undefined, adopt: undefined });
});

test('runs that start while the session opens share one opening', async () => {
  const k = setup(['a', 'b']);
  let release = () => undefined as void;
  k.client.gate = new Promise<void>((resolve) => (release = resolve));
  const one = k.run([k.cells[0]!]);
  const two = k.run([k.cells[1]!]);
  await until(() => k.client.opens.length === 1);
  release();
  (await k.runOf(0)).done('ok', 1, 1);
  (await k.runOf(1)).done('ok', 2, 2);
  await Promise.all([one, two]);
  assert.equal(k.client.opens.length, 1);
  assert.equal(k.client.sessions.length, 1);
});

test('own and local notebooks get their own session paths', async () => {
  for (const [uri, path] of [
    [uriOf('hubnb', 'hub.test', '/me/sub/x.ipynb'), 'alice/sub/x.ipynb'],
    [uriOf('file', '', '/home/me/local.ipynb'), 'alice/shared/.hub-notebooks/local/local.ipynb'],
  ] as const) {
    const { notebook, cells } = notebookOf(uri, ['x']);
    const k = makeKernel(notebook);
    const running = k.kernel.executeCells(cells, k.executions.controller);
    await until(() => k.client.sessions[0]?.runs[0] !== undefined);
    k.client.sessions[0]!.runs[0]!.done('ok', 1, 1);
    await running;
    assert.equal(k.client.opens[0]?.path, path);
    k.kernel.dispose();
  }
});

test('a session found again with another kernel is shut down and a fresh one opened', async () => {
  const k = setup(['x'], '/me/x.ipynb', 'python3');
  const path = 'alice/x.ipynb';
  await k.reattach.set(k.notebook.uri, { hubUrl: HUB, kernelId: 'k-old', clientId: 'client-old', path });
  const old = k.client.newSession(path, 'ir');
  k.client.scripted.push({ session: old, reattached: true });
  const running = k.run();
  (await k.runOf(0, 1)).done('ok', 1, 1);
  await running;
  assert.deepEqual(
    k.client.opens.map(({ signal: _signal, ...o }) => o),
    [
      { path, kernelName: 'python3', clientId: 'client-old', adopt: undefined },
      { path, kernelName: 'python3', fresh: true },
    ],
  );
  assert.deepEqual(old.calls, ['shutdown']);
  assert.equal(old.runs.length, 0);
  assert.equal(k.client.specCalls, 0, 'a named kernel needs no spec list');
  assert.equal(k.record(k.notebook)?.clientId, 'client-2');
});

/** Opens the session with one finished run and returns it. */
async function opened(k: ReturnType<typeof setup>) {
  const running = k.run();
  (await k.runOf(0)).done('ok', 1, 1);
  await running;
  return k.client.sessions[0]!;
}

test('state changes reach onDidChangeState; a refused token re-authenticates and reconnects', async () => {
  const k = setup(['x']);
  const session = await opened(k);
  session.setState('busy');
  assert.equal(k.kernel.state, 'busy');
  assert.deepEqual(k.states, ['none', 'idle', 'busy']);

  const runs = k.calls.run.length;
  session.fault(new HubAuthError('The hub refused the request (403).'));
  await until(() => session.calls.includes('reconnect'));
  assert.deepEqual(
    k.calls.run.slice(runs),
    [HUB],
    'the reconnect went through the account run (sign in again)',
  );
  assert.equal(session.disposed, false, 'the session is kept for the reconnect');

  k.state.reauthError = new Error('You are signed out.');
  session.fault(new HubAuthError('The hub refused the request (403).'));
  await until(() => fake.messages.length === 1);
  assert.deepEqual(fake.messages[0], {
    kind: 'error',
    message:
      'Disconnected from your kernel on hub.test: You are signed out. Sign in again, then run the cell again.',
    items: [],
    modal: false,
  });
  assert.equal(session.disposed, true);
  assert.equal(k.states.at(-1), 'none');
});

test('a stopped server drops the session, offers Start Server, and the next run opens a new one', async () => {
  const k = setup(['x']);
  const session = await opened(k);
  fake.answer.message = (m) => m.items[0];
  session.fault(new ServerNotRunningError('Your server on the hub is not running (424).'));
  assert.equal(session.disposed, true);
  assert.equal(k.calls.untrack, 1);
  assert.equal(k.kernel.state, 'none');
  await until(() => k.calls.startServer.length === 1);
  assert.deepEqual(k.calls.startServer, [HUB]);
  assert.deepEqual(fake.messages, [
    {
      kind: 'warning',
      message:
        'Your server on hub.test stopped, and its kernels with it. Your server on the hub is not running (424).',
      items: ['Start Server'],
      modal: false,
    },
  ]);
  session.fault(new KernelDiedError('late'));
  assert.equal(fake.messages.length, 1, 'a dropped session’s faults are ignored');

  const again = k.run();
  (await k.runOf(0, 1)).done('ok', 2, 2);
  await again;
  assert.equal(k.client.opens.length, 2);
});

test('another fault shows its message with Show Log', async () => {
  const k = setup(['x']);
  const session = await opened(k);
  fake.answer.message = (m) => m.items[0];
  session.fault(new KernelDiedError('The kernel died and could not be restarted.'));
  assert.equal(session.disposed, true);
  await until(() => fake.executedCommands.some((c) => c.id === 'hubNotebooks.showLog'));
  assert.deepEqual(
    fake.messages.map((m) => [m.kind, m.message, m.items]),
    [['error', 'The kernel died and could not be restarted.', ['Show Log']]],
  );
});

test('signing out (the tracked close) and disposing drop the session', async () => {
  const k = setup(['x']);
  const session = await opened(k);
  k.state.close?.();
  assert.equal(session.disposed, true);
  assert.equal(k.calls.untrack, 1);
  const again = k.run();
  (await k.runOf(0, 1)).done('ok', 2, 2);
  await again;
  k.kernel.dispose();
  assert.equal(k.client.sessions[1]!.disposed, true);
  assert.equal(k.calls.untrack, 2);
});

test('when opening fails every cell ends unrun and the error is shown once; a cancelled open shows nothing', async () => {
  const k = setup(['a', 'b']);
  k.state.openError = new HubUnavailableError('The hub or your server is unavailable (503).');
  await k.run();
  assert.deepEqual(k.executions.lines, ['0 end undefined', '1 end undefined']);
  assert.deepEqual(fake.messages, [
    {
      kind: 'error',
      message: 'Could not start a kernel on hub.test: The hub or your server is unavailable (503).',
      items: [],
      modal: false,
    },
  ]);
  k.state.openError = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
  await k.run();
  assert.equal(fake.messages.length, 1);
  assert.equal(k.client.opens.length, 0);
});

test('a run started before a reload is adopted into its cell, keeping the outputs it shows', async () => {
  const k = setup(['a', 'b']);
  const path = 'alice/analysis.ipynb';
  const running = { msgId: 'msg-9', cellIndex: 1 };
  await k.reattach.set(k.notebook.uri, { hubUrl: HUB, kernelId: 'k', clientId: 'client-9', path, running });
  const adopting = k.kernel.adopt(k.executions.controller);
  await until(() => k.client.sessions[0]?.adopted[0] !== undefined);
  const run = k.client.sessions[0]!.adopted[0]!;
  assert.equal(run.msgId, 'msg-9');
  assert.equal(k.client.opens[0]?.clientId, 'client-9');
  run.output({ type: 'stream', name: 'stdout', text: 'more\n' });
  run.done('ok', 7, 7777);
  await adopting;
  assert.deepEqual(k.executions.lines, [
    '1 start',
    '1 order 7',
    `1 append ${STDOUT}="more\\n"`,
    '1 end true',
  ]);
  assert.equal(describeOutput(k.execution(0).outputs[0]!), `${STDOUT}="more\\n"`);
});
