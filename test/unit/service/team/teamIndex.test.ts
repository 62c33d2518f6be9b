// The team index over real temp folders, with a counting filesystem: an unchanged tree is not read or parsed
// again, a changed file is re-parsed and a changed folder re-read, permissions are taken fresh each time, and
// what a viewer sees (counts, listings, search) follows the permission check. Hidden names, links, other
// files, huge folders and deep trees stay out. Then the same through the routes on a local HTTP server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, beforeEach, describe, test } from 'node:test';
import {
  IPYNB_MEDIA_TYPE,
  LAST_MODIFIED_HEADER,
  type SearchHit,
  type TeamResponse,
} from '../../../../src/core/catalog/schemas';
import { silentLogger, type Logger } from '../../../../src/core/logger';
import type { UnixIdentity } from '../../../../src/service/team/permissions';
import type { RequestError } from '../../../../src/service/http';
import { sendJson } from '../../../../src/service/http';
import { TeamRoutes } from '../../../../src/service/team/routes';
import { TeamIndex, type IndexFs } from '../../../../src/service/team/teamIndex';
import { listEntries, searchHome, summarize, visibleNode } from '../../../../src/service/team/teamView';

const BOB = { uid: 2000, gid: 1001 };
const alice: UnixIdentity = { name: 'alice', uid: 1001, gid: 1002, groups: [1001, 1002] };
const dave: UnixIdentity = { name: 'dave', uid: 1004, gid: 1005, groups: [1005] };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'team-index-'));
const home = path.join(root, 'bob');
after(() => fs.rmSync(root, { recursive: true, force: true }));

function notebook(title: string, purpose: string): string {
  const header = `# ${title}\n\n**Purpose:** ${purpose}\n**Audience:** Analysts\n`;
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: 'markdown', metadata: {}, source: header }],
  });
}

function put(rel: string, content: string, mode = 0o640): void {
  const abs = path.join(home, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
  fs.chownSync(abs, BOB.uid, BOB.gid);
  fs.chmodSync(abs, mode);
}

function folder(rel: string, mode = 0o2750): void {
  const abs = path.join(home, rel);
  fs.mkdirSync(abs, { recursive: true });
  fs.chownSync(abs, BOB.uid, BOB.gid);
  fs.chmodSync(abs, mode);
}

function countingFs() {
  const count = { realpath: 0, lstat: 0, readdir: 0, read: 0, readPaths: [] as string[] };
  const counted: IndexFs = {
    realpathSync: (p) => (count.realpath++, fs.realpathSync(p)),
    lstatSync: (p) => (count.lstat++, fs.lstatSync(p)),
    readdirSync: (p) => (count.readdir++, fs.readdirSync(p)),
    // The index opens files relative to an open folder (a /proc/self/fd path); a file is counted as read
    // when it is opened, under the path it has in the home.
    openSync: (p, flags) => {
      const fd = fs.openSync(p, flags);
      if ((flags & fs.constants.O_DIRECTORY) === 0) {
        count.read++;
        count.readPaths.push(path.relative(home, fs.readlinkSync(`/proc/self/fd/${fd}`)));
      }
      return fd;
    },
    fstatSync: (fd) => fs.fstatSync(fd),
    readSync: (fd, buffer, offset, length, position) => fs.readSync(fd, buffer, offset, length, position),
    closeSync: (fd) => fs.closeSync(fd),
  };
  const reset = () => Object.assign(count, { realpath: 0, lstat: 0, readdir: 0, read: 0, readPaths: [] });
  return { count, fs: counted, reset };
}

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warn: (m) => warnings.push(m), warnings };
}

beforeEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
  folder('');
  put('churn.ipynb', notebook('Churn', 'Quarterly churn forecast'));
  put('broken.ipynb', '{"cells": [');
  put('readme.txt', 'not a notebook');
  put('.hidden.ipynb', notebook('Hidden', 'never listed'));
  put('.secret/x.ipynb', notebook('Secret', 'never listed'));
  folder('sub');
  put('sub/sales.ipynb', notebook('Sales', 'Monthly sales per region'));
  folder('sub/deeper');
  put('sub/deeper/deep.ipynb', notebook('Deep', 'Deep thoughts'));
  folder('private', 0o700);
  put('private/mine.ipynb', notebook('Mine', 'private plans'));
  folder('empty');
  fs.symlinkSync('churn.ipynb', path.join(home, 'link.ipynb'));
});

