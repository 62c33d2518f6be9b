// connectionHealth: what the server's answers mean for a kernel connection, and the HealthWatch that asks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HubAuthError, ServerNotRunningError } from '../../../../src/core/hub/errors';
import {
  HealthWatch,
  kernelHealth,
  refusalCause,
  type HealthVerdict,
} from '../../../../src/core/kernels/connectionHealth';
import { KernelDiedError } from '../../../../src/core/kernels/errors';
import { silentLogger } from '../../../../src/core/logger';
import { FakeTimers } from '../../support/fakeTimers';
import { fakeTransport } from '../../support/fakeTransport';
import { settle } from '../../support/waits';

const serverAnswering = (status: number) => ({
  transport: fakeTransport({ baseUrl: 'https://hub.test/' }, () => ({
    status,
    body: { id: 'k1', name: 'python3' },
  })),
  user: 'alice',
});

test('refusalCause: a fine status call means the refusal was something else', async () => {
  assert.equal(await refusalCause(serverAnswering(200)), undefined);
});

test('refusalCause: 403 is the token, 424 a stopped server, anything else is thrown', async () => {
  const auth = await refusalCause(serverAnswering(403));
  assert.equal(auth?.fault, 'auth');
  assert.ok(auth?.error instanceof HubAuthError);
  const stopped = await refusalCause(serverAnswering(424));
  assert.equal(stopped?.fault, 'stopped');
  assert.ok(stopped?.error instanceof ServerNotRunningError);
  await assert.rejects(refusalCause(serverAnswering(500)), /could not/);
});

test('kernelHealth: a kernel that is there is fine; a 404 means it is gone; a 403 is the token', async () => {
  assert.equal(await kernelHealth(serverAnswering(200), 'k1'), undefined);
  const gone = await kernelHealth(serverAnswering(404), 'k1');
  assert.equal(gone?.fault, 'gone');
  assert.ok(gone?.error instanceof KernelDiedError);
  assert.equal((await kernelHealth(serverAnswering(403), 'k1'))?.fault, 'auth');
});

function watch(options: {
  everyMs: number;
  wanted?: () => boolean;
  periodic?: () => Promise<HealthVerdict>;
}) {
  const timers = new FakeTimers();
  const verdicts: NonNullable<HealthVerdict>[] = [];
  let asked = 0;
  const health = new HealthWatch({
    everyMs: options.everyMs,
    periodic:
      options.periodic ??
      (() => {
        asked++;
        return Promise.resolve(undefined);
      }),
    wanted: options.wanted ?? (() => true),
    onVerdict: (verdict) => verdicts.push(verdict),
    timers,
    log: silentLogger,
  });
  return { health, timers, verdicts, asked: () => asked };
}

test('HealthWatch asks every everyMs, and stops asking once disposed', async () => {
  const { health, timers, asked } = watch({ everyMs: 100 });
  timers.tick(99);
  await settle();
  assert.equal(asked(), 0);
  timers.tick(1);
  await settle();
  timers.tick(100);
  await settle();
  assert.equal(asked(), 2);
  health.dispose();
  timers.tick(1000);
  await settle();
  assert.equal(asked(), 2);
});

test('HealthWatch with everyMs 0 never asks on its own', async () => {
  const { timers, asked } = watch({ everyMs: 0 });
  timers.tick(1_000_000);
  await settle();
  assert.equal(asked(), 0);
});

test('HealthWatch asks one question at a time, and drops a verdict nobody wants any more', async () => {
  let wanted = true;
  let answer: (verdict: HealthVerdict) => void = () => undefined;
  const { health, verdicts } = watch({ everyMs: 0, wanted: () => wanted });
  let asks = 0;
  const ask = () => {
    asks++;
    return new Promise<HealthVerdict>((resolve) => (answer = resolve));
  };
  const first = health.check(ask);
  await health.check(ask);
  assert.equal(asks, 1, 'a second check while one is in flight is skipped');
  wanted = false;
  answer({ fault: 'auth', error: new HubAuthError('refused') });
  await first;
  assert.equal(verdicts.length, 0, 'the session no longer had a connection');
  await health.check(ask);
  assert.equal(asks, 1, 'not asked at all while not wanted');
  wanted = true;
  const third = health.check(ask);
  answer({ fault: 'gone', error: new KernelDiedError('gone') });
  await third;
  assert.equal(verdicts[0]?.fault, 'gone');
});

test('HealthWatch logs a check that fails to get an answer, and goes on asking', async () => {
  let calls = 0;
  const { timers, verdicts } = watch({
    everyMs: 10,
    periodic: () => {
      calls++;
      return Promise.reject(new Error('ECONNRESET'));
    },
  });
  timers.tick(10);
  await settle();
  timers.tick(10);
  await settle();
  assert.equal(calls, 2);
  assert.deepEqual(verdicts, []);
});
