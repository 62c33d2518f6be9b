// IopubProbe on a fake connection and a fake clock: it listens first, then asks with kernel_info_requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KernelConnection } from '@jupyterlab/services';
import { IopubProbe } from '../../../../src/core/kernels/iopubProbe';
import { FakeTimers } from '../../support/fakeTimers';
import { settle } from '../../support/waits';

function connection() {
  const sent: string[] = [];
  const fake = {
    isDisposed: false,
    connectionStatus: 'connected',
    sendShellMessage(msg: { header: { msg_type: string } }) {
      sent.push(msg.header.msg_type);
      return { done: new Promise(() => undefined) };
    },
  };
  return { fake, kernel: fake as unknown as KernelConnection, sent };
}

test('any iopub message while listening proves the websocket, with nothing sent', async () => {
  const probe = new IopubProbe(new FakeTimers());
  const { kernel, sent } = connection();
  const result = probe.run(kernel, 's', 'alice');
  await settle();
  probe.notice();
  assert.equal(await result, true);
  assert.deepEqual(sent, []);
});

test('with no iopub, it asks after each wait and gives up after its attempts', async () => {
  const timers = new FakeTimers();
  const probe = new IopubProbe(timers);
  const { kernel, sent } = connection();
  let done: boolean | undefined;
  void probe.run(kernel, 's', 'alice', 3, 100).then((echoed) => (done = echoed));
  for (let i = 0; i < 4; i++) {
    await settle();
    timers.tick(100);
  }
  await settle();
  assert.equal(done, false);
  assert.deepEqual(sent, ['kernel_info_request', 'kernel_info_request', 'kernel_info_request']);
});

test('it stops at once when the websocket is no longer connected', async () => {
  const timers = new FakeTimers();
  const probe = new IopubProbe(timers);
  const { fake, kernel, sent } = connection();
  const result = probe.run(kernel, 's', 'alice');
  fake.connectionStatus = 'connecting';
  await settle();
  timers.tick(250);
  assert.equal(await result, false);
  assert.deepEqual(sent, []);
});
