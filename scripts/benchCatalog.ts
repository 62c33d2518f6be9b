// Benchmark, catalog part: the team catalog's first-level listing and metadata search against walking the
// same tree naively through a real jupyter_server's contents API, measured side by side in one run.
//
// - The tree: 200 users × 50 notebooks under a temp root, 20 in each home, 20 in `projects/`, 10 in
//   `projects/archive/`, each with a header cell (title, Purpose, Audience, Data Sources, Parameters) and two
//   code cells, about 1.5 KB each. Files are 644 and folders 755, owned by root, so any account may read them
//   through the "other" bits.
// - The service: the real server from createServiceServer, with HUB_NOTEBOOKS_HOME pointed at the temp root.
//   The hub it asks about callers and groups is a tiny local stub answering `/hub/api/user`,
//   `/hub/api/users/<name>` and `/hub/api/groups`; the caller is `nobody`, a real unix account on every
//   Debian system, in one hub group with the 200 generated users (who need no unix accounts of their own).
//   Rows are taken with the default index max age (2 s) and with 0 (every request checks every mtime).
// - The walk: jupyter-server from the hub venv with root_dir at the temp root; for each user, list their
//   folder with content=1, recurse into subfolders, and GET every notebook (the header metadata the service
//   has needs the notebook's content). Four requests in flight at a time, which flatters the walk.
// No thresholds: these machines are shared and noisy. Runs: BENCH_RUNS (default 30) for the service rows,
// BENCH_WALK_RUNS (default 3) for the walk.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../src/core/logger';
import { loadServiceConfig } from '../src/service/config';
import { createServiceServer } from '../src/service/server';
import { freePort } from '../test/support/ports';
import { median, time, type Row } from './benchUtil';

/** One row, in the shape scripts/bench.ts prints: its ratio column is median / baseline. */
export type CatalogBenchRow = Row;

export interface CatalogBenchOptions {
  users?: number;
  notebooksPerUser?: number;
  runs?: number;
  walkRuns?: number;
  /** The jupyter-server executable for the walk. */
  jupyterServer?: string;
  log?: (line: string) => void;
}

const VIEWER = 'nobody';
const WORDS = [
  'sales',
  'churn',
  'forecast',
  'inventory',
  'retention',
  'revenue',
  'latency',
  'cohort',
  'pricing',
];
const AUDIENCES = ['Regional managers', 'Data team', 'Finance', 'Operations', 'Executives'];
/** Matches about one notebook in 40: those whose Purpose names both words (two of 81 word pairs). */
const SEARCH_QUERY = 'Churn pricing';

