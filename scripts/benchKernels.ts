// Kernel benchmarks, side by side on the same kernel in one run:
//   P1: the `1+1` round trip (execute_request → execute_reply and idle) through our kernel layer, with the
//       ACK nudge (src/core/kernels/authSocket.ts) on and off,
//       (@jupyterlab/services under KernelSession) against a minimal raw-`ws` client, on the stock server and
//       on the 'nodelay' server (docs/hub-kit's TCP_NODELAY extension), with the kernel alone through
//       jupyter_client as the floor;
//   P2: 100 MB of stream output through our layer plus the output model the notebook adapter feeds (flushed
//       every 100 ms as the adapter does) against the raw client that only counts bytes, on the 'unthrottled'
//       server (iopub rate limits off). Each run is a child process, so peak memory is its own; the child
//       reports throughput, the event-loop lag p99 and the peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { HubClient, createHubTransport } from '../src/core/hub';
import { createKernelClient, kernelSessionPath, type KernelSession } from '../src/core/kernels';
import { HubKernelSession } from '../src/core/kernels/kernelSession';
import type { HubHandle } from '../test/hub/harness';
import { connectRawKernel, type RawKernel } from '../test/support/rawKernelClient';
import { median, sideBySideBlocks, type Row } from './benchUtil';

const P1_RUNS = Number(process.env.BENCH_KERNEL_RUNS ?? 200);
const P2_RUNS = Number(process.env.BENCH_FLOOD_RUNS ?? 3);
export const FLOOD_MB = Number(process.env.BENCH_FLOOD_MB ?? 100);

/** A P2 measurement, as a child prints it. */
export interface FloodResult {
  mbPerSecond: number;
  lagP99Ms: number;
  peakRssMb: number;
  streamMb: number;
}

export interface KernelFloodRow {
  flavor: string;
  ours: FloodResult;
  plain: FloodResult;
  raw: FloodResult;
}

interface Opened {
  /** The session as the extension opens it (ACK nudge on, the default). */
  session: KernelSession;
  /** A second session on the same kernel with the ACK nudge off. */
  plain: KernelSession;
  raw: RawKernel;
  close(): Promise<void>;
}

async function openBoth(hub: HubHandle, token: string, serverName: string): Promise<Opened> {
  const transport = createHubTransport({ baseUrl: hub.url, getToken: () => token });
  await new HubClient(transport).startServer('alice', { serverName });
  const client = createKernelClient({
    transport,
    user: 'alice',
    serverName,
    getToken: () => token,
    healthCheckMs: 0,
  });
  const path = kernelSessionPath(
    { area: 'me', path: `bench-kernel-${serverName || 'default'}.ipynb` },
    { home: 'alice', sharedFolder: '' },
  );
  const { session } = await client.openSession({ path, kernelName: 'python3', fresh: true });
  const plain = new HubKernelSession({
    server: { transport, user: 'alice', serverName },
    model: { id: 'bench-plain', path: 'bench-plain', kernel: { id: session.kernelId, name: 'python3' } },
    getToken: () => token,
    healthCheckMs: 0,
    ackNudge: false,
  });
  await plain.connected();
  const named = serverName ? `${encodeURIComponent(serverName)}/` : '';
  const raw = await connectRawKernel({
    wsBaseUrl: `${hub.url.replace(/^http/, 'ws')}/user/alice/${named}`,
    kernelId: session.kernelId,
    token,
  });
  return {
    session,
    plain,
    raw,
    close: async () => {
      plain.dispose();
      await raw.close();
      await session.shutdown().catch(() => undefined);
      await new HubClient(transport).stopServer('alice', { serverName }).catch(() => undefined);
    },
  };
}

async function ourRoundTrip(session: KernelSession): Promise<void> {
  for await (const event of session.execute('1+1')) {
    if (event.kind === 'done' && event.status !== 'ok') throw new Error(`1+1 ended with ${event.status}`);
  }
}

