// One P2 run in its own process (see benchKernels.ts): a cell writes BENCH_FLOOD_MB of stream output, and this
// process receives it either through KernelSession plus the output model, flushed every 100 ms as the
// notebook adapter does ('ours', with the ACK nudge on as the extension runs it; 'ours-plain', nudge off), or through the raw ws client that only counts ('raw'). It prints one JSON
// line: throughput, the event-loop lag p99 (perf_hooks' histogram) and the peak RSS.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createHubTransport } from '../src/core/hub';
import { CellOutputs } from '../src/core/kernels/cellOutputs';
import { HubKernelSession } from '../src/core/kernels/kernelSession';
import { connectRawKernel } from '../test/support/rawKernelClient';

const MB = Number(process.env.BENCH_FLOOD_MB ?? 100);
const hubUrl = process.env.FLOOD_HUB_URL ?? '';
const token = process.env.FLOOD_TOKEN ?? '';
const kernelId = process.env.FLOOD_KERNEL ?? '';

/**
 * 1 KiB lines in 64 KiB writes, flushed every MiB: ipykernel sends what accumulated at each flush as one stream
 * message, and without flushes a fast loop makes one message of the whole 100 MB.
 */
const CODE = [
  'import sys',
  "block = ('x' * 1023 + '\\n') * 64",
  `for i in range(${MB} * 16):`,
  '    sys.stdout.write(block)',
  '    if i % 16 == 15:',
  '        sys.stdout.flush()',
  'sys.stdout.flush()',
].join('\n');

async function ours(ackNudge: boolean): Promise<number> {
  const transport = createHubTransport({ baseUrl: hubUrl, getToken: () => token });
  const session = new HubKernelSession({
    server: { transport, user: 'alice', serverName: 'unthrottled' },
    model: { id: 'bench', path: 'bench', kernel: { id: kernelId, name: 'python3' } },
    getToken: () => token,
    healthCheckMs: 0,
    ackNudge,
  });
  await session.connected();
  const outputs = new CellOutputs();
  let bytes = 0;
  const flush = setInterval(() => outputs.takeEdits(), 100);
  try {
    for await (const event of session.execute(CODE)) {
      if (event.kind !== 'output') continue;
      if (event.output.type === 'stream') bytes += Buffer.byteLength(event.output.text, 'utf8');
      outputs.push('cell', event.output);
    }
    outputs.takeEdits();
  } finally {
    clearInterval(flush);
    session.dispose();
  }
  return bytes;
}

async function raw(): Promise<number> {
  const named = 'unthrottled/';
  const kernel = await connectRawKernel({
    wsBaseUrl: `${hubUrl.replace(/^http/, 'ws')}/user/alice/${named}`,
    kernelId,
    token,
  });
  try {
    return (await kernel.executeCounting(CODE)).streamBytes;
  } finally {
    await kernel.close();
  }
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode !== 'ours' && mode !== 'ours-plain' && mode !== 'raw')
    throw new Error('usage: benchKernelFlood.ts ours|ours-plain|raw');
  const lag = monitorEventLoopDelay({ resolution: 10 });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  lag.enable();
  const t0 = performance.now();
  const bytes = mode === 'raw' ? await raw() : await ours(mode === 'ours');
  const seconds = (performance.now() - t0) / 1000;
  lag.disable();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = bytes / 1024 / 1024;
  console.log(
    JSON.stringify({
      mbPerSecond: mb / seconds,
      lagP99Ms: lag.percentile(99) / 1e6,
      peakRssMb: peak / 1024 / 1024,
      streamMb: mb,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