test('the first walk reads each folder and parses each notebook once; an unchanged tree costs only lstats', async () => {
  const c = countingFs();
  const index = new TeamIndex({ maxAgeMs: 0, log: silentLogger, fs: c.fs });
  await index.home('bob', home);
  assert.equal(c.count.readdir, 5, 'bob, sub, sub/deeper, private, empty');
  assert.deepEqual(c.count.readPaths.sort(), [
    'broken.ipynb',
    'churn.ipynb',
    'private/mine.ipynb',
    'sub/deeper/deep.ipynb',
    'sub/sales.ipynb',
  ]);
  c.reset();
  await index.home('bob', home);
  assert.equal(c.count.readdir, 0, 'no folder re-read');
  assert.equal(c.count.read, 0, 'no notebook re-parsed');
  assert.ok(c.count.lstat >= 9, 'every indexed folder and notebook is checked again');
});

test('a changed notebook is re-parsed and only it; a new file re-reads only its folder', async () => {
  const c = countingFs();
  const index = new TeamIndex({ maxAgeMs: 0, log: silentLogger, fs: c.fs });
  await index.home('bob', home);
  c.reset();
  put('sub/sales.ipynb', notebook('Sales', 'Weekly sales per store and region'));
  const bob = await index.home('bob', home);
  assert.deepEqual(c.count.readPaths, ['sub/sales.ipynb']);
  assert.equal(c.count.readdir, 0, 'writing a file does not change its folder');
  const sales = visibleNode(bob, ['sub', 'sales.ipynb'], alice);
  assert.equal(sales?.kind === 'notebook' && sales.header.purpose, 'Weekly sales per store and region');

  c.reset();
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(home, 'churn.ipynb'), later, later);
  await index.home('bob', home);
  assert.deepEqual(c.count.readPaths, ['churn.ipynb'], 'an mtime change alone re-parses');

  c.reset();
  put('sub/new.ipynb', notebook('New', 'fresh'));
  await index.home('bob', home);
  assert.equal(c.count.readdir, 1, 'only sub is read again');
  assert.deepEqual(c.count.readPaths, ['sub/new.ipynb']);

  c.reset();
  fs.rmSync(path.join(home, 'sub', 'new.ipynb'));
  const after = await index.home('bob', home);
  assert.equal(visibleNode(after, ['sub', 'new.ipynb'], alice), undefined, 'a deleted file leaves the index');
  assert.equal(c.count.read, 0);
});

test('chmod changes neither mtime nor size, yet the next refresh applies it without parsing', async () => {
  const c = countingFs();
  const index = new TeamIndex({ maxAgeMs: 0, log: silentLogger, fs: c.fs });
  assert.equal(summarize(await index.home('bob', home), alice).notebooks, 4);
  c.reset();
  fs.chmodSync(path.join(home, 'sub', 'sales.ipynb'), 0o600);
  fs.chmodSync(path.join(home, 'private'), 0o750);
  const bob = await index.home('bob', home);
  assert.equal(c.count.read, 0);
  assert.equal(visibleNode(bob, ['sub', 'sales.ipynb'], alice), undefined, '600 is hidden from alice');
  assert.ok(visibleNode(bob, ['private', 'mine.ipynb'], alice), 'the folder opened to the group');
  assert.equal(summarize(bob, alice).notebooks, 4);
});

test('what a viewer sees: readable notebooks, folders holding one, malformed files with a warning', async () => {
  const bob = await new TeamIndex({ maxAgeMs: 0, log: silentLogger }).home('bob', home);
  const rootNode = visibleNode(bob, [], alice);
  assert.equal(rootNode?.kind, 'folder');
  if (rootNode?.kind !== 'folder') return;
  const entries = listEntries(rootNode, alice);
  assert.deepEqual(
    entries.map((e) => `${e.type}:${e.path}`),
    ['directory:sub', 'notebook:broken.ipynb', 'notebook:churn.ipynb'],
    'no hidden names, no link, no .txt, no 700 folder, no folder without notebooks',
  );
  const broken = entries.find((e) => e.name === 'broken.ipynb');
  assert.match(broken?.warning ?? '', /not valid JSON/);
  const churn = entries.find((e) => e.name === 'churn.ipynb');
  assert.equal(churn?.header?.purpose, 'Quarterly churn forecast');
  assert.equal(churn?.lastModified, fs.statSync(path.join(home, 'churn.ipynb')).mtime.toISOString());
  assert.equal(visibleNode(bob, ['private'], alice), undefined);
  assert.equal(visibleNode(bob, ['.secret'], alice), undefined);

  const summary = summarize(bob, alice);
  assert.equal(summary.notebooks, 4, 'churn, broken, sales, deep');
  assert.deepEqual(summarize(bob, dave), { notebooks: 0, newestMs: undefined }, 'dave cannot enter the home');
  assert.equal(visibleNode(bob, [], dave), undefined);
});