/** `1+1` through jupyter_client straight to a local kernel: the floor no server can beat. */
function kernelAloneMs(python: string): number | undefined {
  const script = [
    'import time, statistics',
    'from jupyter_client.manager import start_new_kernel',
    'km, kc = start_new_kernel(kernel_name="python3")',
    'try:',
    '    for _ in range(5): kc.execute_interactive("1+1", timeout=30, output_hook=lambda m: None)',
    '    ts = []',
    `    for _ in range(${P1_RUNS}):`,
    '        t = time.perf_counter(); kc.execute_interactive("1+1", timeout=30, output_hook=lambda m: None)',
    '        ts.append((time.perf_counter() - t) * 1000)',
    '    print(statistics.median(ts))',
    'finally:',
    '    kc.stop_channels(); km.shutdown_kernel(now=True)',
  ].join('\n');
  const run = spawnSync(python, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  const value = Number(run.stdout.trim().split('\n').pop());
  return run.status === 0 && Number.isFinite(value) ? value : undefined;
}

/** P1 rows for one hub: stock and nodelay servers, the ACK nudge on and off, and the kernel-alone floor. */
export async function benchKernelRoundTrip(hub: HubHandle, token: string, rows: Row[]): Promise<void> {
  const python = hub.flavor === 'pypi' ? '/opt/hub-notebooks/venv-jh5/bin/python' : '/usr/bin/python3';
  const floor = kernelAloneMs(python);
  const row = (what: string, medianMs: number, baselineMs?: number): void => {
    rows.push({ what, flavor: hub.flavor, medianMs, ...(baselineMs === undefined ? {} : { baselineMs }) });
  };
  if (floor !== undefined) row('`1+1` kernel alone (jupyter_client, no server)', floor);
  const nudged: Record<string, number> = {};
  for (const serverName of ['', 'nodelay']) {
    const label = serverName ? "'nodelay' server (docs/hub-kit)" : 'stock server';
    const opened = await openBoth(hub, token, serverName);
    try {
      const [on, off] = await sideBySideBlocks(
        () => ourRoundTrip(opened.session),
        () => ourRoundTrip(opened.plain),
        P1_RUNS,
      );
      const [, raw] = await sideBySideBlocks(
        () => ourRoundTrip(opened.session),
        () => opened.raw.execute('1+1'),
        P1_RUNS,
      );
      nudged[label] = on;
      row(`P1 \`1+1\` via KernelSession, ${label}, ACK nudge on (baseline: nudge off)`, on, off);
      row(`P1 \`1+1\` via KernelSession, ${label}, ACK nudge on (baseline: raw ws client)`, on, raw);
      if (floor !== undefined) {
        row(`P1 \`1+1\` via KernelSession, ${label}, ACK nudge on (baseline: kernel alone)`, on, floor);
        row(`P1 \`1+1\` via KernelSession, ${label}, ACK nudge off (baseline: kernel alone)`, off, floor);
      }
    } finally {
      await opened.close();
    }
  }
  const stock = nudged['stock server'];
  const kit = nudged["'nodelay' server (docs/hub-kit)"];
  if (stock !== undefined && kit !== undefined)
    row('P1 `1+1`, stock server + ACK nudge (baseline: hub kit server + nudge)', stock, kit);
}

type FloodMode = 'ours' | 'ours-plain' | 'raw';
const FLOOD_MODES: readonly FloodMode[] = ['ours', 'ours-plain', 'raw'];

/** P2 for one hub: children take turns (nudge on, off, raw) on the same 'unthrottled' kernel; medians per mode. */
export async function benchKernelFlood(hub: HubHandle, token: string): Promise<KernelFloodRow> {
  const opened = await openBoth(hub, token, 'unthrottled');
  const kernelId = opened.session.kernelId;
  await opened.raw.close();
  // The children connect on their own; this process keeps the session (and so the kernel) only.
  const results: Record<FloodMode, FloodResult[]> = { ours: [], 'ours-plain': [], raw: [] };
  try {
    for (let i = 0; i < P2_RUNS; i++) {
      for (const mode of FLOOD_MODES) {
        const out = execFileSync(
          process.execPath,
          ['--import', 'tsx', path.join(__dirname, 'benchKernelFlood.ts'), mode],
          {
            encoding: 'utf8',
            env: {
              ...process.env,
              FLOOD_HUB_URL: hub.url,
              FLOOD_TOKEN: token,
              FLOOD_KERNEL: kernelId,
              BENCH_FLOOD_MB: String(FLOOD_MB),
            },
            maxBuffer: 1 << 20,
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        results[mode].push(JSON.parse(out.trim().split('\n').pop() ?? '{}') as FloodResult);
      }
    }
  } finally {
    await opened.close();
  }
  const mid = (list: FloodResult[]): FloodResult => ({
    mbPerSecond: median(list.map((r) => r.mbPerSecond)),
    lagP99Ms: median(list.map((r) => r.lagP99Ms)),
    peakRssMb: median(list.map((r) => r.peakRssMb)),
    streamMb: median(list.map((r) => r.streamMb)),
  });
  return {
    flavor: hub.flavor,
    ours: mid(results.ours),
    plain: mid(results['ours-plain']),
    raw: mid(results.raw),
  };
}

export function printFloodTable(rows: readonly KernelFloodRow[]): void {
  console.log(`| flavour | client | stream MB received | MB/s | event-loop lag p99 ms | peak RSS MB |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    for (const [name, v] of [
      ['KernelSession + output model, ACK nudge on', r.ours],
      ['KernelSession + output model, ACK nudge off', r.plain],
      ['raw ws client (counts only)', r.raw],
    ] as const) {
      console.log(
        `| ${r.flavor} | ${name} | ${v.streamMb.toFixed(1)} | ${v.mbPerSecond.toFixed(1)} | ${v.lagP99Ms.toFixed(1)} | ${v.peakRssMb.toFixed(0)} |`,
      );
    }
    console.log(
      `| ${r.flavor} | ratio (nudge on / raw) | | ${(r.ours.mbPerSecond / r.raw.mbPerSecond).toFixed(2)} | | |`,
    );
    console.log(
      `| ${r.flavor} | ratio (nudge on / off) | | ${(r.ours.mbPerSecond / r.plain.mbPerSecond).toFixed(2)} | | |`,
    );
  }
}
