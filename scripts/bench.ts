// Benchmarks, measured side by side in one run against real hubs, printed as medians and ratios.
//   - the hub client (axios transport, status checks, zod validation) against a bare fetch of the same
//     endpoint, to see what the client's layers cost per call;
//   - hub start and server spawn per flavour;
//   - the browser sign-in from code (hub login excluded) against minting a token straight through the API;
//   - loading the production extension bundle, which is what activation costs before activate() runs;
//   - kernels (benchKernels.ts): P1, the `1+1` round trip against a raw ws client and the kernel alone, and
//     P2, 100 MB of stream output through the kernel layer and output model against the raw client.
// No thresholds: these machines are shared and noisy. BENCH_RUNS sets the repetitions (default 50 / 3).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { HubClient } from '../src/core/hub';
import { startHub, type HubHandle } from '../test/hub/harness';
import { hubEnv } from '../test/hub/fixture';
import { HubBrowser } from '../test/integration/support/hubBrowser';
import { signInAs } from '../test/integration/support/signIn';
import { benchCatalog, printCatalogTable } from './benchCatalog';
import {
  benchKernelFlood,
  benchKernelRoundTrip,
  printFloodTable,
  FLOOD_MB,
  type KernelFloodRow,
} from './benchKernels';
import { benchActivation, printActivation } from './benchActivation';
import { benchLint } from './benchLint';
import { benchNotebookOpen } from './benchNotebookOpen';
import { benchUpload, printUploadTable, type UploadRow } from './benchUpload';
import { CALLS, median, printTable, sideBySide, time, type Row } from './benchUtil';

const SPAWNS = Math.max(1, Math.round(CALLS / 16));

async function clientVsFetch(hub: HubHandle, rows: Row[]): Promise<void> {
  const admin = new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken });
  const made = await admin.createToken('alice', { note: 'bench', expiresInSeconds: 600 });
  const client = new HubClient({ baseUrl: hub.url, getToken: () => made.token });
  const bare = async (): Promise<unknown> => {
    const res = await fetch(`${hub.url}/hub/api/user`, { headers: { Authorization: `token ${made.token}` } });
    return res.json();
  };
  const [viaClient, viaFetch] = await sideBySide(() => client.getCurrentUser(), bare);
  rows.push({
    what: 'GET /hub/api/user (baseline: bare fetch)',
    flavor: hub.flavor,
    medianMs: viaClient,
    baselineMs: viaFetch,
  });
  const spawns: number[] = [];
  for (let i = 0; i < SPAWNS; i++) {
    spawns.push(await time(() => client.startServer('alice')));
    await client.stopServer('alice');
  }
  rows.push({ what: 'spawn alice (POST → ready)', flavor: hub.flavor, medianMs: median(spawns) });
  await admin.revokeToken('alice', made.id);
}

/**
 * The browser sign-in from code (the hub login excluded: the browser is already logged in), against minting
 * a token straight through the API: what the OAuth dance, the handoff and the redemption cost on top.
 */
async function signInVsMint(hub: HubHandle, rows: Row[]): Promise<void> {
  Object.assign(process.env, hubEnv(hub));
  const admin = new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken });
  const browser = new HubBrowser(hub.url);
  await browser.login('alice', hub.passwords.alice);
  const [viaBrowser, viaApi] = await sideBySide(
    async () => {
      const { grant } = await signInAs(hub, 'alice', browser, { loggedIn: true });
      await admin.revokeToken('alice', grant.token_id);
    },
    async () => {
      const made = await admin.createToken('alice', { note: 'bench', expiresInSeconds: 600 });
      await admin.revokeToken('alice', made.id);
    },
  );
  rows.push({
    what: 'browser sign-in → token (baseline: minting one via the API)',
    flavor: hub.flavor,
    medianMs: viaBrowser,
    baselineMs: viaApi,
  });
}

