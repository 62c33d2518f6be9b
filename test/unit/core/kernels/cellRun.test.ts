// A cell run's bookkeeping without a kernel: when a run is done (reply and idle, in either order; idle alone
// for an adopted run; the reply alone after a silent grace period, for floods that lose `idle`), that cells
// queued behind a restart never go out, and that the event queue hands events over in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CellRun, IDLE_GRACE_MS, SequentialTurns } from '../../../../src/core/kernels/cellRun';
import { CellNotRunError, KernelRestartedError } from '../../../../src/core/kernels/errors';
import { EventQueue } from '../../../../src/core/kernels/eventQueue';
import type { ExecutionEvent } from '../../../../src/core/kernels/types';
import { FakeTimers } from '../../support/fakeTimers';
import { settle } from '../../support/waits';

const run = (adopted = false) => new CellRun('m1', { adopted, onInput: undefined });

async function drain(r: CellRun): Promise<ExecutionEvent[]> {
  const events: ExecutionEvent[] = [];
  for await (const e of r.execution()) events.push(e);
  return events;
}

test('a run is done only when both the reply and idle arrived, in either order', async () => {
  for (const order of [
    ['reply', 'idle'],
    ['idle', 'reply'],
  ] as const) {
    const r = run();
    r.started(3);
    r.output({ type: 'stream', name: 'stdout', text: 'x\n' });
    r[order[0] === 'reply' ? 'replied' : 'idle']('ok', 3);
    assert.equal(r.isFinished, false, `not done after ${order[0]} alone`);
    if (order[1] === 'reply') r.replied('error', 3);
    else r.idle();
    const events = await drain(r);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['started', 'output', 'done'],
    );
    const done = events.at(-1);
    assert.equal(done?.kind === 'done' && done.status, order[1] === 'reply' ? 'error' : 'ok');
    assert.equal(done?.kind === 'done' && done.executionCount, 3);
  }
});

test('an adopted run (a window reload) ends on idle, since its reply went to the old window', async () => {
  const r = run(true);
  r.output({ type: 'stream', name: 'stdout', text: 'late\n' });
  r.idle();
  const events = await drain(r);
  assert.equal(events.at(-1)?.kind, 'done');
  assert.equal(r.sent, true);
});

test('a reply whose idle never comes ends the run after the grace period, outputs resetting it', async () => {
  const timers = new FakeTimers();
  const r = new CellRun('m', { adopted: false, onInput: undefined, idleGraceMs: 60, timers });
  r.replied('ok', 1);
  timers.tick(40);
  r.output({ type: 'stream', name: 'stdout', text: 'straggler\n' });
  timers.tick(40);
  assert.equal(r.isFinished, false, 'an output 40 ms in restarts the 60 ms wait');
  timers.tick(20);
  assert.equal(r.isFinished, true, '60 ms after the last output, the run ends');
  assert.deepEqual(
    (await drain(r)).map((e) => e.kind),
    ['output', 'done'],
  );
});

test('the grace period is 5 s unless the run is given another', () => {
  const timers = new FakeTimers();
  const r = new CellRun('m', { adopted: false, onInput: undefined, timers });
  r.replied('ok', 1);
  timers.tick(IDLE_GRACE_MS - 1);
  assert.equal(r.isFinished, false);
  timers.tick(1);
  assert.equal(r.isFinished, true);
});

test('fail ends the iteration with the error after what was queued; notRun says the cell never ran', async () => {
  const r = run();
  r.output({ type: 'stream', name: 'stdout', text: 'before\n' });
  r.fail(new KernelRestartedError('restarted'));
  const seen: ExecutionEvent[] = [];
  await assert.rejects(async () => {
    for await (const e of r.execution()) seen.push(e);
  }, KernelRestartedError);
  assert.equal(seen.length, 1);
  const queued = run();
  queued.notRun();
  await assert.rejects(drain(queued), CellNotRunError);
  assert.equal(queued.sent, false);
});

test('SequentialTurns starts a run only after the previous one finished, and reports the generation', async () => {
  const turns = new SequentialTurns();
  const order: string[] = [];
  const first = new CellRun('a', { adopted: false, onInput: undefined });
  const second = new CellRun('b', { adopted: false, onInput: undefined });
  turns.enqueue(first, () => void order.push('start a'));
  turns.enqueue(second, () => void order.push(`start b (generation ${turns.generation})`));
  await settle();
  assert.deepEqual(order, ['start a'], 'b waits while a runs');
  turns.bump();
  first.replied('ok', 1);
  first.idle();
  await settle();
  assert.deepEqual(order, ['start a', 'start b (generation 1)']);
  second.finish('ok');
  await second.finished;
});

test('EventQueue: items pushed before and after the consumer waits arrive in order, then the end', async () => {
  const q = new EventQueue<number>();
  q.push(1);
  const it = q[Symbol.asyncIterator]();
  assert.deepEqual(await it.next(), { value: 1, done: false });
  const pending = it.next();
  q.push(2);
  assert.deepEqual(await pending, { value: 2, done: false });
  for (let i = 3; i < 3000; i++) q.push(i);
  q.end();
  const rest: number[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
  assert.equal(rest.length, 2997);
  assert.equal(rest[0], 3);
  assert.equal(rest.at(-1), 2999);
});