/** Generates the tree, starts the service, the hub stub and jupyter-server, and measures; cleans up after. */
export async function benchCatalog(options: CatalogBenchOptions = {}): Promise<CatalogBenchRow[]> {
  const users = options.users ?? 200;
  const perUser = options.notebooksPerUser ?? 50;
  const runs = options.runs ?? Number(process.env.BENCH_RUNS ?? 30);
  const walkRuns = options.walkRuns ?? Number(process.env.BENCH_WALK_RUNS ?? 3);
  const log = options.log ?? ((line: string) => console.log(line));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-notebooks-bench-'));
  const root = path.join(tmp, 'homes');
  const names = Array.from({ length: users }, (_, i) => `user${String(i).padStart(3, '0')}`);
  const cleanups: (() => Promise<void> | void)[] = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  try {
    log(`generating ${users} users × ${perUser} notebooks under ${root}`);
    generateTree(root, names, perUser);
    const hub = await startHubStub(names);
    cleanups.push(() => closeServer(hub.server));
    const service = await startService(hub.url, root, path.join(tmp, 'data'), 2);
    cleanups.push(() => closeServer(service.server));
    const eager = await startService(hub.url, root, path.join(tmp, 'data-eager'), 0);
    cleanups.push(() => closeServer(eager.server));
    const jupyter = await startJupyterServer(root, options.jupyterServer);
    cleanups.push(() => stopProcess(jupyter.child));

    const get = (base: string, sub: string) => getJson(`${base}${sub}`, `token ${hub.userToken}`);
    const cold = await time(() => get(service.url, 'api/team'));
    await time(() => get(eager.url, 'api/team'));
    const team = (await get(service.url, 'api/team')) as { teammates: { notebooks: number }[] };
    const indexed = team.teammates.reduce((n, m) => n + m.notebooks, 0);
    const query = `api/search?q=${encodeURIComponent(SEARCH_QUERY)}`;
    const found = ((await get(service.url, query)) as { hits: unknown[] }).hits.length;
    log(
      `service: ${team.teammates.length} teammates, ${indexed} notebooks visible; "${SEARCH_QUERY}": ${found} hits`,
    );

    const listing: number[] = [];
    const listingEager: number[] = [];
    const search: number[] = [];
    const walk: number[] = [];
    let walked = { folders: 0, notebooks: 0 };
    for (let w = 0; w < walkRuns; w++) {
      const started = performance.now();
      walked = await naiveWalk(jupyter.url, jupyter.token, names);
      walk.push(performance.now() - started);
      log(`walk ${w + 1}/${walkRuns}: ${walked.notebooks} notebooks in ${(walk.at(-1) ?? 0).toFixed(0)} ms`);
      const share = Math.ceil(runs / walkRuns);
      for (let i = 0; i < share; i++) {
        listing.push(await time(() => get(service.url, 'api/team')));
        listingEager.push(await time(() => get(eager.url, 'api/team')));
        search.push(await time(() => get(service.url, query)));
      }
    }
    return catalogRows({ cold, indexed, found, walked, walk, listing, listingEager, search });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

interface CatalogMeasures {
  cold: number;
  indexed: number;
  found: number;
  walked: { folders: number; notebooks: number };
  walk: number[];
  listing: number[];
  listingEager: number[];
  search: number[];
}

/** The rows of the catalog bench, each against the naive walk where that is the baseline. */
function catalogRows(m: CatalogMeasures): CatalogBenchRow[] {
  const walkMs = median(m.walk);
  const { cold, indexed, found, walked } = m;
  return [
    {
      what: `team listing, first request (builds the index of ${indexed} notebooks)`,
      flavor: '-',
      medianMs: cold,
    },
    {
      what: 'team listing GET api/team, index max age 2 s (baseline: naive walk)',
      flavor: '-',
      medianMs: median(m.listing),
      baselineMs: walkMs,
    },
    {
      what: 'team listing GET api/team, every mtime checked (max age 0; baseline: naive walk)',
      flavor: '-',
      medianMs: median(m.listingEager),
      baselineMs: walkMs,
    },
    {
      what: `metadata search GET api/search, ${found} hits (baseline: naive walk)`,
      flavor: '-',
      medianMs: median(m.search),
      baselineMs: walkMs,
    },
    {
      what: `naive walk: contents API, ${walked.folders} folder listings + ${walked.notebooks} notebook GETs`,
      flavor: '-',
      medianMs: walkMs,
    },
  ];
}

/** Prints rows with the speed-up the issue asks about (baseline / median, goal ≥ 10). */
export function printCatalogTable(rows: readonly CatalogBenchRow[]): void {
  console.log('| what | median ms | naive walk ms | speed-up |');
  console.log('|---|---|---|---|');
  for (const r of rows) {
    const base = r.baselineMs === undefined ? '' : r.baselineMs.toFixed(0);
    const speedUp = r.baselineMs === undefined ? '' : `${(r.baselineMs / r.medianMs).toFixed(0)}×`;
    console.log(`| ${r.what} | ${r.medianMs.toFixed(2)} | ${base} | ${speedUp} |`);
  }
}

function generateTree(root: string, users: readonly string[], perUser: number): void {
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  let n = 0;
  for (const user of users) {
    const home = path.join(root, user);
    for (const dir of ['', 'projects', 'projects/archive'])
      fs.mkdirSync(path.join(home, dir), { recursive: true, mode: 0o755 });
    for (let i = 0; i < perUser; i++) {
      const dir = i < perUser * 0.4 ? '' : i < perUser * 0.8 ? 'projects' : 'projects/archive';
      const file = path.join(home, dir, `report-${String(i).padStart(2, '0')}.ipynb`);
      fs.writeFileSync(file, generatedNotebook(user, i, n++), { mode: 0o644 });
    }
  }
}

function generatedNotebook(user: string, i: number, n: number): string {
  const a = WORDS[n % WORDS.length] ?? '';
  const b = WORDS[Math.floor(n / WORDS.length) % WORDS.length] ?? '';
  const header = [
    `# ${a[0]?.toUpperCase()}${a.slice(1)} report ${i} by ${user}\n`,
    '\n',
    `**Purpose:** Weekly ${a} and ${b} figures for the team.\n`,
    `**Audience:** ${AUDIENCES[n % AUDIENCES.length]}\n`,
    `**Data Sources:** warehouse.${a}, crm.${b}\n`,
    '\n',
    '## Parameters\n',
    '- week: the ISO week, `YYYY-Www`\n',
    '- region: one region, or `all`\n',
  ];
  const code = (source: string) => ({
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source,
  });
  return JSON.stringify(
    {
      cells: [
        { cell_type: 'markdown', metadata: {}, source: header },
        code(`week = '2026-W01'\nregion = 'all'\n`),
        code(
          `import statistics\nvalues = [${Array.from({ length: 40 }, (_, k) => (k * 37 + n) % 101).join(', ')}]\nprint(statistics.mean(values))\n`,
        ),
      ],
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

/** The hub's side of caller auth and groups, for one user token; nothing else. */
async function startHubStub(
  users: readonly string[],
): Promise<{ server: Server; url: string; userToken: string }> {
  const userToken = crypto.randomBytes(16).toString('hex');
  const me = {
    name: VIEWER,
    kind: 'user',
    groups: ['bench'],
    scopes: ['access:services!service=hub-notebooks'],
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/hub/api/user') {
      if (req.headers.authorization !== `token ${userToken}`)
        return send(403, { status: 403, message: 'bad token' });
      return send(200, me);
    }
    if (url.pathname === `/hub/api/users/${VIEWER}`) return send(200, { name: VIEWER, groups: ['bench'] });
    if (url.pathname === '/hub/api/groups') {
      const first = Number(url.searchParams.get('offset') ?? 0) === 0;
      return send(200, first ? [{ name: 'bench', users: [VIEWER, ...users] }] : []);
    }
    send(404, { status: 404, message: 'not in the stub' });
  });
  const port = await listen(server);
  return { server, url: `http://127.0.0.1:${port}`, userToken };
}

async function startService(
  hubUrl: string,
  homes: string,
  dataDir: string,
  indexMaxAgeSeconds: number,
): Promise<{ server: Server; url: string }> {
  const config = loadServiceConfig({
    JUPYTERHUB_API_URL: `${hubUrl}/hub/api`,
    JUPYTERHUB_API_TOKEN: crypto.randomBytes(16).toString('hex'),
    JUPYTERHUB_SERVICE_URL: 'http://127.0.0.1:1',
    HUB_NOTEBOOKS_HOME: path.join(homes, '{username}'),
    HUB_NOTEBOOKS_DATA_DIR: dataDir,
    HUB_NOTEBOOKS_INDEX_MAX_AGE_SECONDS: String(indexMaxAgeSeconds),
  });
  const server = createServiceServer(config, 'bench', silentLogger);
  const port = await listen(server);
  return { server, url: `http://127.0.0.1:${port}${config.prefix}` };
}

async function startJupyterServer(
  root: string,
  executable = process.env.BENCH_JUPYTER_SERVER ?? '/opt/hub-notebooks/venv-jh5/bin/jupyter-server',
): Promise<{ child: ChildProcess; url: string; token: string }> {
  const token = crypto.randomBytes(24).toString('hex');
  const port = await freePort();
  const args = [
    `--ServerApp.root_dir=${root}`,
    `--port=${port}`,
    '--ServerApp.ip=127.0.0.1',
    '--no-browser',
    '--allow-root',
  ];
  // The token goes through the environment, not the command line; the server's output, which prints its
  // URL with the token, is discarded.
  const child = spawn(executable, args, {
    env: { ...process.env, JUPYTER_TOKEN: token },
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${executable} exited with ${child.exitCode}`);
    const up = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } }).catch(
      () => undefined,
    );
    if (up?.status === 200) return { child, url, token };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stopProcess(child);
  throw new Error(`${executable} did not answer within 60 s`);
}

interface ContentsModel {
  type: string;
  path: string;
  content?: unknown;
}

/** Lists every user's folder recursively and GETs each notebook, four requests in flight; returns the counts. */
async function naiveWalk(
  base: string,
  token: string,
  users: readonly string[],
): Promise<{ folders: number; notebooks: number }> {
  const auth = `token ${token}`;
  const api = (p: string) =>
    `${base}api/contents/${p.split('/').map(encodeURIComponent).join('/')}?content=1`;
  const queue: string[] = [...users];
  let notebooks = 0;
  let folders = 0;
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const model = (await getJson(api(next), auth)) as ContentsModel;
      if (model.type !== 'directory' || !Array.isArray(model.content)) {
        notebooks++;
        continue;
      }
      folders++;
      for (const item of model.content as ContentsModel[]) {
        if (item.type === 'directory' || item.type === 'notebook') queue.push(item.path);
      }
    }
  };
  // Workers stop when the queue is momentarily empty; loop until a round finds nothing left to do.
  while (queue.length > 0) await Promise.all(Array.from({ length: 4 }, worker));
  return { folders, notebooks };
}

async function getJson(url: string, authorization: string): Promise<unknown> {
  const res = await fetch(url, { headers: { Authorization: authorization } });
  const text = await res.text();
  if (res.status !== 200)
    throw new Error(`GET ${new URL(url).pathname} → ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as unknown;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function stopProcess(child: ChildProcess): void {
  if (child.exitCode === null && child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGTERM'); // its own process group (detached), so its kernels go too
    } catch {
      child.kill('SIGTERM');
    }
  }
}

if (require.main === module) {
  benchCatalog()
    .then((rows) => {
      console.log('');
      printCatalogTable(rows);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