test('search: every term must match a header field or the path, case-insensitively', async () => {
  const bob = await new TeamIndex({ maxAgeMs: 0, log: silentLogger }).home('bob', home);
  const find = (query: string, who = alice): string[] => {
    const hits: SearchHit[] = [];
    searchHome(bob, who, query.toLowerCase().split(/\s+/), hits, 100);
    return hits.map((h) => `${h.owner}:${h.path}`).sort();
  };
  assert.deepEqual(find('CHURN forecast'), ['bob:churn.ipynb']);
  assert.deepEqual(find('churn nothing'), []);
  assert.deepEqual(find('analysts'), ['bob:churn.ipynb', 'bob:sub/deeper/deep.ipynb', 'bob:sub/sales.ipynb']);
  assert.deepEqual(find('deeper'), ['bob:sub/deeper/deep.ipynb'], 'the path counts');
  assert.deepEqual(find('plans'), [], 'a notebook in a 700 folder is not found');
  assert.deepEqual(find('churn', dave), []);
});

test('the index is reused while younger than maxAgeMs, and concurrent requests share walks', async () => {
  let now = 1_000_000;
  const c = countingFs();
  const young = new TeamIndex({ maxAgeMs: 2000, log: silentLogger, fs: c.fs, now: () => now });
  await young.home('bob', home);
  c.reset();
  now += 1000;
  await young.home('bob', home);
  assert.equal(c.count.lstat, 0, 'younger than maxAgeMs: not even an lstat');
  now += 1500;
  await young.home('bob', home);
  assert.equal(c.count.realpath, 1, 'older: checked again');

  const d = countingFs();
  const always = new TeamIndex({ maxAgeMs: 0, log: silentLogger, fs: d.fs });
  await Promise.all([always.home('bob', home), always.home('bob', home), always.home('bob', home)]);
  assert.equal(d.count.realpath, 2, 'one walk, and one queued after it for the requests that came during it');
});

test('huge folders and deep trees are bounded, with a warning', async () => {
  for (let i = 0; i < 10; i++) put(`many/n${i}.ipynb`, notebook(`N${i}`, 'many'));
  folder('sub/deeper/d3/d4');
  put('sub/deeper/d3/d4/bottom.ipynb', notebook('Bottom', 'too deep'));
  const log = recordingLog();
  const index = new TeamIndex({ maxAgeMs: 0, log, maxDepth: 3, maxEntriesPerFolder: 8 });
  const bob = await index.home('bob', home);
  const many = visibleNode(bob, ['many'], alice);
  assert.equal(many?.kind === 'folder' && many.children.size, 8);
  assert.ok(visibleNode(bob, ['sub', 'deeper', 'd3'], alice), 'depth 3 is indexed');
  assert.equal(visibleNode(bob, ['sub', 'deeper', 'd3', 'd4'], alice), undefined, 'depth 4 is not');
  assert.ok(log.warnings.some((w) => /holds 10 entries; only the first 8/.test(w)));
  assert.ok(log.warnings.some((w) => /more than 3 folders deep/.test(w)));
  await index.home('bob', home);
  assert.equal(log.warnings.length, 2, 'each warned once');
});

test('a home that does not exist has no notebooks, and appears once it does', async () => {
  const index = new TeamIndex({ maxAgeMs: 0, log: silentLogger });
  const ghost = path.join(root, 'ghost');
  assert.deepEqual(summarize(await index.home('ghost', ghost), alice), { notebooks: 0, newestMs: undefined });
  fs.mkdirSync(ghost, { mode: 0o755 });
  fs.writeFileSync(path.join(ghost, 'x.ipynb'), notebook('X', 'y'), { mode: 0o644 });
  try {
    assert.equal(summarize(await index.home('ghost', ghost), alice).notebooks, 1);
  } finally {
    fs.rmSync(ghost, { recursive: true, force: true });
  }
});

