// The supported store on a real SQLite file in a temp dir: publish, immutable and increasing versions,
// rollback, the audit trail, content-addressed blobs, and several processes racing to publish one version.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SupportedStore, SupportedStoreError } from '../../../../src/service/supported';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supported-store-'));
  dirs.push(dir);
  return path.join(dir, 'data');
}

/** A clock that moves one second per call, so times are distinct and predictable. */
function stepClock(): () => Date {
  let t = Date.parse('2026-03-01T10:00:00.000Z');
  return () => new Date((t += 1000));
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

function publish(
  store: SupportedStore,
  name: string,
  version: string,
  content = `${name} ${version}`,
  actor = 'carol',
) {
  return store.publish({ name, version, bytes: bytes(content), header: { title: content }, actor });
}

function assertStoreError(fn: () => unknown, code: 'conflict' | 'not_found', message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SupportedStoreError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('publish stores the bytes, makes the version current, and lists it with its header', () => {
  const dataDir = tempDir();
  const store = new SupportedStore(dataDir, { now: stepClock() });
  try {
    const v1 = publish(store, 'sales', '1.0.0', 'first');
    assert.deepEqual(v1, {
      name: 'sales',
      version: '1.0.0',
      sha256: createHash('sha256').update('first').digest('hex'),
      size: 5,
      publishedBy: 'carol',
      publishedAt: '2026-03-01T10:00:01.000Z',
      header: { title: 'first' },
    });
    assert.equal(store.read(v1).toString(), 'first');
    const v2 = publish(store, 'sales', '1.1.0', 'second');
    assert.deepEqual(store.version('sales'), v2, 'the newest publish is current');
    assert.deepEqual(store.version('sales', '1.0.0'), v1);
    assert.equal(store.version('sales', '9.9.9'), undefined);
    assert.equal(store.version('nope'), undefined);
    assert.equal(store.notebook('nope'), undefined);
    assert.deepEqual(store.list(), [{ name: 'sales', current: v2, versionCount: 2 }]);
    const notebook = store.notebook('sales');
    assert.equal(notebook?.currentVersion, '1.1.0');
    assert.deepEqual(
      notebook?.versions.map((v) => v.version),
      ['1.1.0', '1.0.0'],
    );
    // The data dir and the database are private to the service's account.
    assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dataDir, 'catalog.sqlite')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(store.blobPath(v1.sha256)).mode & 0o777, 0o600);
  } finally {
    store.close();
  }
});

test('versions are immutable and must grow: same or lower versions are conflicts, by number not text', () => {
  const store = new SupportedStore(tempDir());
  try {
    publish(store, 'nb', '1.2.0', 'original');
    assertStoreError(
      () => publish(store, 'nb', '1.2.0', 'changed'),
      'conflict',
      /already published.*never change/,
    );
    assertStoreError(() => publish(store, 'nb', '1.1.9'), 'conflict', /not greater than 1\.2\.0/);
    assertStoreError(() => publish(store, 'nb', '0.9.0'), 'conflict', /not greater than 1\.2\.0/);
    // 1.10.0 > 1.9.0 > 1.2.0, although "1.10.0" < "1.9.0" as text.
    publish(store, 'nb', '1.9.0');
    publish(store, 'nb', '1.10.0');
    assertStoreError(() => publish(store, 'nb', '1.9.1'), 'conflict', /not greater than 1\.10\.0/);
    assert.equal(
      store.read(store.version('nb', '1.2.0')!).toString(),
      'original',
      'the refused change left nothing',
    );
    // Other notebooks have their own version lines.
    publish(store, 'other', '0.0.1');
    assert.throws(() => publish(store, 'Bad Name', '1.0.0'), TypeError);
    assert.throws(() => publish(store, 'nb', '2.0'), TypeError);
  } finally {
    store.close();
  }
});

test('rollback moves current back to an older version only, and publish still needs a greater version', () => {
  const store = new SupportedStore(tempDir(), { now: stepClock() });
  try {
    publish(store, 'nb', '1.0.0');
    publish(store, 'nb', '1.1.0');
    publish(store, 'nb', '2.0.0');
    const rolled = store.rollback('nb', '1.0.0', 'carol');
    assert.equal(rolled.currentVersion, '1.0.0');
    assert.equal(store.version('nb')?.version, '1.0.0');
    assert.equal(store.list()[0]?.current.version, '1.0.0');
    assertStoreError(() => store.rollback('nb', '1.0.0', 'carol'), 'conflict', /not older than 1\.0\.0/);
    assertStoreError(() => store.rollback('nb', '1.1.0', 'carol'), 'conflict', /rollback only moves back/);
    assertStoreError(() => store.rollback('nb', '0.5.0', 'carol'), 'not_found', /has no version 0\.5\.0/);
    assertStoreError(() => store.rollback('missing', '1.0.0', 'carol'), 'not_found', /No supported notebook/);
    assertStoreError(() => publish(store, 'nb', '1.2.0'), 'conflict', /not greater than 2\.0\.0/);
    assert.equal(publish(store, 'nb', '2.0.1').version, '2.0.1');
    assert.equal(store.version('nb')?.version, '2.0.1', 'a publish after a rollback is current');
  } finally {
    store.close();
  }
});

