// The ACK nudge (src/core/kernels/authSocket.ts) through the real proxy and server: with it on, the socket
// sends unsolicited pongs while a cell runs. The server and the proxy must take them as RFC 6455 says (no
// answer, no close), and what a cell prints must be the same, message for message, as with the nudge off.
// Its effect on latency is a figure, not a test: `npm run bench` prints P1 with the nudge on and off.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createKernelClient, type KernelSession } from '../../src/core/kernels';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import {
  AliceToken,
  HANG_GUARD,
  aliceKernels,
  alicePath,
  runToEnd,
  streamText,
  type AliceKernels,
} from './support/kernels';

let hub: HubHandle;
let token: AliceToken;
let alice: AliceKernels;
const opened: KernelSession[] = [];

before(async () => {
  hub = await useHub();
  token = new AliceToken(hub);
  await token.swap();
  alice = aliceKernels(hub, token, `ack-nudge-trace-${process.pid}`);
  await alice.hubClient.startServer('alice');
});

after(async () => {
  for (const session of opened) await session.shutdown().catch(() => session.dispose());
  await adminClient(hub)
    .stopServer('alice')
    .catch(() => undefined);
  await token.dispose();
});

async function open(ackNudge: boolean): Promise<KernelSession> {
  const client = createKernelClient({
    transport: alice.transport,
    user: 'alice',
    getToken: token.getToken,
    healthCheckMs: 0,
    ackNudge,
  });
  const path = alicePath({ area: 'me', path: `ack-nudge-${process.pid}-${String(ackNudge)}.ipynb` });
  const { session } = await client.openSession({ path, kernelName: 'python3', fresh: true });
  opened.push(session);
  return session;
}

/** 300 small flushed writes: each is its own iopub message, so the nudge answers many turns. */
const CHATTY = "for i in range(300):\n    print(f'line {i}', flush=True)";

test(
  'with the ACK nudge on and off, cells give the same outputs and the socket stays open',
  HANG_GUARD,
  async () => {
    const on = await open(true);
    const off = await open(false);
    const states: string[] = [];
    on.onState((state) => states.push(state));
    const expected = Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join('');
    for (let round = 0; round < 3; round++) {
      for (const session of [on, off]) {
        const result = await runToEnd(session.execute(CHATTY));
        assert.equal(result.done.status, 'ok');
        assert.equal(streamText(result.outputs, 'stdout'), expected);
      }
      for (let i = 0; i < 20; i++) {
        const result = await runToEnd(on.execute(`${i} + 1`));
        assert.equal(result.done.status, 'ok');
      }
    }
    const lost = states.filter((s) => s === 'reconnecting' || s === 'disconnected' || s === 'dead');
    assert.deepEqual(lost, [], 'the nudged socket was dropped');
  },
);