/** The team routes over this temp home, for a caller named in the `x-caller` header, on a real HTTP server. */
async function serve(index: TeamIndex) {
  const routes = new TeamRoutes({
    identities: { lookup: (name) => Promise.resolve(name === 'alice' ? alice : undefined) },
    directory: { teammatesOf: (name) => Promise.resolve(name === 'bob' ? [] : ['bob']) },
    index,
    homeTemplate: path.join(root, '{username}'),
    log: silentLogger,
  });
  const server = createServer((req, res) => {
    const sub = new URL(req.url ?? '/', 'http://x.invalid').pathname.slice(1);
    const caller = { name: String(req.headers['x-caller']), groups: [], maintainer: false };
    routes.handle(sub, req, res, caller).then(
      (handled) => handled || sendJson(res, 404, { error: 'unhandled' }),
      (err: RequestError) => sendJson(res, err.status, { error: err.code, message: err.message }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const ask = async (who: string, sub: string, params: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(`${base}${sub}?${new URLSearchParams(params)}`, {
      method,
      headers: { 'x-caller': who },
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  return { ask, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('through the routes', () => {
  test('a caller without a unix account sees no teammates and no files', async () => {
    const s = await serve(new TeamIndex({ maxAgeMs: 0, log: silentLogger }));
    try {
      assert.deepEqual(JSON.parse((await s.ask('zoe', 'api/team')).text), { teammates: [] });
      const list = await s.ask('zoe', 'api/team/list', { user: 'bob' });
      assert.equal(list.status, 404);
      assert.match(list.text, /No teammate called \\"bob\\" shares notebooks with you\./);
      const alice = JSON.parse((await s.ask('alice', 'api/team')).text) as TeamResponse;
      assert.deepEqual(
        alice.teammates.map((m) => [m.name, m.notebooks]),
        [['bob', 4]],
      );
    } finally {
      await s.close();
    }
  });

  test('file: bytes and headers, HEAD without a body, only GET, only notebooks; other paths are not handled', async () => {
    const s = await serve(new TeamIndex({ maxAgeMs: 0, log: silentLogger }));
    try {
      const onDisk = fs.readFileSync(path.join(home, 'churn.ipynb'), 'utf8');
      const got = await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' });
      assert.equal(got.status, 200);
      assert.equal(got.text, onDisk);
      assert.equal(got.headers.get('content-type'), IPYNB_MEDIA_TYPE);
      assert.equal(
        got.headers.get(LAST_MODIFIED_HEADER),
        fs.statSync(path.join(home, 'churn.ipynb')).mtime.toISOString(),
      );
      const head = await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' }, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(onDisk)));
      assert.equal(head.text, '');
      assert.equal(
        (await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' }, 'DELETE')).status,
        405,
      );
      const txt = await s.ask('alice', 'api/team/file', { user: 'bob', path: 'readme.txt' });
      assert.equal(txt.status, 404);
      assert.match(txt.text, /Only notebooks/);
      assert.equal((await s.ask('alice', 'api/team/nope')).text, '{"error":"unhandled"}');
    } finally {
      await s.close();
    }
  });

  test('file: a notebook changed since the index was built is checked as it is now', async () => {
    const s = await serve(new TeamIndex({ maxAgeMs: 60_000, log: silentLogger }));
    try {
      assert.equal((await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' })).status, 200);
      put('churn.ipynb', '{ broken');
      const broken = await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' });
      assert.equal(broken.status, 422);
      assert.match(broken.text, /churn\.ipynb` cannot be opened: The file is not valid JSON/);
      put('churn.ipynb', notebook('Churn', 'rewritten'));
      const fixed = await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' });
      assert.equal(fixed.status, 200);
      assert.match(fixed.text, /rewritten/);
      fs.chmodSync(path.join(home, 'churn.ipynb'), 0o600);
      assert.equal(
        (await s.ask('alice', 'api/team/file', { user: 'bob', path: 'churn.ipynb' })).status,
        404,
        'permissions are checked on the disk',
      );
    } finally {
      await s.close();
    }
  });
});
