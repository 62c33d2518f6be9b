// HubKernelSession's faults over a fake kernel connection and a fake clock: a dropped websocket and its
// reconnect, reconnecting giving up, a dead kernel, a refused token, a stopped server, a culled kernel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubAuthError, ServerNotRunningError } from '../../../../src/core/hub/errors';
import { KernelDiedError, KernelDisconnectedError } from '../../../../src/core/kernels/errors';
import type { HubAnswer, HubCall } from '../../support/fakeTransport';
import { fakeSession, outcome } from '../../support/fakeKernelConnection';
import { settle } from '../../support/waits';

const kernelModel = { id: 'k1', name: 'python3' };

/** The hub's answers: the server status and the kernel model, as the test sets them. */
function hub(status: number, kernel: number) {
  const answers = { status, kernel };
  const answer = (call: HubCall): HubAnswer => {
    if (call.path === 'user/alice/api/status') return { status: answers.status, body: {} };
    if (call.path === 'user/alice/api/kernels/k1') return { status: answers.kernel, body: kernelModel };
    return { status: 404 };
  };
  return { answers, answer };
}

test('a dropped websocket shows reconnecting; a cell waits, and goes once it reopens and is proven', async () => {
  const { session, latest, states, faults } = fakeSession();
  await latest().open();
  latest().setConnection('connecting');
  assert.equal(session.state, 'reconnecting');
  const run = session.execute('1+1');
  await settle();
  assert.deepEqual(latest().executed, [], 'not sent on a websocket that is reopening');
  await latest().open();
  assert.deepEqual(latest().executed, [run.msgId]);
  assert.deepEqual(states, ['idle', 'reconnecting', 'idle']);
  assert.deepEqual(faults, []);
  session.dispose();
});

test('a reply replayed after a reconnect still reaches its cell', async () => {
  const { session, latest } = fakeSession();
  const run = session.execute('slow()');
  await latest().open();
  latest().setConnection('connecting');
  await latest().open();
  latest().finishCell(run.msgId, 'late');
  const { events, error } = await outcome(run);
  assert.equal(error, undefined);
  assert.equal(events.at(-1)?.kind, 'done');
  session.dispose();
});

test('when reconnecting gives up: the sent cell fails, the queued one did not run, later ones fail', async () => {
  const { session, latest, faults } = fakeSession();
  const sent = session.execute('slow()');
  const queued = session.execute('next()');
  await latest().open();
  latest().setConnection('disconnected');
  const failed = await outcome(sent);
  assert.ok(failed.error instanceof KernelDisconnectedError);
  assert.match(failed.error.message, /reconnect to see its outputs/);
  assert.equal((await outcome(queued)).error?.name, 'CellNotRunError');
  assert.equal(faults.length, 1);
  assert.ok(faults[0] instanceof KernelDisconnectedError);
  assert.equal(session.state, 'disconnected');
  assert.ok((await outcome(session.execute('1'))).error instanceof KernelDisconnectedError);
  session.dispose();
});

test('reconnect after giving up opens a new websocket with the same session_id, and cells run again', async () => {
  const { session, latest, connections } = fakeSession();
  await latest().open();
  latest().setConnection('disconnected');
  const reconnecting = session.reconnect();
  assert.equal(connections.length, 2);
  assert.equal(connections[0]?.isDisposed, true, 'the connection that gave up is closed');
  assert.equal(connections[1]?.options.clientId, connections[0]?.options.clientId);
  await latest().open();
  await reconnecting;
  const run = session.execute('1');
  await settle();
  assert.deepEqual(latest().executed, [run.msgId]);
  session.dispose();
});

test('a dead kernel fails the running cell with KernelDiedError, and can still be restarted', async () => {
  const { session, latest, faults } = fakeSession();
  const run = session.execute('crash()');
  await latest().open();
  latest().setStatus('dead');
  const { error } = await outcome(run);
  assert.ok(error instanceof KernelDiedError);
  assert.match(error.message, /Restart it or pick another/);
  assert.ok(faults[0] instanceof KernelDiedError);
  assert.equal(session.state, 'disconnected');
  const restarting = session.restart();
  assert.equal(latest().restarts, 1, 'the dead kernel is still reachable for a restart');
  latest().finishRestart();
  await restarting;
  session.dispose();
});