test('every publish and rollback is audited with who and when, newest first; refusals are not', () => {
  const store = new SupportedStore(tempDir(), { now: stepClock() });
  try {
    publish(store, 'a', '1.0.0', 'x', 'carol');
    publish(store, 'a', '1.1.0', 'y', 'erin');
    publish(store, 'b', '0.1.0', 'z', 'carol');
    assert.throws(() => publish(store, 'a', '1.0.5'));
    store.rollback('a', '1.0.0', 'erin');
    assert.throws(() => store.rollback('a', '1.1.0', 'erin'));
    assert.deepEqual(store.audit('a'), [
      {
        at: '2026-03-01T10:00:05.000Z',
        actor: 'erin',
        action: 'rollback',
        name: 'a',
        version: '1.0.0',
        fromVersion: '1.1.0',
      },
      {
        at: '2026-03-01T10:00:02.000Z',
        actor: 'erin',
        action: 'publish',
        name: 'a',
        version: '1.1.0',
        fromVersion: null,
      },
      {
        at: '2026-03-01T10:00:01.000Z',
        actor: 'carol',
        action: 'publish',
        name: 'a',
        version: '1.0.0',
        fromVersion: null,
      },
    ]);
    assert.deepEqual(
      store.audit().map((e) => `${e.action} ${e.name} ${e.version}`),
      ['rollback a 1.0.0', 'publish b 0.1.0', 'publish a 1.1.0', 'publish a 1.0.0'],
    );
    assert.deepEqual(store.audit('none'), []);
  } finally {
    store.close();
  }
});

test('blobs are content-addressed: identical bytes are stored once, at blobs/<sha[0:2]>/<sha>', () => {
  const dataDir = tempDir();
  const store = new SupportedStore(dataDir);
  try {
    const a = publish(store, 'one', '1.0.0', 'same bytes');
    const b = publish(store, 'two', '3.0.0', 'same bytes');
    const c = publish(store, 'one', '1.0.1', 'other bytes');
    assert.equal(a.sha256, b.sha256);
    assert.notEqual(a.sha256, c.sha256);
    assert.equal(store.blobPath(a.sha256), path.join(dataDir, 'blobs', a.sha256.slice(0, 2), a.sha256));
    const files = fs
      .readdirSync(path.join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
    assert.deepEqual(files, [a.sha256, c.sha256].sort(), 'two blobs, and no temporary file left behind');
    assert.equal(fs.readFileSync(store.blobPath(c.sha256), 'utf8'), 'other bytes');
  } finally {
    store.close();
  }
});

test('the store reopens with its data, and two instances on one file see each other', () => {
  const dataDir = tempDir();
  const first = new SupportedStore(dataDir);
  const second = new SupportedStore(dataDir);
  try {
    publish(first, 'shared', '1.0.0');
    assert.equal(second.version('shared')?.version, '1.0.0');
    assertStoreError(() => publish(second, 'shared', '1.0.0'), 'conflict', /already published/);
    publish(second, 'shared', '1.0.1');
    first.close();
    const reopened = new SupportedStore(dataDir);
    assert.equal(reopened.notebook('shared')?.versions.length, 2);
    reopened.close();
  } finally {
    first.close();
    second.close();
  }
});

const RACER = `
const { SupportedStore, SupportedStoreError } = require(${JSON.stringify(path.resolve(__dirname, '../../../../src/service/supported/store.ts'))});
const [dataDir, id] = process.argv.slice(-2);
const store = new SupportedStore(dataDir);
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  let result;
  try {
    const v = store.publish({ name: 'raced', version: '1.0.0', bytes: Buffer.from('racer ' + id), header: {}, actor: 'racer' + id });
    result = { id, ok: true, sha256: v.sha256 };
  } catch (err) {
    result = { id, ok: false, code: err instanceof SupportedStoreError ? err.code : String(err) };
  }
  store.close();
  process.stdout.write(JSON.stringify(result) + '\\n');
  process.exit(0);
});
`;

interface RaceResult {
  id: string;
  ok: boolean;
  code?: string;
  sha256?: string;
}

test('processes racing to publish the same version on one database: exactly one wins', async () => {
  const dataDir = tempDir();
  // Create the database first, so the racers race on publishing rather than on creating the schema.
  new SupportedStore(dataDir).close();
  const racers = Array.from({ length: 6 }, (_, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', RACER, '--', dataDir, String(i)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n')) resolve();
      }),
    );
    const done = new Promise<RaceResult>((resolve, reject) =>
      child.on('exit', (code) => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (code !== 0 || !line) reject(new Error(`racer ${i} exited ${code}: ${out}`));
        else resolve(JSON.parse(line) as RaceResult);
      }),
    );
    return { child, ready, done };
  });
  await Promise.all(racers.map((r) => r.ready));
  for (const r of racers) r.child.stdin.end('go\n');
  const results = await Promise.all(racers.map((r) => r.done));
  const winners = results.filter((r) => r.ok);
  assert.equal(winners.length, 1, JSON.stringify(results));
  assert.deepEqual(
    results.filter((r) => !r.ok).map((r) => r.code),
    Array.from({ length: 5 }, () => 'conflict'),
  );
  const store = new SupportedStore(dataDir);
  try {
    const stored = store.version('raced');
    assert.equal(stored?.publishedBy, `racer${winners[0]?.id}`);
    assert.equal(store.read(stored).toString(), `racer ${winners[0]?.id}`);
    assert.equal(store.audit('raced').length, 1);
    const blobs = fs
      .readdirSync(path.join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile());
    assert.equal(blobs.length, 1, 'the losers wrote no blob');
  } finally {
    store.close();
  }
});
