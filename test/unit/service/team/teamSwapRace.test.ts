// Races a teammate's swaps against the team index and the file route, on a real filesystem: bob exchanges his
// notebook (or folder) with a symlink to a file neither he nor alice may read, or with a FIFO, in a tight loop
// (renameat2 RENAME_EXCHANGE, from a child process), while alice lists, searches and fetches his notebooks
// through the real TeamRoutes. She must never see a byte of the other files, and a FIFO must never stall the
// service. Each race runs HUB_NOTEBOOKS_RACE_ITERATIONS rounds (100 unless set) and prints what it saw.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../../../src/core/logger';
import type { RequestError } from '../../../../src/service/http';
import type { UnixIdentity } from '../../../../src/service/team/permissions';
import { TeamRoutes } from '../../../../src/service/team/routes';
import { TeamIndex } from '../../../../src/service/team/teamIndex';
import { SWAPPER_PYTHON, startSwapper } from '../../../support/renameSwapper';

const ITERATIONS = Number(process.env.HUB_NOTEBOOKS_RACE_ITERATIONS ?? 100);
const TEAM = 5100;
const alice: UnixIdentity = { name: 'alice', uid: 5001, gid: TEAM, groups: [TEAM] };
const BOB = { uid: 5002, gid: TEAM };
const DAVE = { uid: 5003, gid: 5103 };
const caller = { name: 'alice', groups: [], maintainer: false };
const noPython = !fs.existsSync(SWAPPER_PYTHON) && `${SWAPPER_PYTHON} is needed to call renameat2`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'team-race-'));
const home = path.join(root, 'bob');
after(() => fs.rmSync(root, { recursive: true, force: true }));

function notebook(title: string): string {
  const source = `# ${title}\n\n**Purpose:** racing\n`;
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: 'markdown', metadata: {}, source }],
  });
}

function put(abs: string, content: string, owner: { uid: number; gid: number }, mode: number): void {
  fs.writeFileSync(abs, content);
  fs.chownSync(abs, owner.uid, owner.gid);
  fs.chmodSync(abs, mode);
}

function folder(abs: string, owner: { uid: number; gid: number }, mode: number): void {
  fs.mkdirSync(abs);
  fs.chownSync(abs, owner.uid, owner.gid);
  fs.chmodSync(abs, mode);
}

/** Bob races this many pairs at once, so every walk has as many chances to catch a swap. */
const PAIRS = 8;
const each = <T>(make: (i: number) => T): T[] => Array.from({ length: PAIRS }, (_, i) => make(i));

/** The pairs of names in bob's home the swapper exchanges: `nb3.ipynb` ⇄ `.private3`, and so on. */
function pairs(shared: string, secret: string): [string, string][] {
  return each((i) => [
    path.join(home, `${shared}${i}${shared === 'nb' ? '.ipynb' : ''}`),
    path.join(home, `.${secret}${i}`),
  ]);
}

before(() => {
  folder(home, BOB, 0o2750);
  for (let i = 0; i < PAIRS; i++) {
    put(path.join(home, `nb${i}.ipynb`), notebook(`Bob forecast ${i}`), BOB, 0o640);
    folder(path.join(home, `sub${i}`), BOB, 0o2750);
    put(path.join(home, `sub${i}`, 'inner.ipynb'), notebook(`Bob inner ${i}`), BOB, 0o640);
  }
  // Dave's notebook is closed by its own mode; his other home is closed by its folder's mode only.
  folder(path.join(root, 'dave'), DAVE, 0o755);
  put(path.join(root, 'dave', 'private.ipynb'), notebook('DAVE-PRIVATE-MARKER'), DAVE, 0o640);
  folder(path.join(root, 'dave-closed'), DAVE, 0o700);
  put(path.join(root, 'dave-closed', 'open.ipynb'), notebook('DAVE-HOME-MARKER'), DAVE, 0o644);
  folder(path.join(root, 'vault'), { uid: 0, gid: 0 }, 0o700);
  put(path.join(root, 'vault', 'root-only'), 'ROOT-ONLY-MARKER, not JSON', { uid: 0, gid: 0 }, 0o600);
  for (let i = 0; i < PAIRS; i++) {
    fs.symlinkSync(path.join(root, 'dave', 'private.ipynb'), path.join(home, `.private${i}`));
    fs.symlinkSync(path.join(root, 'vault', 'root-only'), path.join(home, `.root-only${i}`));
    fs.symlinkSync(path.join(root, 'dave-closed'), path.join(home, `.closed-home${i}`));
    execFileSync('mkfifo', [path.join(home, `.fifo${i}`)]);
    fs.chownSync(path.join(home, `.fifo${i}`), BOB.uid, BOB.gid);
  }
});

/** Enough of a ServerResponse for the routes: the status, and the body whether sent at once or piped. */
class RecordedResponse extends Writable {
  status = 0;
  private readonly chunks: Buffer[] = [];