test('a refused token closes the websocket; the running cell waits, and carries on after reconnect', async () => {
  const { answer } = hub(403, 200);
  const { session, latest, faults, connections } = fakeSession({ answer });
  const run = session.execute('slow()');
  await latest().open();
  latest().options.hooks.onAuthRefused(403);
  await settle();
  assert.ok(faults[0] instanceof HubAuthError, 'the refusal was confirmed by the status call');
  assert.equal(connections[0]?.isDisposed, true, 'an open websocket survives revocation: we close it');
  assert.equal(session.state, 'disconnected');
  const reconnecting = session.reconnect();
  await latest().open();
  await reconnecting;
  latest().finishCell(run.msgId, 'carried on');
  const { events, error } = await outcome(run);
  assert.equal(error, undefined, 'the run was not failed by the refusal');
  assert.equal(events.at(-1)?.kind, 'done');
  session.dispose();
});

test('a refusal that the server does not confirm changes nothing', async () => {
  const { answer } = hub(200, 200);
  const { session, latest, faults, calls } = fakeSession({ answer });
  await latest().open();
  latest().options.hooks.onAuthRefused(403);
  await settle();
  assert.equal(calls.filter((c) => c.path === 'user/alice/api/status').length, 1, 'the server was asked');
  assert.deepEqual(faults, []);
  assert.equal(latest().isDisposed, false);
  assert.equal(session.state, 'idle');
  session.dispose();
});

test('a stopped server fails pending cells at once and says so', async () => {
  const { answer } = hub(424, 200);
  const { session, latest, faults } = fakeSession({ answer });
  const run = session.execute('slow()');
  await latest().open();
  latest().options.hooks.onServerStopped(424);
  await settle();
  const { error } = await outcome(run);
  assert.ok(error instanceof KernelDisconnectedError);
  assert.match(error.message, /^Your server stopped, so the kernel is gone\./);
  assert.ok(faults[0] instanceof ServerNotRunningError, 'the fault is the hub error itself');
  assert.equal(latest().isDisposed, true);
  await assert.rejects(session.whenConnected(), KernelDisconnectedError);
  session.dispose();
});

test('the health check notices a culled kernel on its next tick, and not before', async () => {
  const { answers, answer } = hub(200, 200);
  const { session, latest, faults, calls, timers } = fakeSession({ answer, healthCheckMs: 30_000 });
  const run = session.execute('slow()');
  await latest().open();
  const kernelCalls = () => calls.filter((c) => c.path === 'user/alice/api/kernels/k1').length;
  timers.tick(29_999);
  await settle();
  assert.equal(kernelCalls(), 0);
  timers.tick(1);
  await settle();
  assert.equal(kernelCalls(), 1);
  assert.equal(faults.length, 0, 'the kernel is there');
  answers.kernel = 404;
  timers.tick(30_000);
  await settle();
  assert.equal(kernelCalls(), 2, 'the check repeats');
  const { error } = await outcome(run);
  assert.ok(error instanceof KernelDiedError);
  assert.match(error.message, /culled after being idle/);
  assert.ok(faults[0] instanceof KernelDiedError);
  timers.tick(60_000);
  await settle();
  assert.equal(kernelCalls(), 2, 'no checks once the connection is closed');
  session.dispose();
});

test('a health check that cannot reach the hub is only logged; the next one asks again', async () => {
  let reachable = false;
  const answer = (call: HubCall): HubAnswer =>
    !reachable
      ? new Error('ECONNRESET')
      : call.path.endsWith('/k1')
        ? { status: 200, body: kernelModel }
        : { status: 404 };
  const { session, latest, faults, timers } = fakeSession({ answer, healthCheckMs: 1000 });
  await latest().open();
  timers.tick(1000);
  await settle();
  assert.deepEqual(faults, []);
  assert.equal(session.state, 'idle');
  reachable = true;
  timers.tick(1000);
  await settle();
  assert.deepEqual(faults, []);
  session.dispose();
});

test('connected() rejects with the fault that stops the connection, and with the abort reason', async () => {
  const first = fakeSession();
  const waiting = first.session.connected();
  first.latest().setStatus('dead');
  await assert.rejects(waiting, KernelDiedError);
  first.session.dispose();

  const second = fakeSession();
  const controller = new AbortController();
  const cancelled = second.session.connected(controller.signal);
  controller.abort(new Error('stop waiting'));
  await assert.rejects(cancelled, /stop waiting/);
  second.session.dispose();
});
