// HubKernelSession over a fake kernel connection and a fake clock: sending, routing, restart, dispose, adopt.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionDisposedError } from '../../../../src/core/kernels/errors';
import { fakeSession, outcome } from '../../support/fakeKernelConnection';
import { settle } from '../../support/waits';

test('a cell goes out only once the websocket is open and proven, and ends on its reply and idle', async () => {
  const { session, latest, states } = fakeSession();
  const run = session.execute('print(1)');
  await settle();
  assert.deepEqual(latest().executed, [], 'nothing is sent before the websocket opens');
  assert.equal(session.state, 'starting');
  latest().status = 'idle';
  latest().setConnection('connected');
  await settle();
  assert.deepEqual(latest().executed, [], 'nor before an iopub message proves the subscription');
  latest().receive('iopub', 'status', { execution_state: 'idle' }, 'probe');
  await settle();
  assert.deepEqual(latest().executed, [run.msgId]);
  latest().finishCell(run.msgId, '1\n', 7);
  const { events, error } = await outcome(run);
  assert.equal(error, undefined);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['started', 'output', 'done'],
  );
  assert.deepEqual(events[1], { kind: 'output', output: { type: 'stream', name: 'stdout', text: '1\n' } });
  assert.equal(events[2]?.kind === 'done' && events[2].executionCount, 7);
  assert.equal(states[0], 'idle', 'starting, then idle once open');
  session.dispose();
});

test('with no iopub at all, the probe asks for kernel_info after 250 ms, and its echo opens the way', async () => {
  const { session, latest, timers } = fakeSession();
  const run = session.execute('1+1');
  latest().status = 'idle';
  latest().setConnection('connected');
  await settle();
  assert.equal(latest().sent.length, 0, 'the probe first only listens');
  timers.tick(250);
  await settle();
  const info = latest().sent.map((m) => m.header.msg_type);
  assert.deepEqual(info, ['kernel_info_request']);
  latest().receive('iopub', 'status', { execution_state: 'busy' }, latest().sent[0]?.header.msg_id ?? '');
  await settle();
  assert.deepEqual(latest().executed, [run.msgId]);
  session.dispose();
});

test('cells go one at a time: the second is sent only when the first has ended', async () => {
  const { session, latest } = fakeSession();
  const first = session.execute('a');
  const second = session.execute('b');
  await latest().open();
  assert.deepEqual(latest().executed, [first.msgId]);
  latest().finishCell(first.msgId, 'a');
  await settle();
  assert.deepEqual(latest().executed, [first.msgId, second.msgId]);
  latest().finishCell(second.msgId, 'b', 2);
  assert.equal((await outcome(second)).error, undefined);
  session.dispose();
});

test('an input request is answered through the run, and the reply carries its header', async () => {
  const { session, latest } = fakeSession();
  const run = session.execute('input()', { onInput: (request) => Promise.resolve(`seen ${request.prompt}`) });
  await latest().open();
  latest().receive('stdin', 'input_request', { prompt: 'name?', password: false }, run.msgId);
  await settle();
  assert.equal(latest().inputReplies[0]?.value, 'seen name?');
  session.dispose();
});

test('restart asks the kernel connection and resolves when it has restarted', async () => {
  const { session, latest } = fakeSession();
  const restarting = session.restart();
  assert.equal(latest().restarts, 1);
  latest().finishRestart();
  await restarting;
  session.dispose();
});

test('restart with an aborted signal does nothing; aborted while waiting, it rejects at once', async () => {
  const { session, latest } = fakeSession();
  const before = new AbortController();
  before.abort();
  await assert.rejects(session.restart(before.signal), { name: 'AbortError' });
  assert.equal(latest().restarts, 0, 'nothing was asked of the kernel');
  const during = new AbortController();
  const restarting = session.restart(during.signal);
  assert.equal(latest().restarts, 1);
  during.abort();
  await assert.rejects(restarting, { name: 'AbortError' });
  session.dispose();
});

test('a restart ends the sent cell with KernelRestartedError and the queued one as not run', async () => {
  const { session, latest } = fakeSession();
  const sent = session.execute('slow()');
  const queued = session.execute('next()');
  await latest().open();
  latest().setStatus('restarting');
  assert.equal((await outcome(sent)).error?.name, 'KernelRestartedError');
  assert.equal((await outcome(queued)).error?.name, 'CellNotRunError');
  session.dispose();
});

test('dispose during a run fails it, closes the websocket, and refuses what comes after', async () => {
  const { session, latest, states } = fakeSession();
  const run = session.execute('while True: pass');
  await latest().open();
  assert.deepEqual(latest().executed, [run.msgId]);
  session.dispose();
  const { error } = await outcome(run);
  assert.ok(error instanceof SessionDisposedError);
  assert.match(error.message, /may still run/);
  assert.equal(latest().isDisposed, true);
  assert.equal(session.state, 'disconnected');
  assert.equal(states.at(-1), 'disconnected');
  await assert.rejects(session.whenConnected(), SessionDisposedError);
  await assert.rejects(session.reconnect(), SessionDisposedError);
  const later = await outcome(session.execute('1'));
  assert.ok(later.error instanceof SessionDisposedError);
});

test('an adopted run (a window reload) gets what the server replays for it, and ends on idle', async () => {
  const { session, latest } = fakeSession({ adopt: ['earlier'] });
  const run = session.adopt('earlier');
  latest().status = 'busy';
  latest().setConnection('connected');
  latest().receive('iopub', 'stream', { name: 'stdout', text: 'replayed' }, 'earlier');
  latest().receive('iopub', 'status', { execution_state: 'idle' }, 'earlier');
  const { events, error } = await outcome(run);
  assert.equal(error, undefined);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['output', 'done'],
  );
  session.dispose();
});

test('an adopted run that already ended before the reload is done once the kernel answers kernel_info', async () => {
  const { session, latest } = fakeSession();
  const run = session.adopt('long-gone');
  await latest().open();
  const { events } = await outcome(run);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['done'],
  );
  session.dispose();
});