/** Loading the production extension bundle, with `vscode` stubbed: what activation pays before activate(). */
function requireExtension(rows: Row[]): void {
  const probe = [
    "const M = require('module'); const load = M._load;",
    "M._load = function (r, ...a) { return r === 'vscode' ? {} : load.call(this, r, ...a); };",
    'const t = process.hrtime.bigint();',
    `require(${JSON.stringify(path.resolve('dist/extension.js'))});`,
    'console.log(Number(process.hrtime.bigint() - t) / 1e6);',
  ].join('\n');
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    times.push(Number(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim()));
  }
  rows.push({
    what: 'require dist/extension.js (production, vscode stubbed)',
    flavor: '-',
    medianMs: median(times),
  });
}

/** P1 and P2 on one hub, with a token of alice's minted for them. */
async function benchKernels(hub: HubHandle, rows: Row[], floods: KernelFloodRow[]): Promise<void> {
  const admin = new HubClient({ baseUrl: hub.url, getToken: () => hub.adminToken });
  const made = await admin.createToken('alice', { note: 'bench kernels', expiresInSeconds: 3600 });
  try {
    await benchKernelRoundTrip(hub, made.token, rows);
    floods.push(await benchKernelFlood(hub, made.token));
  } finally {
    await admin.revokeToken('alice', made.id);
  }
}

/** BENCH_ONLY=kernels runs only the kernel part (P1, P2) on both hubs, for the figures of the ACK nudge. */
const ONLY_KERNELS = process.env.BENCH_ONLY === 'kernels';

async function main(): Promise<void> {
  // Activation in code-server (VS Code's own figure, with the extension's marks), over several window loads.
  if (process.env.BENCH_ONLY === 'activation') {
    printActivation(await benchActivation());
    return;
  }
  const rows: Row[] = [];
  const kernelRows: Row[] = [];
  const floods: KernelFloodRow[] = [];
  const uploads: UploadRow[] = [];
  requireExtension(rows);
  for (const flavor of ['pypi', 'debian3'] as const) {
    const starts: number[] = [];
    let hub: HubHandle | undefined;
    const hubStarts = ONLY_KERNELS ? 1 : SPAWNS;
    for (let i = 0; i < hubStarts; i++) {
      const t0 = performance.now();
      hub = await startHub({ flavor });
      starts.push(performance.now() - t0);
      if (i < hubStarts - 1) await hub.stop();
    }
    rows.push({ what: 'hub start (launch → /hub/api 200, service up)', flavor, medianMs: median(starts) });
    if (hub) {
      try {
        if (!ONLY_KERNELS) {
          await clientVsFetch(hub, rows);
          await signInVsMint(hub, rows);
          await benchNotebookOpen(hub, rows);
          await benchUpload(hub, uploads);
        }
        await benchKernels(hub, kernelRows, floods);
      } finally {
        await hub.stop();
      }
    }
  }
  console.log(`\n${CALLS} calls per client row, ${SPAWNS} runs per start/spawn row\n`);
  printTable(rows);
  console.log(
    '\nKernels, P1: `1+1` round trip (medians; blocks of 10 calls alternate between the two clients)\n',
  );
  printTable(kernelRows);
  console.log(
    `\nKernels, P2: ${FLOOD_MB} MB of stream output on the 'unthrottled' server (medians of the runs)\n`,
  );
  printFloodTable(floods);
  if (ONLY_KERNELS) return;
  console.log(
    '\nUploads: a 50 MB file, our upload (chunks, temp file, rename) against one raw contents-API PUT\n',
  );
  printUploadTable(uploads);
  console.log('\nThe notebook lint on a generated notebook\n');
  for (const line of await benchLint()) console.log(line);
  console.log('\nActivation in code-server\n');
  printActivation(await benchActivation());
  // The catalog part: 200 users x 50 notebooks, the service's index against a naive contents-API walk.
  console.log('\nCatalog: 200 users × 50 notebooks (speed-up = naive walk / service)\n');
  printCatalogTable(await benchCatalog());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