  writeHead(status: number): this {
    this.status = status;
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }

  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

/**
 * The team routes for alice, whose one teammate is bob, driven in process with a fake request and response
 * (no HTTP in between, so more walks race the swapper per second); each answer is its status and body.
 */
function serve() {
  const routes = new TeamRoutes({
    identities: { lookup: (name) => Promise.resolve(name === 'alice' ? alice : undefined) },
    directory: { teammatesOf: () => Promise.resolve(['bob']) },
    index: new TeamIndex({ maxAgeMs: 0, log: silentLogger }),
    homeTemplate: path.join(root, '{username}'),
    log: silentLogger,
  });
  const ask = async (sub: string, params: Record<string, string> = {}): Promise<string> => {
    const req = { method: 'GET', url: `/${sub}?${new URLSearchParams(params)}`, headers: {} };
    const res = new RecordedResponse();
    try {
      await routes.handle(sub, req as IncomingMessage, res as unknown as ServerResponse, caller);
    } catch (err) {
      const { status, message } = err as RequestError;
      return `${status} ${message}`;
    }
    return `${res.status} ${res.text()}`;
  };
  const search = async (query: string): Promise<string> => JSON.stringify(await routes.search(query, caller));
  return { ask, search };
}

type Service = ReturnType<typeof serve>;

/**
 * One round of what alice does: everything she is shown, concatenated. Each request comes a timer tick after
 * the one before, as requests from a client would: a service that walks bob's folder without a pause holds
 * the folder's lock so often that the swapper barely gets to swap, and the race would hardly be run.
 */
async function aliceLooks(s: Service): Promise<string> {
  const requests = [
    () => s.ask('api/team/list', { user: 'bob', path: '' }),
    () => s.ask('api/team/list', { user: 'bob', path: 'sub0' }),
    () => s.ask('api/team/file', { user: 'bob', path: 'nb0.ipynb' }),
    () => s.ask('api/team/file', { user: 'bob', path: 'sub0/inner.ipynb' }),
    () => s.search('marker'),
  ];
  const seen: string[] = [];
  for (const request of requests) {
    await new Promise((resolve) => setImmediate(resolve));
    seen.push(await request());
  }
  return seen.join('\n');
}

/** Races the swapper over `swapped` against alice's rounds; counts the rounds she saw any of `markers` in. */
async function race(label: string, swapped: [string, string][], markers: readonly string[]) {
  const s = serve();
  const swapper = startSwapper(swapped, path.join(root, `stop-${label}`));
  let leaks = 0;
  let sample = '';
  for (let i = 0; i < ITERATIONS; i++) {
    const seen = await aliceLooks(s);
    if (markers.some((m) => seen.includes(m))) {
      leaks++;
      sample ||= seen
        .split('\n')
        .filter((line) => markers.some((m) => line.includes(m)))
        .join('\n');
    }
  }
  const report = await swapper.stop();
  console.log(`${label}: ${ITERATIONS} rounds, ${report.swaps} swaps, ${leaks} rounds leaked`);
  return { leaks, sample, report };
}

describe('a teammate racing swaps against the index and the file route', { skip: noPython }, () => {
  test("notebooks swapped with links to dave's private 0640 notebook never show its bytes", async () => {
    const { leaks, sample, report } = await race('private', pairs('nb', 'private'), ['DAVE-PRIVATE']);
    assert.ok(report.swaps > 0, 'the swapper ran');
    assert.equal(leaks, 0, `alice saw dave's notebook:\n${sample}`);
  });

  test('notebooks swapped with links to a root-only file never show its bytes', async () => {
    const { leaks, sample, report } = await race('root-only', pairs('nb', 'root-only'), ['ROOT-ONLY']);
    assert.ok(report.swaps > 0, 'the swapper ran');
    assert.equal(leaks, 0, `alice saw the root-only file:\n${sample}`);
  });

  test("folders swapped with links to dave's closed home never show what it holds", async () => {
    const { leaks, sample, report } = await race('folder', pairs('sub', 'closed-home'), [
      'DAVE-HOME',
      'open.ipynb',
    ]);
    assert.ok(report.swaps > 0, 'the swapper ran');
    assert.equal(leaks, 0, `alice saw dave's closed home:\n${sample}`);
  });

  test('FIFOs swapped in are never opened for a blocking read, and the service keeps answering', async () => {
    const s = serve();
    const swapper = startSwapper(pairs('nb', 'fifo'), path.join(root, 'stop-fifo'));
    let rounds = 0;
    let answeredMeanwhile = 0;
    let done = false;
    // A second client asks for the team summary all along; with a stalled event loop it would get nothing.
    // It waits for the event loop's next turn between requests, as a client on a socket would, so its answers
    // (all from memory and synchronous calls) do not crowd out alice's file reads.
    const other = (async () => {
      while (!done) {
        if ((await s.ask('api/team')).startsWith('200 ')) answeredMeanwhile++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      for (; rounds < ITERATIONS; rounds++) await aliceLooks(s);
    } finally {
      done = true;
      await other;
    }
    const report = await swapper.stop();
    const final = await s.ask('api/team/list', { user: 'bob', path: '' });
    console.log(
      `fifo: ${rounds} rounds, ${report.swaps} swaps, ${answeredMeanwhile} answers to the other client`,
    );
    assert.ok(report.swaps > 0, 'the swapper ran');
    assert.equal(report.stalledReader, false, 'the service was left blocked opening the FIFO');
    assert.ok(answeredMeanwhile > 0, 'the other client was answered while the race ran');
    const listed = each((i) => final.includes(`Bob forecast ${i}`));
    assert.deepEqual(
      listed,
      each(() => true),
      'once the swapping stops, the notebooks are listed again',
    );
  });
});
