// Uploading a 50 MB file to alice's own server: ContentsAuthoring.upload (a temporary sibling in 8 MiB base64
// chunks, then a rename and a stat with the hash) against one raw contents-API PUT of the same bytes (one base64
// body, `type: file`), on the same server, alternating, BENCH_UPLOAD_RUNS (default 5) runs each. Both sides
// base64-encode inside the timed part. Prints the medians in MB/s (10^6 bytes per second) and the ratio.
//
//   node --import tsx scripts/benchUpload.ts                  both flavours, a hub started for each
//   HUB_FLAVOR=debian3 node --import tsx scripts/benchUpload.ts   one flavour
//   BENCH_UPLOAD_CHUNKS=1,4,8,16 node --import tsx scripts/benchUpload.ts   adds a row per chunk size (MiB)
//
// From scripts/bench.ts: `await benchUpload(hub, rows)` with a started hub, then `printUploadTable(rows)`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createContentsAuthoring, createContentsClient } from '../src/core/contents';
import { HubClient, createHubTransport } from '../src/core/hub';
import { extensionTokenScopes } from '../src/service/config';
import { startHub, type HubFlavor, type HubHandle } from '../test/hub/harness';
import { median } from './benchUtil';

const MB = 1_000_000;
const MiB = 1024 * 1024;
const FILE_BYTES = 50 * MB;
const RUNS = Number(process.env.BENCH_UPLOAD_RUNS ?? 5);

export interface UploadRow {
  what: string;
  flavor: HubFlavor;
  /** Median MB/s of the upload, and of the raw PUT it is compared with. */
  mbPerSecond: number;
  baselineMbPerSecond: number;
}

/** Adds one row (and one per BENCH_UPLOAD_CHUNKS size) for this hub; alice's server is started and stopped here. */
export async function benchUpload(hub: HubHandle, rows: UploadRow[]): Promise<void> {
  const admin = new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken });
  const made = await admin.createToken('alice', {
    note: 'bench upload',
    expiresInSeconds: 1800,
    scopes: extensionTokenScopes(),
  });
  const transport = createHubTransport({ baseUrl: hub.url, getToken: () => made.token, timeoutMs: 120_000 });
  const alice = new HubClient(transport);
  const options = { transport, user: 'alice', root: 'alice' };
  const files = createContentsClient(options);
  const authoring = createContentsAuthoring(options);
  const bytes = crypto.randomBytes(FILE_BYTES);
  const name = `bench-upload-${process.pid}`;
  const raw = async (): Promise<void> => {
    const body = JSON.stringify({ type: 'file', format: 'base64', content: bytes.toString('base64') });
    const res = await fetch(`${hub.url}/user/alice/api/contents/alice/${name}-raw.bin`, {
      method: 'PUT',
      headers: { Authorization: `token ${made.token}`, 'Content-Type': 'application/json' },
      body,
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`raw PUT → ${res.status}`);
    await res.arrayBuffer();
  };
  try {
    await alice.startServer('alice');
    const sizes = [undefined, ...chunkSizesFromEnv()];
    for (const chunk of sizes) {
      const ours = (): Promise<unknown> =>
        authoring.upload(`${name}.bin`, bytes, chunk ? { chunkBytes: chunk * MiB } : {});
      const cleanup = async (): Promise<void> => {
        for (const f of [`${name}.bin`, `${name}-raw.bin`]) await files.delete(f).catch(() => undefined);
      };
      const [mine, theirs] = await alternate(ours, raw, cleanup);
      const label = chunk ? `${chunk} MiB chunks` : 'default chunks';
      rows.push({
        what: `upload 50 MB: ContentsAuthoring.upload, ${label} (baseline: one raw contents PUT)`,
        flavor: hub.flavor,
        mbPerSecond: FILE_BYTES / MB / (mine / 1000),
        baselineMbPerSecond: FILE_BYTES / MB / (theirs / 1000),
      });
    }
  } finally {
    for (const f of [`${name}.bin`, `${name}-raw.bin`]) fs.rmSync(`/home/alice/${f}`, { force: true });
    await alice.stopServer('alice').catch(() => undefined);
    await admin.revokeToken('alice', made.id).catch(() => undefined);
  }
}

/** One warm-up each, then RUNS of each in turn (a, b, a, b, …), cleaning up untimed: the two medians in ms. */
async function alternate(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  cleanup: () => Promise<void>,
): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  await a();
  await b();
  await cleanup();
  for (let i = 0; i < RUNS; i++) {
    for (const [fn, times] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
      await cleanup();
    }
  }
  return [median(ta), median(tb)];
}

function chunkSizesFromEnv(): number[] {
  const raw = process.env.BENCH_UPLOAD_CHUNKS;
  if (!raw) return [];
  return raw.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`BENCH_UPLOAD_CHUNKS: not a size in MiB: ${s}`);
    return n;
  });
}

/** The rows as a Markdown table, with the ratio upload / raw PUT (above 1: the upload is faster). */
export function printUploadTable(rows: readonly UploadRow[]): void {
  console.log(`| what | flavour | MB/s (median of ${RUNS}) | raw PUT MB/s | ratio |`);
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const ratio = (r.mbPerSecond / r.baselineMbPerSecond).toFixed(2);
    const cells = [r.what, r.flavor, r.mbPerSecond.toFixed(1), r.baselineMbPerSecond.toFixed(1), ratio];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

async function main(): Promise<void> {
  const only = process.env.HUB_FLAVOR as HubFlavor | undefined;
  const rows: UploadRow[] = [];
  for (const flavor of only ? [only] : (['pypi', 'debian3'] as const)) {
    const hub = await startHub({ flavor });
    try {
      await benchUpload(hub, rows);
    } finally {
      await hub.stop();
    }
  }
  console.log('');
  printUploadTable(rows);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
