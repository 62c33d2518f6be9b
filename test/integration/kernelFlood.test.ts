// Output floods through the kernel layer and the output model the notebook adapter feeds, on the real hub:
//   - on a stock server, jupyter_server's rate limit drops a flood and says so: that notice reaches the cell;
//   - on the 'unthrottled' server (rate limits off), 10^6 printed lines all arrive, the model keeps at most its
//     limit and counts the rest, and the event-loop lag of this (UI-facing) process is reported.
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { createKernelClient, kernelSessionPath, type KernelSession } from '../../src/core/kernels';
import { CellOutputs } from '../../src/core/kernels/cellOutputs';
import { useHub } from '../hub/fixture';
import type { HubHandle } from '../hub/harness';
import { adminClient } from './clients';
import { AliceToken, aliceKernels, type AliceKernels } from './support/kernels';

let hub: HubHandle;
let token: AliceToken;
let alice: AliceKernels;
const LIMIT = 200_000;

before(async () => {
  hub = await useHub();
  token = new AliceToken(hub);
  await token.swap();
  alice = aliceKernels(hub, token, 'kernel-flood');
});

after(async () => {
  const admin = adminClient(hub);
  for (const serverName of ['', 'unthrottled'])
    await admin.stopServer('alice', { serverName }).catch(() => undefined);
  await token.dispose();
});

async function open(serverName: string): Promise<KernelSession> {
  await alice.hubClient.startServer('alice', { serverName });
  const client = createKernelClient({
    transport: alice.transport,
    user: 'alice',
    serverName,
    getToken: token.getToken,
    healthCheckMs: 0,
  });
  const path = kernelSessionPath(
    { area: 'me', path: `flood-${serverName || 'stock'}-${process.pid}.ipynb` },
    { home: 'alice', sharedFolder: '' },
  );
  return (await client.openSession({ path, kernelName: 'python3', fresh: true })).session;
}

/** Runs `code` through the session into a model flushed every 100 ms, as the notebook adapter does. */
async function flood(session: KernelSession, code: string) {
  const model = new CellOutputs({ maxTextBytes: LIMIT });
  const flush = setInterval(() => model.takeEdits(), 100);
  let streamBytes = 0;
  let status = '';
  try {
    for await (const event of session.execute(code)) {
      if (event.kind === 'output') {
        if (event.output.type === 'stream') streamBytes += Buffer.byteLength(event.output.text, 'utf8');
        model.push('cell', event.output);
      } else if (event.kind === 'done') status = event.status;
    }
  } finally {
    clearInterval(flush);
  }
  model.takeEdits();
  return { model, streamBytes, status };
}

const textOf = (model: CellOutputs, mime: string): string =>
  model
    .outputs('cell')
    .flatMap((o) => o.items)
    .filter((i) => i.mime === mime)
    .map((i) => Buffer.from(i.data).toString('utf8'))
    .join('');

test("a flood on a stock server: the server's rate-limit notice reaches the cell", async () => {
  const session = await open('');
  try {
    const code =
      "import sys\nfor _ in range(40):\n    sys.stdout.write('x' * 1023 + '\\n')\n    sys.stdout.write(('y' * 1023 + '\\n') * 1023)\n    sys.stdout.flush()";
    const { model, status } = await flood(session, code);
    assert.equal(status, 'ok');
    const stderr = textOf(model, 'application/vnd.code.notebook.stderr');
    assert.match(stderr, /IOPub data rate exceeded/);
    assert.match(
      stderr,
      /iopub_data_rate_limit/,
      'the notice names the setting, so the user has a way forward',
    );
  } finally {
    await session.shutdown().catch(() => undefined);
  }
});

test('10^6 printed lines on an unthrottled server: all arrive, the model keeps its limit', async () => {
  const session = await open('unthrottled');
  const lag = monitorEventLoopDelay({ resolution: 10 });
  try {
    lag.enable();
    const { model, streamBytes, status } = await flood(session, 'for i in range(10**6):\n    print(i)');
    lag.disable();
    assert.equal(status, 'ok');
    const expected = Array.from({ length: 10 ** 6 }, (_, i) => String(i).length + 1).reduce(
      (a, b) => a + b,
      0,
    );
    assert.equal(streamBytes, expected, 'every line arrived');
    const kept = textOf(model, 'application/vnd.code.notebook.stdout');
    assert.ok(kept.startsWith('0\n1\n2\n'), 'the model keeps the start');
    assert.ok(
      Buffer.byteLength(kept) <= LIMIT + 300,
      `kept ${Buffer.byteLength(kept)} bytes for a ${LIMIT} limit`,
    );
    const dropped = model.truncation('cell').droppedTextBytes;
    assert.ok(dropped >= expected - LIMIT && dropped < expected, `dropped ${dropped} of ${expected} bytes`);
    assert.match(kept, /output truncated/);
    console.log(
      `# 10^6 lines: event-loop lag p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`,
    );
  } finally {
    await session.shutdown().catch(() => undefined);
  }
});
